package dev.switchboard.store.sql.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.store.AccountStore.AddDevice;
import dev.switchboard.api.store.KeyStore.Bundle;
import dev.switchboard.api.store.KeyStore.DeviceKeys;
import dev.switchboard.api.store.KeyStore.PreKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The key directory's storage, run against each real database by a subclass. */
abstract class KeyStoreContract {

    private static final Address ALICE = new Address("1001", 0);
    private static final Address ALICE_PHONE = new Address("1001", 1);

    protected SqlKeyStore keys;
    protected SqlAccountStore accounts;

    protected abstract DataSource emptyDatabase() throws Exception;

    @BeforeEach
    void open() throws Exception {
        DataSource ds = emptyDatabase();
        Jdbc jdbc = new Jdbc(ds, new Migrator(ds, getClass().getSimpleName()));
        keys = new SqlKeyStore(jdbc);
        accounts = new SqlAccountStore(jdbc);
        assertTrue(accounts.createAccount("1001", AccountStoreContract.cred(1)));
        assertEquals(AddDevice.ADDED, accounts.addDevice(ALICE_PHONE, AccountStoreContract.cred(2), 5));
        assertTrue(accounts.createAccount("2002", AccountStoreContract.cred(3)));
    }

    private static DeviceKeys keysOf(Address device, int identitySeed) {
        return new DeviceKeys(device, 4242, bytes(33, identitySeed), new PreKey(7, bytes(33, 70), bytes(64, 71)),
                new PreKey(9, bytes(1569, 90), bytes(64, 91)), 1000);
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i);
        }
        return b;
    }

    private static List<PreKey> preKeys(int from, int n) {
        List<PreKey> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            out.add(new PreKey(i, bytes(33, i), null));
        }
        return out;
    }

    @Test
    void aDevicesKeysRoundTripByteForByte() throws Exception {
        assertTrue(keys.putDeviceKeys(keysOf(ALICE, 1)));
        DeviceKeys read = keys.deviceKeys(ALICE).orElseThrow();
        assertEquals(4242, read.registrationId());
        assertArrayEquals(bytes(33, 1), read.identityKey());
        assertEquals(7, read.signedPreKey().id());
        assertArrayEquals(bytes(64, 71), read.signedPreKey().signature());
        assertArrayEquals(bytes(1569, 90), read.lastResortKyberKey().publicKey(), "a Kyber-1024 key fits");
        assertTrue(keys.deviceKeys(ALICE_PHONE).isEmpty());
        assertFalse(keys.putDeviceKeys(keysOf(new Address("1001", 4), 1)), "no keys for a device that is not linked");
    }

    @Test
    void oneTimePreKeysAreTakenOnceEachInIdOrderThenTheBundleHasNone() throws Exception {
        keys.putDeviceKeys(keysOf(ALICE, 1));
        assertEquals(3, keys.addOneTimePreKeys(ALICE, preKeys(1, 3), false));
        assertEquals(3, keys.addOneTimePreKeys(ALICE, preKeys(2, 2), false), "ids already stored are kept, not doubled");
        assertEquals(1, keys.addOneTimePreKeys(ALICE, List.of(new PreKey(5, bytes(1569, 5), bytes(64, 5))), true));
        assertArrayEquals(new int[] {3, 1}, keys.oneTimePreKeyCount(ALICE));
        Bundle first = keys.takeBundle(ALICE).orElseThrow();
        assertEquals(1, first.oneTimePreKey().id());
        assertEquals(5, first.oneTimeKyberKey().id());
        assertEquals(2, keys.takeBundle(ALICE).orElseThrow().oneTimePreKey().id());
        assertEquals(3, keys.takeBundle(ALICE).orElseThrow().oneTimePreKey().id());
        Bundle exhausted = keys.takeBundle(ALICE).orElseThrow();
        assertNull(exhausted.oneTimePreKey(), "exhausted: the signed prekey alone remains");
        assertNull(exhausted.oneTimeKyberKey());
        assertEquals(7, exhausted.keys().signedPreKey().id());
        assertArrayEquals(new int[] {0, 0}, keys.oneTimePreKeyCount(ALICE));
        assertTrue(keys.takeBundle(ALICE_PHONE).isEmpty(), "a device without keys has no bundle");
    }

    @Test
    void concurrentFetchersNeverShareAOneTimePreKey() throws Exception {
        keys.putDeviceKeys(keysOf(ALICE, 1));
        keys.addOneTimePreKeys(ALICE, preKeys(1, 40), false);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Bundle>> fetches = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                fetches.add(pool.submit(() -> keys.takeBundle(ALICE).orElseThrow()));
            }
            Set<Integer> handed = new HashSet<>();
            int without = 0;
            for (Future<Bundle> f : fetches) {
                PreKey k = f.get(60, TimeUnit.SECONDS).oneTimePreKey();
                if (k == null) {
                    without++;
                } else {
                    assertTrue(handed.add(k.id()), "prekey " + k.id() + " handed out twice");
                }
            }
            assertEquals(40, handed.size());
            assertEquals(10, without);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aNewIdentityDropsTheOldIdentitysOneTimePreKeys() throws Exception {
        keys.putDeviceKeys(keysOf(ALICE, 1));
        keys.addOneTimePreKeys(ALICE, preKeys(1, 5), false);
        keys.putDeviceKeys(keysOf(ALICE, 1)); // a new signed prekey, same identity
        assertArrayEquals(new int[] {5, 0}, keys.oneTimePreKeyCount(ALICE));
        keys.putDeviceKeys(keysOf(ALICE, 2)); // reinstalled: new identity
        assertArrayEquals(new int[] {0, 0}, keys.oneTimePreKeyCount(ALICE));
        assertArrayEquals(bytes(33, 2), keys.deviceKeys(ALICE).orElseThrow().identityKey());
    }

    @Test
    void unlinkingADeviceOrDeletingTheAccountDeletesItsKeys() throws Exception {
        keys.putDeviceKeys(keysOf(ALICE, 1));
        keys.putDeviceKeys(keysOf(ALICE_PHONE, 3));
        keys.addOneTimePreKeys(ALICE_PHONE, preKeys(1, 5), false);
        keys.putDeviceList("1001", bytes(100, 1), 5);
        keys.addKeyContact("1001", "2002");
        keys.addKeyContact("2002", "1001");
        assertEquals(java.util.Map.of(0, 4242, 1, 4242), keys.devicesWithKeys("1001"));
        assertEquals(3, keys.oneTimePreKeysLeft(ALICE_PHONE, 3), "counted up to the limit only");
        assertEquals(5, keys.oneTimePreKeysLeft(ALICE_PHONE, 10));
        assertEquals(0, keys.oneTimePreKeysLeft(ALICE, 10));
        assertTrue(accounts.removeDevice(ALICE_PHONE));
        assertEquals(java.util.Map.of(0, 4242), keys.devicesWithKeys("1001"), "an unlinked device is no longer one to encrypt for");
        assertTrue(keys.deviceKeys(ALICE_PHONE).isEmpty());
        assertArrayEquals(new int[] {0, 0}, keys.oneTimePreKeyCount(ALICE_PHONE));
        assertEquals(AddDevice.ADDED, accounts.addDevice(ALICE_PHONE, AccountStoreContract.cred(4), 5));
        assertTrue(keys.deviceKeys(ALICE_PHONE).isEmpty(), "a device linked again starts without the old keys");
        assertTrue(accounts.deleteAccount("1001"));
        assertTrue(keys.deviceKeys(ALICE).isEmpty());
        assertEquals(java.util.Map.of(), keys.devicesWithKeys("1001"));
        assertEquals(java.util.Map.of(), keys.devicesWithKeys("2002"), "an account without keys has no device to encrypt for");
        assertTrue(keys.deviceList("1001").isEmpty());
        assertEquals(List.of(), keys.keyContacts("1001"));
        assertEquals(List.of(), keys.keyContacts("2002"), "the deleted account is no one's contact any more");
    }

    @Test
    void theSignedDeviceListIsReplacedAndKeyContactsAreRememberedOnce() throws Exception {
        assertTrue(keys.deviceList("1001").isEmpty());
        keys.putDeviceList("1001", bytes(10, 1), 5);
        keys.putDeviceList("1001", bytes(20, 2), 6);
        assertArrayEquals(bytes(20, 2), keys.deviceList("1001").orElseThrow());
        keys.addKeyContact("1001", "2002");
        keys.addKeyContact("1001", "2002");
        assertEquals(List.of("2002"), keys.keyContacts("1001"));
    }
}
