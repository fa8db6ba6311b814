package dev.switchboard.routing.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IqRelayTest {

    private static final Address ALICE = new Address("1001", 0);
    private static final Address BOB = new Address("2002", 3);

    private final OnlineDirectory directory = new OnlineDirectory(ALICE, BOB);
    private final List<Object[]> sent = directory.sent;
    private final IqRelay relay = new IqRelay(directory);

    @Test
    void aRequestGoesToTheOneDeviceStampedWithItsSender() {
        Node ping = Node.of("ping", "xmlns", "urn:xmpp:ping");
        Node iq = new Node("iq", Map.of("to", "2002/3", "id", "p1", "type", "get", "from", "9999/9"), List.of(ping), null);
        assertTrue(relay.relay(ALICE, iq));
        assertEquals(BOB, sent.get(0)[0]);
        Node relayed = (Node) sent.get(0)[1];
        assertEquals("1001/0", relayed.attr("from"), "the sender is the server's to say, not the client's");
        assertNull(relayed.attr("to"));
        assertEquals(List.of(ping), relayed.children());
    }

    @Test
    void aRequestToADeviceNotOnlineIsAnsweredAndAnAnswerDropped() {
        relay.relay(ALICE, Node.of("iq", "to", "2002/4", "id", "p2", "type", "get"));
        assertEquals(ALICE, sent.get(0)[0]);
        Node answer = (Node) sent.get(0)[1];
        assertEquals(List.of("error", "2002/4", "p2"), List.of(answer.attr("type"), answer.attr("from"), answer.attr("id")));
        assertEquals("service-unavailable", answer.children().get(0).children().get(0).tag());
        sent.clear();
        relay.relay(ALICE, Node.of("iq", "to", "2002/4", "id", "p3", "type", "result"));
        assertEquals(List.of(), sent, "an answer is not answered");
    }

    @Test
    void aMalformedIqIsRefusedWithAReason() {
        relay.relay(ALICE, Node.of("iq", "to", "2002", "id", "p4", "type", "get"));
        Node refused = (Node) sent.get(0)[1];
        assertEquals(List.of("error", "bad-request", "p4"), List.of(refused.tag(), refused.attr("code"), refused.attr("id")));
    }
}
