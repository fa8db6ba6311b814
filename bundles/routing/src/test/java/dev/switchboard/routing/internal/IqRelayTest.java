package dev.switchboard.routing.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.session.SessionInfo;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IqRelayTest {

    private static final Address ALICE = new Address("1001", 0);
    private static final Address BOB = new Address("2002", 3);

    private final Set<Address> online = Set.of(ALICE, BOB);
    private final List<Object[]> sent = new ArrayList<>();
    private final IqRelay relay = new IqRelay(new SessionDirectory() {
        @Override
        public boolean deliver(Address to, Node stanza) {
            if (!online.contains(to)) {
                return false;
            }
            sent.add(new Object[] {to, stanza});
            return true;
        }

        @Override
        public List<Address> devicesOf(String user) {
            return online.stream().filter(a -> a.user().equals(user)).toList();
        }

        @Override
        public List<SessionInfo> sessions(String userPrefix) {
            return List.of();
        }

        @Override
        public int connectionCount() {
            return online.size();
        }

        @Override
        public Map<String, Long> counters() {
            return Map.of();
        }

        @Override
        public boolean close(Address device, String reason) {
            return false;
        }
    });

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
