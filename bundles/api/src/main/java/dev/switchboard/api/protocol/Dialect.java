package dev.switchboard.api.protocol;

import dev.switchboard.api.stanza.Node;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A wire protocol's conversation with one connection: it turns what the protocol's clients send
 * into Switchboard's stanzas (docs/PROTOCOL.md §6–§8b, the vocabulary the transport, the
 * authenticator and routing act on) and Switchboard's stanzas into the protocol's frames, and
 * answers frames that exist only in its protocol (stream negotiation, its own keep-alive) itself.
 *
 * <p>It keeps nothing of a connection in its own objects: what it must remember between two frames
 * goes into {@link Link#state}, plain strings the transport holds, so the bundle that offers it can
 * be replaced between any two frames. Both methods may be called at once for one connection (one
 * from the reading thread, one from a writing thread).
 */
@ConsumerType
public interface Dialect {

    /** The binary protocol's: its frames are Switchboard's stanzas. */
    Dialect NATIVE = new Dialect() {
        @Override
        public List<Node> inbound(Node frame, Link link) {
            return List.of(frame);
        }

        @Override
        public List<Node> outbound(Node stanza, Link link) {
            return List.of(stanza);
        }
    };

    /**
     * A frame the client sent.
     *
     * @return the stanzas the transport acts on for it, in order; empty when the dialect answered
     *         it itself through {@link Link#reply} or it needs no action
     */
    List<Node> inbound(Node frame, Link link);

    /**
     * A stanza for the connection's client.
     *
     * @return the frames that carry it, in order; empty when the protocol has no form for it (it is
     *         then dropped: a dialect that drops a stanza with a {@code seq} confirms it itself)
     */
    List<Node> outbound(Node stanza, Link link);
}
