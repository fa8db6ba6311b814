package dev.switchboard.api.store;

import dev.switchboard.api.stanza.Address;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Durable accounts, devices, credentials and resume tokens in SQL. Knows nothing of hashing: it
 * stores what it is given. Every method throws {@link StoreException} when the database cannot be
 * reached or fails.
 */
@ProviderType
public interface AccountStore {

    /** What {@link #addDevice} did. */
    enum AddDevice {
        /** The device was added. */
        ADDED,
        /** The device number is already taken. */
        EXISTS,
        /** The account already has the largest number of devices allowed. */
        LIMIT,
        /** There is no such account. */
        NO_ACCOUNT
    }

    /** Creates an account and its primary device (0) in one transaction. @return false if it exists */
    boolean createAccount(String user, StoredCredential primaryDevice) throws StoreException;

    /** Adds a device to an account, atomically checking the device limit (primary included). */
    AddDevice addDevice(Address device, StoredCredential credential, int maxDevices) throws StoreException;

    /** Removes a device with its credential and tokens. @return false if there was none */
    boolean removeDevice(Address device) throws StoreException;

    /** Replaces a device's credential. @return false if there is no such device */
    boolean updateCredential(Address device, StoredCredential credential) throws StoreException;

    /** Deletes an account with all its devices, credentials and tokens. @return false if none */
    boolean deleteAccount(String user) throws StoreException;

    /** The stored credential of a device, if the account and device exist. */
    Optional<StoredCredential> credential(Address device) throws StoreException;

    /** The devices of an account in device order; empty if there is no such account. */
    List<DeviceRecord> devices(String user) throws StoreException;

    /** Stores a resume token's hash for a device. */
    void storeToken(byte[] tokenHash, Address device, long expiresAtMs) throws StoreException;

    /** The device a token (by hash) belongs to, if it exists and has not expired by {@code nowMs}. */
    Optional<Address> tokenDevice(byte[] tokenHash, long nowMs) throws StoreException;

    /** Revokes every token of a device. @return how many were revoked */
    int revokeTokens(Address device) throws StoreException;

    /** The number of accounts. */
    long accountCount() throws StoreException;
}
