package dev.switchboard.api.store;

import java.util.Collection;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Durable presence settings in SQL: who may see an account's presence, its contacts (the address
 * book its client uploaded), and when it was last seen. Every method throws {@link StoreException}
 * when the database cannot be reached or fails.
 */
@ProviderType
public interface PresenceStore {

    /** Who sees an account's online state and last-seen time. */
    enum Visibility {
        EVERYONE, CONTACTS, NOBODY
    }

    /** An account's visibility; {@link Visibility#EVERYONE} when never set. */
    Visibility visibility(String user) throws StoreException;

    void setVisibility(String user, Visibility visibility) throws StoreException;

    /** The account's contacts. */
    Set<String> contacts(String owner) throws StoreException;

    /** Adds contacts (those already there are kept). */
    void addContacts(String owner, Collection<String> contacts) throws StoreException;

    /** Removes contacts. */
    void removeContacts(String owner, Collection<String> contacts) throws StoreException;

    /** When the account's last device went offline, epoch ms; 0 when never recorded. */
    long lastSeen(String user) throws StoreException;

    void setLastSeen(String user, long atMs) throws StoreException;
}
