package dev.switchboard.api.protocol;

import dev.switchboard.api.stanza.Node;
import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Turns bytes into frames and back, for one listener's protocol: the transport binds each listener
 * to the codec whose service property {@code protocol} names it ({@code binary}, {@code xmpp}).
 * Stateless: the transport keeps every per-connection byte, and a protocol's conversation state in
 * its {@link Dialect}'s {@link Link#state}, so a codec can be replaced between two frames of the
 * same connection. A protocol whose stream has an opening and a closing (XMPP) decodes each as a
 * frame of its own.
 */
@ProviderType
public interface FrameCodec {

    /** The wire format's name, e.g. {@code binary}. */
    String name();

    /** How this protocol's frames map onto Switchboard's stanzas; the binary protocol's are them. */
    default Dialect dialect() {
        return Dialect.NATIVE;
    }

    /** {@link #readPreamble} found too few bytes; nothing was consumed. */
    int PREAMBLE_NEED_MORE = -1;
    /** {@link #readPreamble} found bytes that are not this protocol's preamble, or an unknown dictionary. */
    int PREAMBLE_INVALID = -2;

    /**
     * Reads the bytes a client sends first on a new connection, naming the token dictionary it speaks.
     *
     * @return the dictionary version (the preamble consumed), {@link #PREAMBLE_NEED_MORE} or
     *         {@link #PREAMBLE_INVALID}
     */
    int readPreamble(ByteBuffer in);

    /** The preamble a client sends to speak the given dictionary. */
    byte[] preamble(int dictionaryVersion);

    /**
     * Decodes at most one frame from {@code in}, starting at its position. On {@link Decoded.Frame}
     * the position has moved past the frame; on {@link Decoded.NeedMore} it is unchanged; on
     * {@link Decoded.Error} the connection is beyond repair. Never throws on malformed input.
     */
    Decoded decode(ByteBuffer in, int dictionaryVersion, int maxFrameBytes);

    /** Encodes one stanza as a complete frame, ready to write. */
    ByteBuffer encode(Node stanza, int dictionaryVersion);

    /**
     * Encodes one stanza as a complete frame into {@code out} at its position and moves the
     * position past it, so frames for one connection can gather in one buffer without a copy.
     *
     * @return false, with {@code out}'s position unchanged, when the frame does not fit in what remains
     */
    default boolean encode(Node stanza, int dictionaryVersion, ByteBuffer out) {
        ByteBuffer frame = encode(stanza, dictionaryVersion);
        if (frame.remaining() > out.remaining()) {
            return false;
        }
        out.put(frame);
        return true;
    }
}
