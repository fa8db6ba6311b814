package dev.switchboard.presence.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.PresenceStore.Visibility;
import dev.switchboard.api.store.RosterItem;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RFC 6121's roster and subscription rules as the presence bundle keeps them. */
class RostersTest {

    private static final Address ALICE = new Address("1001", 0);
    private static final Address BOB = new Address("2002", 0);
    private static final Address CAROL = new Address("3003", 0);

    private final Fakes.Directory directory = new Fakes.Directory();
    private final Fakes.Store store = new Fakes.Store();
    private SettingsCache cache;
    private Availability availability;
    private Rosters rosters;

    @BeforeEach
    void wire() {
        cache = new SettingsCache(store, 1_000);
        Replies replies = new Replies(directory);
        availability = new Availability(directory, cache, new Subscriptions(), replies);
        rosters = new Rosters(store, cache, directory, availability, replies, Fakes.config(3),
                () -> Fakes.accounts("1001", "2002", "3003"));
        for (Address a : List.of(ALICE, BOB)) {
            directory.login(a);
            availability.online(a);
        }
    }

    @AfterEach
    void close() {
        cache.close();
    }

    @Test
    void aRequestApprovedMakesBothRostersAndShowsTheContact() throws Exception {
        rosters.roster(ALICE, set("2002", "Bob", "Friends"));
        assertEquals(List.of(push(item("2002", "none", null, "Bob", "Friends")), ok("q1")), directory.take(ALICE));

        rosters.subscription(ALICE, Node.of("subscription", "type", "subscribe", "to", "2002", "id", "q2"));
        assertEquals(List.of(push(item("2002", "none", "subscribe", "Bob", "Friends")), ok("q2")), directory.take(ALICE),
                "the requester's roster says the request is pending (RFC 6121 §3.1.2)");
        assertEquals(List.of(Node.of("subscription", "type", "subscribe", "from", "1001")), directory.take(BOB));
        assertEquals(List.of("1001"), store.subscriptionRequests("2002"));
        assertEquals(List.of(), store.roster("2002"), "a request alone puts nobody in the contact's roster");

        availability.available(BOB, Node.of("presence", "type", "available", "status", "Look for me!"));
        rosters.subscription(BOB, Node.of("subscription", "type", "subscribed", "to", "1001", "id", "q3"));
        assertEquals(List.of(push(item("1001", "from", null, null)), ok("q3")), directory.take(BOB));
        assertEquals(List.of(push(item("2002", "to", null, "Bob", "Friends")),
                        Node.of("subscription", "type", "subscribed", "from", "2002"),
                        Node.of("presence", "from", "2002", "type", "available", "status", "Look for me!")),
                directory.take(ALICE), "the approval, then the contact's current presence (§3.1.5)");
        assertEquals(List.of(), store.subscriptionRequests("2002"));

        availability.available(BOB, Node.of("presence", "type", "available", "show", "away"));
        assertEquals(List.of(Node.of("presence", "from", "2002", "type", "available", "show", "away")), directory.take(ALICE),
                "an approved subscriber's devices watch the contact");
    }

    @Test
    void aRepeatedRequestToAnApprovingContactIsAnsweredByTheServer() throws Exception {
        subscribeAndApprove(ALICE, BOB);
        store.putRosterItem("1001", store.rosterItem("1001", "2002").orElseThrow().withTo(false));
        rosters.subscription(ALICE, Node.of("subscription", "type", "subscribe", "to", "2002", "id", "again"));
        List<Node> alice = directory.take(ALICE);
        assertTrue(alice.contains(Node.of("subscription", "type", "subscribed", "from", "2002")), alice.toString());
        assertEquals(List.of(), directory.take(BOB), "the contact already approved: it is not asked again (§3.1.3)");
    }

    @Test
    void aRequestWaitsForAnOfflineContactAndComesWhenItIsPresent() throws Exception {
        rosters.subscription(ALICE, Node.of("subscription", "type", "subscribe", "to", "3003", "id", "q"));
        assertEquals(List.of(), directory.take(CAROL));
        directory.login(CAROL);
        availability.online(CAROL);
        assertTrue(availability.available(CAROL, Node.of("presence", "type", "available")));
        rosters.present(CAROL);
        assertEquals(List.of(Node.of("subscription", "type", "subscribe", "from", "1001")), directory.take(CAROL));
        assertFalse(availability.available(CAROL, Node.of("presence", "type", "available")), "present once per session");
    }

    @Test
    void revokingAndUnsubscribingUndoBothSides() throws Exception {
        subscribeAndApprove(ALICE, BOB);
        rosters.subscription(BOB, Node.of("subscription", "type", "unsubscribed", "to", "1001", "id", "q"));
        assertEquals(List.of(push(item("1001", "none", null, null)), ok("q")), directory.take(BOB));
        assertEquals(List.of(push(item("2002", "none", null, null)),
                Node.of("subscription", "type", "unsubscribed", "from", "2002"),
                Node.of("presence", "from", "2002", "type", "unavailable")), directory.take(ALICE));
        availability.available(BOB, Node.of("presence", "type", "available", "status", "gone fishing"));
        assertEquals(List.of(), directory.take(ALICE), "a revoked subscriber no longer watches");

        subscribeAndApprove(ALICE, BOB);
        rosters.subscription(ALICE, Node.of("subscription", "type", "unsubscribe", "to", "2002", "id", "u"));
        assertEquals(Optional.of(RosterItem.plain("2002")), store.rosterItem("1001", "2002"));
        assertEquals(Optional.of(RosterItem.plain("1001")), store.rosterItem("2002", "1001"));
        assertTrue(directory.take(BOB).contains(Node.of("subscription", "type", "unsubscribe", "from", "1001")));
    }

    @Test
    void removingAnItemCancelsItsSubscriptionsBothWays() throws Exception {
        subscribeAndApprove(ALICE, BOB);
        subscribeAndApprove(BOB, ALICE);
        assertEquals("both", store.rosterItem("1001", "2002").orElseThrow().subscription());
        rosters.roster(ALICE, Node.of("roster", "op", "remove", "user", "2002", "id", "r"));
        assertEquals(Optional.empty(), store.rosterItem("1001", "2002"));
        assertEquals(Optional.of(RosterItem.plain("1001")), store.rosterItem("2002", "1001"));
        List<Node> bob = directory.take(BOB);
        assertTrue(bob.contains(Node.of("subscription", "type", "unsubscribe", "from", "1001")), bob.toString());
        assertTrue(bob.contains(Node.of("subscription", "type", "unsubscribed", "from", "1001")), bob.toString());
        assertTrue(directory.take(ALICE).contains(push(Node.of("item", "user", "2002", "subscription", "remove"))));

        rosters.roster(ALICE, Node.of("roster", "op", "remove", "user", "2002", "id", "again"));
        assertEquals(List.of(Node.of("result", "id", "again", "error", "item-not-found", "text", "2002 is not in the roster")),
                directory.take(ALICE));
    }

    @Test
    void aStrangersRequestGrantsNothingUnderContactsVisibility() throws Exception {
        store.setVisibility("1001", Visibility.CONTACTS);
        directory.login(CAROL);
        rosters.subscription(CAROL, Node.of("subscription", "type", "subscribe", "to", "1001", "id", "q"));
        availability.watch(CAROL, "1001", 10);
        availability.show(CAROL, "1001");
        List<Node> carol = directory.take(CAROL);
        assertEquals(Node.of("presence", "from", "1001", "type", "unavailable"), carol.get(carol.size() - 1),
                "an unanswered request does not make the requester a contact");
        rosters.subscription(ALICE, Node.of("subscription", "type", "subscribed", "to", "3003", "id", "yes"));
        assertEquals(Node.of("presence", "from", "1001", "type", "available"), directory.take(CAROL).get(2),
                "approving makes the requester a contact, which the visibility shows");
    }

    @Test
    void badItemsAndFullRostersAreRefusedWithAReason() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> rosters.roster(ALICE, set("2002", "Bob", "one\ntwo")));
        assertThrows(IllegalArgumentException.class, () -> rosters.roster(ALICE, set("2002", "Bob", "a", "a")));
        assertThrows(IllegalArgumentException.class, () -> rosters.roster(ALICE, set("1001", "me")));
        assertThrows(IllegalArgumentException.class, () -> rosters.subscription(ALICE,
                Node.of("subscription", "type", "subscribe", "to", "not-a-user", "id", "q")));
        directory.take(ALICE);
        rosters.subscription(ALICE, Node.of("subscription", "type", "subscribe", "to", "4004", "id", "q"));
        assertEquals(List.of(Node.of("result", "id", "q", "error", "no-such-user", "text", "no such user: 4004")),
                directory.take(ALICE));
        store.addContacts("1001", List.of("5005", "6006", "7007"));
        rosters.roster(ALICE, set("2002", "Bob"));
        assertEquals("limit", directory.take(ALICE).get(0).attr("error"), "three contacts at most in this test");
    }

    private void subscribeAndApprove(Address requester, Address approver) throws Exception {
        rosters.subscription(requester, Node.of("subscription", "type", "subscribe", "to", approver.user(), "id", "s"));
        rosters.subscription(approver, Node.of("subscription", "type", "subscribed", "to", requester.user(), "id", "a"));
        directory.take(requester);
        directory.take(approver);
    }

    private static Node set(String user, String name, String... groups) {
        return new Node("roster", java.util.Map.of("op", "set", "id", "q1"), List.of(item(user, null, null, name, groups)), null);
    }

    private static Node item(String user, String subscription, String ask, String name, String... groups) {
        List<Node> children = new java.util.ArrayList<>();
        for (String g : groups) {
            children.add(Node.of("group", "name", g));
        }
        return new Node("item", Node.of("item", "user", user, "name", name, "subscription", subscription, "ask", ask).attributes(),
                children, null);
    }

    private static Node push(Node item) {
        return new Node("roster", java.util.Map.of("op", "push"), List.of(item), null);
    }

    private static Node ok(String id) {
        return Node.of("result", "id", id);
    }
}
