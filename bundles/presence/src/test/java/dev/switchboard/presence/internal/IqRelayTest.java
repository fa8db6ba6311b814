package dev.switchboard.presence.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.PresenceStore.Visibility;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IqRelayTest {

    private static final Address ALICE = new Address("1001", 0);
    private static final Address BOB = new Address("2002", 3);

    private final Fakes.Directory directory = new Fakes.Directory();
    private final Fakes.Store store = new Fakes.Store();
    private SettingsCache cache;
    private IqRelay relay;

    @BeforeEach
    void wire() {
        cache = new SettingsCache(store, 100);
        relay = new IqRelay(directory, cache);
        directory.login(ALICE);
        directory.login(BOB);
    }

    @AfterEach
    void close() {
        cache.close();
    }

    @Test
    void aRequestGoesToTheOneDeviceStampedWithItsSender() throws Exception {
        Node ping = Node.of("ping", "xmlns", "urn:xmpp:ping");
        relay.relay(ALICE, new Node("iq", Map.of("to", "2002/3", "id", "p1", "type", "get", "from", "9999/9"), List.of(ping), null));
        Node relayed = directory.take(BOB).get(0);
        assertEquals("1001/0", relayed.attr("from"), "the sender is the server's to say, not the client's");
        assertNull(relayed.attr("to"));
        assertEquals(List.of(ping), relayed.children());
    }

    @Test
    void aRequestToADeviceNotOnlineIsAnsweredAndAnAnswerDropped() throws Exception {
        relay.relay(ALICE, Node.of("iq", "to", "2002/4", "id", "p2", "type", "get"));
        Node answer = directory.take(ALICE).get(0);
        assertEquals(List.of("error", "2002/4", "p2"), List.of(answer.attr("type"), answer.attr("from"), answer.attr("id")));
        assertEquals("service-unavailable", answer.children().get(0).children().get(0).tag());
        relay.relay(ALICE, Node.of("iq", "to", "2002/4", "id", "p3", "type", "result"));
        assertEquals(List.of(), directory.take(ALICE), "an answer is not answered");
    }

    @Test
    void aHiddenAccountLooksNotOnlineToThoseItHidesFrom() throws Exception {
        store.setVisibility("2002", Visibility.NOBODY);
        relay.relay(ALICE, Node.of("iq", "to", "2002/3", "id", "p5", "type", "get"));
        assertEquals(List.of(), directory.take(BOB), "the hidden device is not asked: its answer would give it away");
        assertEquals("error", directory.take(ALICE).get(0).attr("type"));
        relay.relay(new Address("2002", 0), Node.of("iq", "to", "2002/3", "id", "p6", "type", "get"));
        assertEquals(1, directory.take(BOB).size(), "an account's own devices always reach each other");
    }

    @Test
    void aMalformedIqIsRefusedWithAReason() throws Exception {
        relay.relay(ALICE, Node.of("iq", "to", "2002", "id", "p4", "type", "get"));
        Node refused = directory.take(ALICE).get(0);
        assertEquals(List.of("error", "bad-request", "p4"), List.of(refused.tag(), refused.attr("code"), refused.attr("id")));
    }
}
