package dev.switchboard.protocol.xmpp.internal;

import dev.switchboard.api.protocol.Link;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.protocol.xmpp.wire.XmppFrames;

/** The keys under which the dialect keeps a connection's state with the transport, and the stream header. */
final class Streams {

    /** The server's side of the current stream is open (its header was written). */
    static final String OPEN = "open";
    /** A resource is bound: stanzas may flow. */
    static final String BOUND = "bound";
    /** The client sent its initial presence: its queue flows. */
    static final String PRESENT = "present";
    /** When the login succeeded (epoch ms): a message accepted before it waited offline and gets a delay stamp. */
    static final String LOGIN_MS = "login-ms";

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private Streams() {
    }

    /** The server's stream header (RFC 6120 §4.7) with a fresh stream id. */
    static Node header(Jids jids, Link link) {
        byte[] id = new byte[9];
        RANDOM.nextBytes(id);
        return Node.of(XmppFrames.OPEN, "from", jids.domain(), "id", java.util.HexFormat.of().formatHex(id),
                "version", "1.0", "xml:lang", "en");
    }
}
