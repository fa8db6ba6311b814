package dev.switchboard.transport.internal;

import dev.switchboard.api.protocol.FrameCodec;
import dev.switchboard.api.stanza.Node;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.mina.core.buffer.IoBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes stanzas to connections in call order. While no codec is bound, stanzas wait on the
 * connection (plain api data) and are written when one returns, so a codec swap loses nothing.
 */
final class OutboundWriter {

    private static final Logger LOG = LoggerFactory.getLogger(OutboundWriter.class);

    private final Set<Connection> held = ConcurrentHashMap.newKeySet();
    private final LongAdder framesOut = new LongAdder();
    private volatile FrameCodec codec;
    private volatile long maxOutboundBytes = Long.MAX_VALUE;
    private volatile java.util.function.Consumer<Connection> onOverflow = c -> { };

    /** Bounds what waits in one connection's write queue; past it {@code overflow} is told (once per write). */
    void limit(long maxBytes, java.util.function.Consumer<Connection> overflow) {
        this.maxOutboundBytes = maxBytes;
        this.onOverflow = overflow;
    }

    /** Sets the codec, or null while none is bound; a new codec writes what waited. */
    void codec(FrameCodec codec) {
        this.codec = codec;
    }

    FrameCodec codec() {
        return codec;
    }

    void write(Connection c, Node stanza) {
        write(c, stanza, "error".equals(stanza.tag()));
    }

    /** The last stanza of a connection already marked closing (a held login failure). */
    void writeLast(Connection c, Node stanza) {
        write(c, stanza, true);
    }

    private void write(Connection c, Node stanza, boolean evenIfClosing) {
        synchronized (c.outbound) {
            if (c.closing && !evenIfClosing) {
                return;
            }
            FrameCodec codec = this.codec;
            if (codec == null || !c.outbound.isEmpty() || c.dictionary < 0) {
                c.outbound.add(stanza);
                held.add(c);
                // A codec bound since the check above may have flushed before this connection was held.
                if (this.codec != null && c.dictionary >= 0) {
                    drain(c, this.codec);
                }
                return;
            }
            send(c, codec, stanza);
        }
    }

    /** Writes what waited for a codec; called when one is bound. */
    void flushHeld() {
        FrameCodec codec = this.codec;
        if (codec == null) {
            return;
        }
        for (Connection c : held) {
            synchronized (c.outbound) {
                if (c.dictionary >= 0) {
                    drain(c, codec);
                }
            }
        }
    }

    private void drain(Connection c, FrameCodec codec) {
        Node n;
        while ((n = c.outbound.poll()) != null) {
            send(c, codec, n);
        }
        held.remove(c);
    }

    void forget(Connection c) {
        held.remove(c);
    }

    long framesOut() {
        return framesOut.sum();
    }

    private void send(Connection c, FrameCodec codec, Node stanza) {
        try {
            c.session.write(IoBuffer.wrap(codec.encode(stanza, c.dictionary)));
            c.framesOut++;
            framesOut.increment();
            if (c.session.getScheduledWriteBytes() > maxOutboundBytes && !c.closing) {
                onOverflow.accept(c); // a client that stops reading must not grow the server's memory
            }
        } catch (RuntimeException e) {
            // A stanza the codec cannot encode is a server bug: close this one connection only.
            LOG.error("Cannot encode {} for {}; closing it", stanza.tag(), c, e);
            c.session.closeNow();
        }
    }
}
