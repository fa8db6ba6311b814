package dev.switchboard.protocol.xmpp.internal;

import static dev.switchboard.protocol.xmpp.internal.Xmpp.*;

import dev.switchboard.api.protocol.Link;
import dev.switchboard.api.stanza.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the server offers: stream features before and after login, and its disco#info (XEP-0030). */
final class StreamFeatures {

    private final boolean registration;

    StreamFeatures(boolean registration) {
        this.registration = registration;
    }

    /** The features disco#info lists: only what is implemented (docs/XMPP.md). */
    static final List<String> SERVER_FEATURES = List.of(DISCO_INFO, DISCO_ITEMS, PING, RECEIPTS, CHATSTATES, DELAY, MARKERS,
            CarbonFrames.NS);

    /**
     * Before login: STARTTLS while it can start ({@code <required/>} when the listener takes no login
     * without it), and the mechanisms a login may use now: SCRAM-SHA-256 once secure (or where
     * plaintext logins are allowed), PLAIN only under TLS, since it sends the password itself.
     */
    Node offered(Link link) {
        if (link.address() == null) {
            List<Node> features = new ArrayList<>(2);
            if (link.canStartTls()) {
                features.add(link.plainAllowed() ? el("starttls", TLS) : el("starttls", TLS, Node.of("required")));
            }
            if (link.secure()) {
                features.add(el("mechanisms", SASL, text("mechanism", "SCRAM-SHA-256"), text("mechanism", "PLAIN")));
            } else if (link.plainAllowed()) {
                features.add(el("mechanisms", SASL, text("mechanism", "SCRAM-SHA-256")));
            }
            if (registration && (link.secure() || link.plainAllowed())) {
                features.add(el("register", InBandRegistration.FEATURE));
            }
            return new Node("stream:features", null, features, null);
        }
        Node session = el("session", SESSION, Node.of("optional"));
        return new Node("stream:features", null, List.of(el("bind", BIND), session, el("sm", StreamManagement.NS)), null);
    }

    Node discoInfo(boolean server) {
        List<Node> children = new ArrayList<>();
        children.add(server ? Node.of("identity", "category", "server", "type", "im", "name", "Switchboard")
                : Node.of("identity", "category", "account", "type", "registered"));
        for (String feature : SERVER_FEATURES) {
            children.add(Node.of("feature", "var", feature));
        }
        if (server) {
            children.add(Node.of("feature", "var", UploadFrames.NS)); // XEP-0363 through the media endpoint
        }
        return new Node("query", Map.of("xmlns", DISCO_INFO), children, null);
    }
}
