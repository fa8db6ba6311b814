package dev.switchboard.transport.internal;

import dev.switchboard.api.protocol.Dialect;
import dev.switchboard.api.protocol.FrameCodec;
import dev.switchboard.api.stanza.Node;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.mina.core.buffer.IoBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes stanzas to connections in call order, each with the codec of the listener that accepted
 * it, through that protocol's dialect (a stanza becomes the protocol's frames). While no codec is
 * bound, stanzas wait on the connection (plain api data) and are written when one returns, so a
 * codec swap loses nothing.
 *
 * <p>Inside a {@link #batch} the encoded frames of each connection gather in one buffer and go to
 * MINA as one write when the batch ends: a routing lane's turn or one read's handling produces
 * several frames for the same connection (messages, acks, receipts), and one write per frame costs
 * a system call and a MINA write request each.
 */
final class OutboundWriter {

    /** The connections a thread's open batch has written to; null while the thread has no batch. */
    private static final ThreadLocal<java.util.ArrayList<Connection>> BATCH = new ThreadLocal<>();
    /** Past this many buffered bytes a connection's frames are written even inside a batch. */
    private static final int MAX_BUFFERED = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(OutboundWriter.class);

    /** Marks a held frame that is already in its protocol's form (a dialect's reply): not translated again. */
    private static final String FRAME = "sb.frame";

    private final Set<Connection> held = ConcurrentHashMap.newKeySet();
    private final LongAdder framesOut = new LongAdder();
    private volatile long maxOutboundBytes = Long.MAX_VALUE;
    private volatile java.util.function.Consumer<Connection> onOverflow = c -> { };

    /** Bounds what waits in one connection's write queue; past it {@code overflow} is told (once per write). */
    void limit(long maxBytes, java.util.function.Consumer<Connection> overflow) {
        this.maxOutboundBytes = maxBytes;
        this.onOverflow = overflow;
    }

    void write(Connection c, Node stanza) {
        write(c, stanza, "error".equals(stanza.tag()));
    }

    /** The last stanza of a connection already marked closing (a held login failure). */
    void writeLast(Connection c, Node stanza) {
        write(c, stanza, true);
    }

    /** Writes a frame already in the connection's protocol (a dialect's own answer), not translated. */
    void writeFrame(Connection c, Node frame) {
        write(c, new Node(FRAME, null, java.util.List.of(frame), null), false);
    }

    private void write(Connection c, Node stanza, boolean evenIfClosing) {
        synchronized (c.writeLock) {
            if (c.closing && !evenIfClosing) {
                return;
            }
            FrameCodec codec = c.services.codec;
            if (codec == null || c.heldStanzas != null || c.dictionary < 0) {
                if (c.heldStanzas == null) {
                    c.heldStanzas = new ArrayDeque<>(2);
                }
                c.heldStanzas.add(stanza);
                held.add(c);
                // A codec bound since the check above may have flushed before this connection was held.
                FrameCodec now = c.services.codec;
                if (now != null && c.dictionary >= 0) {
                    drain(c, now);
                }
                return;
            }
            send(c, codec, stanza);
        }
    }

    /** Writes what waited for a codec or a client's preamble; called when a codec is bound or a preamble read. */
    void flushHeld() {
        for (Connection c : held) {
            synchronized (c.writeLock) {
                FrameCodec codec = c.services.codec;
                if (codec != null && c.dictionary >= 0) {
                    drain(c, codec);
                }
            }
        }
    }

    private void drain(Connection c, FrameCodec codec) {
        ArrayDeque<Node> waiting = c.heldStanzas;
        c.heldStanzas = null;
        if (waiting != null) {
            for (Node n : waiting) {
                send(c, codec, n);
            }
        }
        held.remove(c);
    }

    void forget(Connection c) {
        held.remove(c);
    }

    long framesOut() {
        return framesOut.sum();
    }

    /**
     * Runs work with this thread's writes gathered per connection and written when it returns.
     * A nested call joins the outer batch.
     */
    void batch(Runnable work) {
        if (BATCH.get() != null) {
            work.run();
            return;
        }
        java.util.ArrayList<Connection> touched = new java.util.ArrayList<>();
        BATCH.set(touched);
        try {
            work.run();
        } finally {
            BATCH.remove();
            for (int i = 0; i < touched.size(); i++) {
                Connection c = touched.get(i);
                synchronized (c.writeLock) {
                    c.inBatch = false;
                    flush(c);
                }
            }
        }
    }

    /** Translates a stanza into the connection's protocol (the binary protocol's are its frames) and encodes it. */
    private void send(Connection c, FrameCodec codec, Node stanza) {
        if (FRAME.equals(stanza.tag())) {
            encode(c, codec, stanza.children().get(0));
            return;
        }
        Dialect dialect = codec.dialect();
        if (dialect == Dialect.NATIVE) {
            encode(c, codec, stanza);
            return;
        }
        java.util.List<Node> frames;
        try {
            frames = dialect.outbound(stanza, c.link);
        } catch (RuntimeException e) {
            LOG.error("Cannot translate {} for {}; closing it", stanza.tag(), c, e);
            c.session.closeNow();
            return;
        }
        for (Node frame : frames) {
            encode(c, codec, frame);
        }
    }

    private void encode(Connection c, FrameCodec codec, Node stanza) {
        java.util.ArrayList<Connection> batch = BATCH.get();
        IoBuffer out = c.unflushed;
        if (out == null) {
            out = IoBuffer.allocate(batch == null || c.closing ? 128 : 1024, false);
            c.unflushed = out;
        }
        try {
            // encoded straight into the connection's buffer; grown and tried again when it does not fit
            while (!codec.encode(stanza, c.dictionary, out.buf())) {
                out.setAutoExpand(true).expand(Math.max(256, out.capacity() * 2));
            }
        } catch (RuntimeException e) {
            // A stanza the codec cannot encode is a server bug: close this one connection only.
            LOG.error("Cannot encode {} for {}; closing it", stanza.tag(), c, e);
            c.session.closeNow();
            return;
        }
        c.framesOut++;
        framesOut.increment();
        if (batch == null || c.closing || out.position() > MAX_BUFFERED) {
            flush(c);
        } else if (!c.inBatch) {
            c.inBatch = true;
            batch.add(c);
        }
    }

    /** Hands what gathered for a connection to MINA now, even inside a batch (before its security changes). */
    void flushNow(Connection c) {
        synchronized (c.writeLock) {
            flush(c);
        }
    }

    /** Hands what gathered for a connection to MINA as one write. Holds {@code c.writeLock}. */
    private void flush(Connection c) {
        IoBuffer out = c.unflushed;
        if (out == null) {
            return;
        }
        c.unflushed = null;
        out.flip();
        NoiseLink noise = c.noise;
        if (noise != null && noise.send != null) {
            try {
                out = noise.seal(out); // the whole gathered batch in as few records as fit
            } catch (dev.switchboard.noise.NoiseException e) {
                LOG.error("Cannot seal for {}; closing it", c, e);
                c.session.closeNow();
                return;
            }
        }
        c.session.write(out);
        if (c.session.getScheduledWriteBytes() > maxOutboundBytes && !c.closing) {
            onOverflow.accept(c); // a client that stops reading must not grow the server's memory
        }
    }
}
