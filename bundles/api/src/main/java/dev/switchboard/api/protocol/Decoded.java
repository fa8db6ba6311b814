package dev.switchboard.api.protocol;

import dev.switchboard.api.stanza.Node;

/** The outcome of decoding: a frame, not enough bytes yet, or an error that ends the connection. */
public sealed interface Decoded {

    /** A whole frame was read. @param node the stanza it held */
    record Frame(Node node) implements Decoded {
    }

    /** The buffer holds only part of a frame; nothing was consumed. */
    record NeedMore() implements Decoded {
    }

    /** The input is malformed. @param code machine-readable reason @param text human-readable detail */
    record Error(ProtocolError code, String text) implements Decoded {
    }

    /** Shared instance: needing more bytes carries no data. */
    Decoded NEED_MORE = new NeedMore();
}
