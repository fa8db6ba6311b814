package dev.switchboard.api.store;

import dev.switchboard.api.stanza.Address;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Durable public keys for end-to-end encryption: per device its identity key and signed prekeys,
 * a pool of one-time prekeys taken one at a time, and per account the device list its primary
 * device signed. The server stores public halves only, as opaque bytes it never interprets. A
 * device's keys go with the device (unlinking or deleting the account removes them). Every method
 * throws {@link StoreException} when the database cannot be reached or fails.
 *
 * @since 1.4
 */
@ProviderType
public interface KeyStore {

    /** A device's long-lived keys and its current signed prekeys. Byte arrays are the client's own encodings. */
    record DeviceKeys(Address device, int registrationId, byte[] identityKey, PreKey signedPreKey, PreKey lastResortKyberKey,
                      long updatedAtMs) {
    }

    /** A prekey: its id, public key and (for signed ones) the identity key's signature over it. */
    record PreKey(int id, byte[] publicKey, byte[] signature) {
        public PreKey {
            signature = signature == null ? new byte[0] : signature;
        }
    }

    /** What one fetch of a device's keys returns: its keys, and a one-time prekey if any were left. */
    record Bundle(DeviceKeys keys, PreKey oneTimePreKey, PreKey oneTimeKyberKey) {
    }

    /**
     * Stores a device's identity and signed prekeys, replacing what it had. A changed identity key
     * also drops the device's one-time prekeys (they were signed by nobody, but belong to the old
     * identity). @return false if there is no such device
     */
    boolean putDeviceKeys(DeviceKeys keys) throws StoreException;

    /** Adds one-time prekeys (classic, or Kyber when {@code kyber}); an id already stored is kept. @return how many are stored now */
    int addOneTimePreKeys(Address device, List<PreKey> keys, boolean kyber) throws StoreException;

    /** How many one-time prekeys of each kind a device has left: {classic, kyber}. */
    int[] oneTimePreKeyCount(Address device) throws StoreException;

    /**
     * How many classic one-time prekeys a device has left, counted up to {@code limit} only (a fetch
     * asks whether the pool ran low, and a device may hold thousands).
     *
     * @since 1.5
     */
    int oneTimePreKeysLeft(Address device, int limit) throws StoreException;

    /**
     * A device's keys with one one-time prekey of each kind removed from its pool atomically, so no
     * two fetchers get the same one; without keys uploaded, empty.
     */
    Optional<Bundle> takeBundle(Address device) throws StoreException;

    /** A device's keys without taking anything. */
    Optional<DeviceKeys> deviceKeys(Address device) throws StoreException;

    /**
     * The account's devices that uploaded keys: device number to its registration id (which changes
     * with a reinstall), in device order.
     *
     * @since 1.5
     */
    java.util.SortedMap<Integer, Integer> devicesWithKeys(String user) throws StoreException;

    /** Stores the account's device list as signed by its primary device (opaque to the server). */
    void putDeviceList(String user, byte[] signedList, long nowMs) throws StoreException;

    /** The account's signed device list, if its primary device uploaded one. */
    Optional<byte[]> deviceList(String user) throws StoreException;

    /** Remembers that {@code fetcher} fetched {@code user}'s keys: it is told when the user's devices change. */
    void addKeyContact(String user, String fetcher) throws StoreException;

    /** The accounts that fetched {@code user}'s keys. */
    List<String> keyContacts(String user) throws StoreException;
}
