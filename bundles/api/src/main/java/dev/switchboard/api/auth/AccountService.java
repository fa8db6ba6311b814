package dev.switchboard.api.auth;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.store.DeviceRecord;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Account administration, for the shell (with passwords, hashed on the server) and for clients
 * (with credentials the client derived itself, so no password crosses the wire). Every change
 * invalidates cached lookups; unlinking or deleting also revokes tokens and closes sessions.
 */
@ProviderType
public interface AccountService {

    /** The most devices an account may have, its primary device included. */
    int MAX_DEVICES = 5;

    /** Creates an account with its primary device (0). */
    void register(String user, String password) throws AccountException;

    /** Creates an account from a client-derived SCRAM credential, given as wire attributes. */
    void register(String user, CredentialData credential) throws AccountException;

    /** Links a further device (1–255) to an account. */
    void linkDevice(Address device, String password) throws AccountException;

    /** Links a further device from a client-derived credential. */
    void linkDevice(Address device, CredentialData credential) throws AccountException;

    /** Removes a linked device: its credential and tokens go, its session is closed. */
    void unlinkDevice(Address device) throws AccountException;

    /** Replaces a device's password; its tokens are revoked. */
    void changePassword(Address device, String password) throws AccountException;

    /** Replaces a device's credential from a client-derived one; its tokens are revoked. */
    void changePassword(Address device, CredentialData credential) throws AccountException;

    /** Deletes an account with all its devices, credentials and tokens; closes its sessions. */
    void deleteAccount(String user) throws AccountException;

    /** The devices of an account. */
    List<DeviceRecord> devices(String user) throws AccountException;

    /** The number of accounts. */
    long accountCount() throws AccountException;
}
