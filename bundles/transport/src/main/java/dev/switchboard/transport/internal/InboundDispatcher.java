package dev.switchboard.transport.internal;

import dev.switchboard.api.auth.Authenticator;
import dev.switchboard.api.protocol.Decoded;
import dev.switchboard.api.protocol.FrameCodec;
import dev.switchboard.api.protocol.ProtocolError;
import dev.switchboard.api.routing.Router;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import java.util.Map;
import java.util.function.Consumer;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a connection's bytes into stanzas and hands them to the services, in order. When a service
 * it needs is missing, the connection stops reading and keeps what it has (ARCHITECTURE.md rule 4);
 * {@link #resumeWaiting} picks up again when the service is back.
 */
final class InboundDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(InboundDispatcher.class);
    /** Longest a failed login is held before its answer: long enough to slow guessing, short enough to free the slot. */
    static final long MAX_FAILURE_HOLD_MS = 3000;

    private final ServiceSlots services;
    private final SessionRegistry registry;
    private final SessionTable sessions;
    private final OutboundWriter writer;
    private final ExecutorService blockingExecutor;
    private volatile int maxFrameBytes;
    private final Set<Connection> waiting = ConcurrentHashMap.newKeySet();
    private final Set<Connection> throttled = ConcurrentHashMap.newKeySet();
    private volatile int maxFramesPerSecond;

    InboundDispatcher(ServiceSlots services, SessionRegistry registry, ExecutorService blockingExecutor,
                      TransportSettings settings) {
        this.services = services;
        this.registry = registry;
        this.sessions = registry.sessions;
        this.writer = registry.writer;
        this.blockingExecutor = blockingExecutor;
        apply(settings);
    }

    /** Live reconfiguration: the next frame read is held to the new limits. */
    void apply(TransportSettings settings) {
        this.maxFrameBytes = settings.maxFrameBytes();
        this.maxFramesPerSecond = settings.maxFramesPerSecond();
    }

    /** New bytes from the socket. The buffer is copied; the caller may reuse it. */
    void received(Connection c, ByteBuffer bytes) {
        synchronized (c) {
            if (c.closing) {
                return;
            }
            ByteBuffer in;
            if (c.inbound == null) {
                in = ByteBuffer.allocate(bytes.remaining()).put(bytes).flip();
            } else {
                in = ByteBuffer.allocate(c.inbound.remaining() + bytes.remaining()).put(c.inbound).put(bytes).flip();
            }
            c.inbound = in;
            pump(c);
        }
    }

    /** Retries every connection that waits for a service; called when one is bound. */
    void resumeWaiting() {
        for (Connection c : waiting) {
            synchronized (c) {
                pump(c);
            }
        }
    }

    /** Closes connections that waited longer than the grace period. */
    void expireWaiting(long graceMs) {
        long now = System.currentTimeMillis();
        for (Connection c : waiting) {
            synchronized (c) {
                if (c.waitingSinceMs != 0 && now - c.waitingSinceMs > graceMs) {
                    fail(c, "service-unavailable", "a server component stayed unavailable for too long; reconnect");
                }
            }
        }
    }

    void forget(Connection c) {
        waiting.remove(c);
        throttled.remove(c);
    }

    /**
     * Counts a frame against the connection's per-second budget. @return true when the budget is
     * spent: reading pauses (TCP pushes back on the client) until the next second.
     */
    private boolean overRate(Connection c) {
        if (maxFramesPerSecond <= 0) {
            return false;
        }
        long now = System.currentTimeMillis();
        if (now - c.rateWindowStartMs >= 1000) {
            c.rateWindowStartMs = now;
            c.framesInWindow = 0;
        }
        if (c.framesInWindow < maxFramesPerSecond) {
            c.framesInWindow++;
            return false;
        }
        if (c.throttledUntilMs == 0) {
            c.throttledUntilMs = c.rateWindowStartMs + 1000;
            throttled.add(c);
            c.session.suspendRead();
        }
        return true;
    }

    /** Lets throttled connections read again once their second is over; called by the housekeeping. */
    void releaseThrottled() {
        long now = System.currentTimeMillis();
        for (Connection c : throttled) {
            synchronized (c) {
                if (c.throttledUntilMs != 0 && now >= c.throttledUntilMs) {
                    c.throttledUntilMs = 0;
                    throttled.remove(c);
                    if (!c.closing && c.waitingSinceMs == 0) {
                        c.session.resumeRead();
                    }
                    pump(c);
                }
            }
        }
    }

    /**
     * Decodes what it can, dispatches what it can; suspends reading when stuck. Holds the
     * connection's lock. If a service was bound while this pass was deciding to suspend, the
     * bind's wake-up may have missed this connection, so it tries again at once.
     */
    private void pump(Connection c) {
        long generation;
        do {
            generation = services.generation;
            if (pumpOnce(c)) {
                return;
            }
        } while (services.generation != generation && !c.closing);
    }

    /** @return false when it stopped because a service was missing */
    private boolean pumpOnce(Connection c) {
        if (c.closing) {
            return true;
        }
        if (!decodeAll(c)) {
            return c.closing;
        }
        while (!c.pending.isEmpty() && !c.busy && !c.closing) {
            if (!dispatch(c, c.pending.peek())) {
                suspend(c);
                return false;
            }
            c.pending.poll();
        }
        resume(c);
        return true;
    }

    /** @return false when no codec is bound (the connection is then suspended) or the input is malformed */
    private boolean decodeAll(Connection c) {
        ByteBuffer in = c.inbound;
        if (in == null) {
            return true;
        }
        FrameCodec codec = services.codec;
        if (codec == null) {
            suspend(c);
            return false;
        }
        if (c.dictionary < 0) {
            int version = codec.readPreamble(in);
            if (version == FrameCodec.PREAMBLE_NEED_MORE) {
                return true;
            }
            if (version == FrameCodec.PREAMBLE_INVALID) {
                c.dictionary = 1;
                fail(c, ProtocolError.BAD_PREAMBLE.wireCode(), "connection must start with the protocol preamble");
                return false;
            }
            c.dictionary = version;
            writer.flushHeld();
        }
        int limit = maxFrameBytes;
        boolean framed = false;
        while (in.hasRemaining()) {
            if (overRate(c)) {
                break; // the rest waits in the buffer until the next second
            }
            Decoded d = codec.decode(in, c.dictionary, limit);
            if (d instanceof Decoded.Frame f) {
                c.pending.add(f.node());
                c.framesIn++;
                framed = true;
                registry.framesIn.increment();
            } else if (d instanceof Decoded.Error e) {
                LOG.info("Closing {}: {} ({})", c, e.code().wireCode(), e.text());
                fail(c, e.code().wireCode(), e.text());
                return false;
            } else {
                break;
            }
        }
        if (framed) {
            c.lastFrameMs = System.currentTimeMillis(); // idle time counts whole frames, not bytes
            c.pinged = false;
        }
        c.inbound = in.hasRemaining() ? in.slice() : null;
        return true;
    }

    /** @return false when the service this stanza needs is missing or refused it for now */
    private boolean dispatch(Connection c, Node stanza) {
        if ("pong".equals(stanza.tag())) {
            return true; // the answer to an idle ping: reading it already showed the client is there
        }
        if (c.address == null) {
            switch (stanza.tag()) {
                case "auth", "response":
                    if ("auth".equals(stanza.tag())) {
                        c.oneShot = "none".equals(stanza.attr("deliveries")) ? new OneShotIds() : null;
                    }
                    return offToAuthenticator(c, stanza, a -> loginStep(c, a.login(c.loginState, stanza, c.remote())));
                case "register":
                    return offToAuthenticator(c, stanza, a -> writer.write(c, a.accountRequest(null, stanza, c.remote())));
                default:
                    fail(c, "not-authorized", "log in first");
                    return true;
            }
        }
        switch (stanza.tag()) {
            case "ping":
                writer.write(c, Node.of("pong", "id", stanza.attr("id")));
                return true;
            case "auth", "register", "response":
                writer.write(c, Node.of("error", "code", "bad-request", "text", "already logged in"));
                return true;
            case "received":
                if (c.oneShot != null) {
                    writer.write(c, Node.of("error", "code", "bad-request", "text", "a one-shot login takes no deliveries to confirm"));
                    return true;
                }
                break;
            case "account":
                Address from = c.address;
                return offToAuthenticator(c, stanza, a -> writer.write(c, a.accountRequest(from, stanza, c.remote())));
            default:
                break;
        }
        Router router = services.router;
        if (router == null) {
            return false;
        }
        if (c.oneShot != null && stanza.attr("id") != null) {
            c.oneShot.sent(stanza.attr("id")); // before routing: the answer can come back before route returns
        }
        return router.route(c.address, stanza);
    }

    /**
     * Runs authenticator work (slow by design: key derivation, database) off the I/O thread. The
     * connection's later stanzas wait until it is done, so its order is kept.
     */
    private boolean offToAuthenticator(Connection c, Node stanza, Consumer<Authenticator> work) {
        if (services.authenticator == null) {
            return false;
        }
        c.busy = true;
        try {
            blockingExecutor.execute(() -> {
                services.authenticatorInUse.readLock().lock();
                try {
                    Authenticator authenticator = services.authenticator;
                    if (authenticator == null) {
                        synchronized (c) {
                            c.pending.addFirst(stanza); // replaced meanwhile: wait for the next one
                        }
                    } else {
                        work.accept(authenticator);
                    }
                } catch (RuntimeException e) {
                    LOG.error("Authenticator fault on {}; closing it", c, e);
                    synchronized (c) {
                        fail(c, "internal-error", "server fault; reconnect");
                    }
                } finally {
                    services.authenticatorInUse.readLock().unlock();
                    synchronized (c) {
                        c.busy = false;
                        pump(c);
                    }
                }
            });
        } catch (RejectedExecutionException shuttingDown) {
            c.busy = false;
            return false;
        }
        return true;
    }

    private void loginStep(Connection c, Authenticator.LoginStep step) {
        synchronized (c) {
            if (c.closing) {
                return;
            }
            switch (step.outcome()) {
                case CONTINUE -> {
                    c.loginState = step.state();
                    writer.write(c, step.reply());
                }
                case FAILURE -> {
                    c.loginState = Map.of();
                    waiting.remove(c);
                    c.waitingSinceMs = 0;
                    c.pending.clear();
                    c.inbound = null;
                    // a failure the authenticator slowed (retry-after) is held before it is sent:
                    // guessing costs time, and the connection is closed either way (§7)
                    registry.closeAfter(c, step.reply(), holdMs(step.reply().attr("retry-after")));
                }
                case SUCCESS -> {
                    c.loginState = Map.of();
                    c.address = step.address();
                    registry.logins.increment();
                    // the client learns the frame limit, so it can refuse an oversized message itself
                    Node success = step.reply().with("max-frame", String.valueOf(maxFrameBytes));
                    if (c.oneShot != null) {
                        sessions.loggedInOneShot(c);
                        writer.write(c, success);
                        return; // no queue, no presence, no conflict with the device's session
                    }
                    Connection previous = sessions.loggedIn(c);
                    writer.write(c, success);
                    if (previous != null) {
                        registry.closeWithError(previous, "conflict", "logged in from another connection");
                    } else {
                        registry.online(c.address);
                    }
                    Router router = services.router;
                    if (router != null) {
                        router.deviceOnline(c.address); // its queue follows the success stanza
                    }
                }
            }
        }
    }

    /** How long a failed login's answer is held: its retry-after, at most {@value #MAX_FAILURE_HOLD_MS} ms. */
    static long holdMs(String retryAfterSeconds) {
        if (retryAfterSeconds == null) {
            return 0;
        }
        try {
            return Math.min(MAX_FAILURE_HOLD_MS, Math.max(0, Long.parseLong(retryAfterSeconds) * 1000));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void suspend(Connection c) {
        if (c.waitingSinceMs == 0) {
            c.waitingSinceMs = System.currentTimeMillis();
            waiting.add(c);
            c.session.suspendRead();
        }
    }

    private void resume(Connection c) {
        if (c.waitingSinceMs != 0) {
            c.waitingSinceMs = 0;
            waiting.remove(c);
            if (c.throttledUntilMs == 0) {
                c.session.resumeRead();
            }
        }
    }

    private void fail(Connection c, String code, String text) {
        fail(c, code, text, true);
    }

    /** Closes a connection; {@code withError} false when its reason was already sent (a login failure). */
    private void fail(Connection c, String code, String text, boolean withError) {
        waiting.remove(c);
        c.waitingSinceMs = 0;
        c.pending.clear();
        c.inbound = null;
        if (withError) {
            registry.closeWithError(c, code, text);
        } else {
            registry.closeQuietly(c);
        }
    }
}
