package dev.switchboard.transport.internal;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Map;
import org.apache.mina.core.session.IoSession;

/**
 * The transport's state of one connection: plain data, so nothing here belongs to a swappable
 * bundle. Fields other than the counters are guarded by {@code this}; the outbound ones by
 * {@link #writeLock}. An idle logged-in connection's share of the heap is counted in bytes
 * (docs/BENCHMARKS.md, "Memory per connection"), so what is seldom needed is made on demand.
 */
final class Connection {

    final IoSession session;
    /** The services of the listener that accepted it: its codec is the one this connection speaks. */
    final ServiceSlots services;
    final long connectedAtMs = System.currentTimeMillis();

    /** The client spoke plaintext first (allowed only where the listener allows it). */
    boolean plain;
    /** Noise state of an encrypted connection; null while its first bytes are awaited and on a plain one. */
    NoiseLink noise;
    /** Dictionary the client named in its preamble; -1 until the preamble has arrived. */
    int dictionary = -1;
    /** The device logged in on this connection, or null before login. */
    volatile Address address;
    /** Bytes read but not yet decoded (a partial frame, or everything while no codec is bound). */
    ByteBuffer inbound;
    /** Encoded frames not yet handed to MINA (inside a write batch); guarded by {@link #writeLock}. */
    org.apache.mina.core.buffer.IoBuffer unflushed;
    /** This connection is in the current write batch's list; guarded by {@link #writeLock}. */
    boolean inBatch;
    /** Decoded stanzas not yet handed to a service, in arrival order. */
    final ShortQueue<Node> pending = new ShortQueue<>();
    /**
     * The dialect's view of this connection, for a protocol other than the binary one (whose frames
     * are Switchboard's stanzas); null on a binary connection, whose heap is counted in bytes.
     */
    DialectLink link;
    /** Orders this connection's writes; guards {@link #heldStanzas}, {@link #unflushed} and {@link #inBatch}. */
    final Object writeLock = new Object();
    /** Stanzas to write that wait for a codec or the client's preamble; null while none do. */
    ArrayDeque<Node> heldStanzas;
    /** A login step or account request is being worked on; later stanzas wait behind it. */
    boolean busy;
    /**
     * Set when the client asked to log in without deliveries (a one-shot command): the ids it
     * sent, so their answers come back here. Null for an ordinary connection.
     */
    volatile OneShotIds oneShot;
    /** What the authenticator asked to keep between login steps (plain strings). */
    Map<String, String> loginState = Map.of();
    /** When reading was suspended for a missing service; 0 while reading. */
    long waitingSinceMs;
    /** Set once the connection is being closed: nothing more is read or dispatched. */
    volatile boolean closing;

    /** Inbound rate limit: start of the current one-second window and frames read in it. */
    long rateWindowStartMs;
    int framesInWindow;
    /** Reading is paused by the rate limit until this time (0: not throttled). */
    long throttledUntilMs;

    /** When the last complete frame arrived (bytes without a whole frame do not count). */
    volatile long lastFrameMs;
    /** An idle ping went out since the last frame. */
    volatile boolean pinged;
    /** This connection's source address and how many connections it holds; set when opened. */
    SessionTable.Source source;

    volatile long framesIn;
    volatile long framesOut;

    Connection(IoSession session, ServiceSlots services) {
        this.session = session;
        this.services = services;
        this.lastFrameMs = connectedAtMs;
    }

    String remote() {
        return String.valueOf(session.getRemoteAddress());
    }

    @Override
    public String toString() {
        Address a = address;
        return "session " + session.getId() + (a == null ? "" : " (" + a + ")");
    }
}
