package dev.switchboard.api.store;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Durable presence settings in SQL: who may see an account's presence, its contacts (the address
 * book its client uploaded, which is also its roster), the subscription requests it has not
 * answered, and when it was last seen. Every method throws {@link StoreException} when the
 * database cannot be reached or fails.
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

    /** The account's contacts as roster items, in contact order. */
    List<RosterItem> roster(String owner) throws StoreException;

    /** One contact's roster item, if the contact is one. */
    Optional<RosterItem> rosterItem(String owner, String contact) throws StoreException;

    /** Adds the contact with this item, or replaces the item it has. */
    void putRosterItem(String owner, RosterItem item) throws StoreException;

    /** Accounts that asked to see the owner's presence and have no answer yet (RFC 6121 "pending in"), oldest first. */
    List<String> subscriptionRequests(String owner) throws StoreException;

    /** Records a request from {@code requester} (a repeated one keeps its first time). */
    void addSubscriptionRequest(String owner, String requester, long atMs) throws StoreException;

    /** @return whether there was such a request */
    boolean removeSubscriptionRequest(String owner, String requester) throws StoreException;

    /** When the account's last device went offline, epoch ms; 0 when never recorded. */
    long lastSeen(String user) throws StoreException;

    void setLastSeen(String user, long atMs) throws StoreException;
}
