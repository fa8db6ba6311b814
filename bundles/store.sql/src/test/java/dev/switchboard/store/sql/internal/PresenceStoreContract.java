package dev.switchboard.store.sql.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.store.PresenceStore.Visibility;
import dev.switchboard.api.store.RosterItem;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The presence store's behaviour, run against each real database by a subclass. */
abstract class PresenceStoreContract {

    protected SqlPresenceStore store;

    protected abstract DataSource emptyDatabase() throws Exception;

    @BeforeEach
    void open() throws Exception {
        DataSource ds = emptyDatabase();
        store = new SqlPresenceStore(new Jdbc(ds, new Migrator(ds, getClass().getSimpleName())));
    }

    @Test
    void visibilityDefaultsToEveryoneAndIsKept() throws Exception {
        assertEquals(Visibility.EVERYONE, store.visibility("1001"));
        store.setVisibility("1001", Visibility.CONTACTS);
        store.setVisibility("2002", Visibility.NOBODY);
        assertEquals(Visibility.CONTACTS, store.visibility("1001"));
        assertEquals(Visibility.NOBODY, store.visibility("2002"));
        store.setLastSeen("1001", 12345);
        assertEquals(Visibility.CONTACTS, store.visibility("1001"), "setting last seen keeps the visibility");
        assertEquals(12345, store.lastSeen("1001"));
        assertEquals(0, store.lastSeen("3003"));
    }

    @Test
    void contactsAreASet() throws Exception {
        store.addContacts("1001", List.of("3003", "2002", "3003"));
        store.addContacts("1001", List.of("2002", "4004"));
        assertEquals(Set.of("2002", "3003", "4004"), store.contacts("1001"));
        store.removeContacts("1001", List.of("3003", "9999"));
        assertEquals(Set.of("2002", "4004"), store.contacts("1001"));
        assertEquals(Set.of(), store.contacts("2002"));
    }

    @Test
    void rosterItemsAreTheContactsWithNamesGroupsAndSubscriptions() throws Exception {
        store.addContacts("1001", List.of("2002"));
        assertEquals(List.of(RosterItem.plain("2002")), store.roster("1001"), "a plain contact is a roster item");
        RosterItem carol = new RosterItem("3003", "Carol Ö", List.of("Friends", "Work, Berlin"), true, false, false);
        store.putRosterItem("1001", carol);
        store.putRosterItem("1001", RosterItem.plain("2002").withAsked(true).withFrom(true));
        assertEquals(List.of(RosterItem.plain("2002").withAsked(true).withFrom(true), carol), store.roster("1001"));
        assertEquals(Set.of("2002", "3003"), store.contacts("1001"), "every roster item is a contact");
        assertEquals(Optional.of(carol), store.rosterItem("1001", "3003"));
        assertEquals(Optional.empty(), store.rosterItem("3003", "1001"), "rosters are one-way");
        store.addContacts("1001", List.of("3003"));
        assertEquals(Optional.of(carol), store.rosterItem("1001", "3003"), "adding a contact again keeps its item");
        store.removeContacts("1001", List.of("3003"));
        assertEquals(Optional.empty(), store.rosterItem("1001", "3003"));
    }

    @Test
    void subscriptionRequestsAreKeptApartFromContacts() throws Exception {
        store.addSubscriptionRequest("1001", "3003", 20);
        store.addSubscriptionRequest("1001", "2002", 10);
        store.addSubscriptionRequest("1001", "3003", 30);
        assertEquals(List.of("2002", "3003"), store.subscriptionRequests("1001"), "oldest first; a repeat keeps its time");
        assertEquals(Set.of(), store.contacts("1001"), "a request makes nobody a contact");
        assertTrue(store.removeSubscriptionRequest("1001", "2002"));
        assertFalse(store.removeSubscriptionRequest("1001", "2002"));
        assertEquals(List.of("3003"), store.subscriptionRequests("1001"));
        assertEquals(List.of(), store.subscriptionRequests("3003"));
    }
}
