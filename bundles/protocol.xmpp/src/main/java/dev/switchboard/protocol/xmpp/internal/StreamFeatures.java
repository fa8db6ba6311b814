package dev.switchboard.protocol.xmpp.internal;

import static dev.switchboard.protocol.xmpp.internal.Xmpp.*;

import dev.switchboard.api.protocol.Link;
import dev.switchboard.api.stanza.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the server offers: stream features before and after login, and its disco#info (XEP-0030). */
final class StreamFeatures {

    /** The features disco#info lists: only what is implemented (docs/XMPP.md). */
    static final List<String> SERVER_FEATURES = List.of(DISCO_INFO, DISCO_ITEMS, PING, RECEIPTS, CHATSTATES, DELAY, MARKERS);

    /** Before login SCRAM-SHA-256 only: PLAIN would need TLS, which this listener does not offer yet. */
    Node offered(Link link) {
        if (link.address() == null) {
            Node mechanisms = el("mechanisms", SASL, text("mechanism", "SCRAM-SHA-256"));
            return new Node("stream:features", null, List.of(mechanisms), null);
        }
        Node session = el("session", SESSION, Node.of("optional"));
        return new Node("stream:features", null, List.of(el("bind", BIND), session), null);
    }

    Node discoInfo(boolean server) {
        List<Node> children = new ArrayList<>();
        children.add(server ? Node.of("identity", "category", "server", "type", "im", "name", "Switchboard")
                : Node.of("identity", "category", "account", "type", "registered"));
        for (String feature : SERVER_FEATURES) {
            children.add(Node.of("feature", "var", feature));
        }
        return new Node("query", Map.of("xmlns", DISCO_INFO), children, null);
    }
}
