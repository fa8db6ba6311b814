package dev.switchboard.store.sql.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.store.AccountStore.AddDevice;
import dev.switchboard.api.store.DeviceRecord;
import dev.switchboard.api.store.StoredCredential;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The account store's behaviour, run against each real database by a subclass (no mocks). */
abstract class AccountStoreContract {

    protected SqlAccountStore store;

    /** A data source over an empty database of the subclass's kind. */
    protected abstract DataSource emptyDatabase() throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        DataSource ds = emptyDatabase();
        store = new SqlAccountStore(new Jdbc(ds, new Migrator(ds, getClass().getSimpleName())));
    }

    static StoredCredential cred(int seed) {
        return new StoredCredential("SCRAM-SHA-256", 4096, new byte[] {(byte) seed, 1},
                new byte[] {2, (byte) seed}, new byte[] {3, (byte) seed});
    }

    @Test
    void createsAnAccountWithItsPrimaryDevice() throws Exception {
        assertTrue(store.createAccount("15551234567", cred(1)));
        assertEquals(cred(1), store.credential(new Address("15551234567", 0)).orElseThrow());
        assertTrue(store.credential(new Address("15551234567", 1)).isEmpty());
        assertTrue(store.credential(new Address("15550000000", 0)).isEmpty());
        assertEquals(1, store.accountCount());
        List<DeviceRecord> devices = store.devices("15551234567");
        assertEquals(1, devices.size());
        assertTrue(devices.get(0).registeredAtMs() > 0);
    }

    @Test
    void duplicateAccountChangesNothing() throws Exception {
        assertTrue(store.createAccount("1", cred(1)));
        assertFalse(store.createAccount("1", cred(2)));
        assertEquals(cred(1), store.credential(new Address("1", 0)).orElseThrow());
    }

    @Test
    void concurrentRegistrationsOfOneIdCreateOneAccount() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int seed = i;
                results.add(pool.submit(() -> store.createAccount("77", cred(seed))));
            }
            int created = 0;
            for (Future<Boolean> f : results) {
                created += f.get() ? 1 : 0;
            }
            assertEquals(1, created);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void devicesAreLimitedAndNumbersUnique() throws Exception {
        store.createAccount("5", cred(0));
        for (int d = 1; d <= 4; d++) {
            assertEquals(AddDevice.ADDED, store.addDevice(new Address("5", d), cred(d), 5));
        }
        assertEquals(AddDevice.EXISTS, store.addDevice(new Address("5", 2), cred(9), 5));
        assertEquals(AddDevice.LIMIT, store.addDevice(new Address("5", 7), cred(7), 5));
        assertEquals(AddDevice.NO_ACCOUNT, store.addDevice(new Address("6", 1), cred(1), 5));
        assertEquals(5, store.devices("5").size());
        assertTrue(store.removeDevice(new Address("5", 3)));
        assertFalse(store.removeDevice(new Address("5", 3)));
        assertEquals(AddDevice.ADDED, store.addDevice(new Address("5", 7), cred(7), 5));
    }

    @Test
    void credentialsCanBeReplaced() throws Exception {
        store.createAccount("8", cred(1));
        assertTrue(store.updateCredential(new Address("8", 0), cred(2)));
        assertEquals(cred(2), store.credential(new Address("8", 0)).orElseThrow());
        assertFalse(store.updateCredential(new Address("8", 1), cred(2)));
    }

    @Test
    void tokensExpireAndAreRevokedWithTheirDevice() throws Exception {
        store.createAccount("9", cred(1));
        store.addDevice(new Address("9", 1), cred(2), 5);
        long now = System.currentTimeMillis();
        store.storeToken(new byte[] {1}, new Address("9", 0), now + 60_000);
        store.storeToken(new byte[] {2}, new Address("9", 1), now + 60_000);
        store.storeToken(new byte[] {3}, new Address("9", 1), now - 1);
        assertEquals(new Address("9", 0), store.tokenDevice(new byte[] {1}, now).orElseThrow());
        assertTrue(store.tokenDevice(new byte[] {3}, now).isEmpty(), "expired");
        assertTrue(store.tokenDevice(new byte[] {4}, now).isEmpty(), "unknown");
        assertTrue(store.removeDevice(new Address("9", 1)));
        assertTrue(store.tokenDevice(new byte[] {2}, now).isEmpty(), "revoked with its device");
        assertEquals(1, store.revokeTokens(new Address("9", 0)));
        assertTrue(store.tokenDevice(new byte[] {1}, now).isEmpty());
    }

    @Test
    void deletingAnAccountTakesItsDevicesAndTokens() throws Exception {
        store.createAccount("10", cred(1));
        store.addDevice(new Address("10", 1), cred(2), 5);
        store.storeToken(new byte[] {5}, new Address("10", 1), System.currentTimeMillis() + 60_000);
        assertTrue(store.deleteAccount("10"));
        assertFalse(store.deleteAccount("10"));
        assertEquals(List.of(), store.devices("10"));
        assertTrue(store.tokenDevice(new byte[] {5}, System.currentTimeMillis()).isEmpty());
        assertTrue(store.createAccount("10", cred(3)), "the id is free again");
    }

    @Test
    void migrationsAreSafeToRerun() throws Exception {
        store.accountCount();
        DataSource ds = emptyDatabaseWithoutReset();
        try (var c = ds.getConnection()) {
            assertEquals(0, Migrations.apply(c));
        }
    }

    /** The same database again, without wiping it. */
    protected abstract DataSource emptyDatabaseWithoutReset() throws Exception;
}
