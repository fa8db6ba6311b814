package dev.switchboard.transport.internal;

import dev.switchboard.api.protocol.Link;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connection as its dialect sees it (a protocol other than the binary one). What the dialect keeps
 * lives here as plain strings, so a new revision of the dialect's bundle finds it; stanzas it
 * submits wait here until the connection's reading side hands them on, since a dialect may submit
 * while a writing thread holds the connection's write lock.
 */
final class DialectLink implements Link {

    private final Connection c;
    private final OutboundWriter writer;
    private final java.util.function.Consumer<Connection> pumpLater;
    private final SessionRegistry registry;
    private final StartTls tls;
    private final java.util.function.BooleanSupplier plainAllowed;
    private final Map<String, String> state = new ConcurrentHashMap<>();
    final Queue<Node> submitted = new ConcurrentLinkedQueue<>();
    final AtomicBoolean pumpQueued = new AtomicBoolean();
    /**
     * How many stanzas at the head of the connection's pending ones are already in Switchboard's
     * vocabulary (a translated frame); the rest are frames as the client sent them. Guarded by the connection.
     */
    int translatedAhead;
    /**
     * The device logged in with its queue held back until the client is ready for it (an XMPP
     * client's initial presence); cleared once it flows. Guarded by the connection.
     */
    boolean onlineLater;
    /** Its state was handed to {@link ResumableStates} (once, when the connection ended or was replaced). */
    private final AtomicBoolean parked = new AtomicBoolean();

    DialectLink(Connection c, SessionRegistry registry, java.util.function.Consumer<Connection> pumpLater, StartTls tls,
                java.util.function.BooleanSupplier plainAllowed) {
        this.c = c;
        this.registry = registry;
        this.tls = tls;
        this.plainAllowed = plainAllowed;
        this.writer = registry.writer;
        this.pumpLater = pumpLater;
    }

    @Override
    public Address address() {
        return c.address;
    }

    @Override
    public String state(String key) {
        return state.get(key);
    }

    @Override
    public void state(String key, String value) {
        if (value == null) {
            state.remove(key);
        } else {
            state.put(key, value);
        }
    }

    @Override
    public String update(String key, java.util.function.UnaryOperator<String> change) {
        return state.compute(key, (k, v) -> change.apply(v));
    }

    @Override
    public void reply(Node frame) {
        writer.writeFrame(c, frame);
    }

    @Override
    public void submit(Node stanza) {
        submitted.add(stanza);
        if (pumpQueued.compareAndSet(false, true)) {
            pumpLater.accept(c);
        }
    }

    @Override
    public boolean secure() {
        return StartTls.active(c);
    }

    @Override
    public boolean canStartTls() {
        return tls != null && tls.available() && !StartTls.active(c);
    }

    @Override
    public boolean plainAllowed() {
        return plainAllowed.getAsBoolean();
    }

    @Override
    public boolean startTls() {
        if (!canStartTls()) {
            return false;
        }
        writer.flushNow(c); // the answer that says "go ahead" leaves unencrypted
        tls.start(c);
        return true;
    }

    @Override
    public void close() {
        registry.closeQuietly(c);
    }

    @Override
    public void fail(String code, String text) {
        registry.closeWithError(c, code, text);
    }

    @Override
    public String remote() {
        return c.remote();
    }

    @Override
    public Map<String, String> takeOver(String token) {
        return registry.resumable.take(token, c.address);
    }

    /** @return true the first time only */
    boolean markParked() {
        return parked.compareAndSet(false, true);
    }

    /** The live state, for {@link ResumableStates} to keep once the connection has ended. */
    Map<String, String> stateView() {
        return state;
    }
}
