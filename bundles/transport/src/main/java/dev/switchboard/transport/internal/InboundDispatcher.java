package dev.switchboard.transport.internal;

import dev.switchboard.api.protocol.Decoded;
import dev.switchboard.api.protocol.Dialect;
import dev.switchboard.api.protocol.FrameCodec;
import dev.switchboard.api.protocol.ProtocolError;
import dev.switchboard.api.routing.Router;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a connection's bytes into stanzas and hands them to the services, in order. A protocol
 * other than the binary one has its frames translated by its dialect first, one frame at a time as
 * it comes up, so a dialect's answers keep their place among the rest. When a service it needs is
 * missing, the connection stops reading and keeps what it has (ARCHITECTURE.md rule 4);
 * {@link #resumeWaiting} picks up again when the service is back.
 */
final class InboundDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(InboundDispatcher.class);

    private final ServiceSlots services;
    private final SessionRegistry registry;
    private final SessionTable sessions;
    private final OutboundWriter writer;
    private final ExecutorService blockingExecutor;
    private final java.util.concurrent.Executor housekeeping;
    private volatile int maxFrameBytes;
    private final Set<Connection> waiting = ConcurrentHashMap.newKeySet();
    private final FrameRateLimit rate = new FrameRateLimit();
    private final LoginGate logins;
    private final NoiseGate noise;

    InboundDispatcher(ServiceSlots services, SessionRegistry registry, ExecutorService blockingExecutor,
                      java.util.concurrent.Executor housekeeping, TransportSettings settings, ServerKeys keys) {
        this.services = services;
        this.registry = registry;
        this.sessions = registry.sessions;
        this.writer = registry.writer;
        this.blockingExecutor = blockingExecutor;
        this.housekeeping = housekeeping;
        this.logins = new LoginGate(services, registry, blockingExecutor, this);
        this.noise = new NoiseGate(keys, this, registry.writer, blockingExecutor);
        apply(settings);
    }

    /** Live reconfiguration: the next frame read is held to the new limits. */
    void apply(TransportSettings settings) {
        this.maxFrameBytes = settings.maxFrameBytes();
        rate.apply(settings.maxFramesPerSecond());
        noise.allowPlain(settings.plainAllowed());
    }

    /** New bytes from the socket. The buffer is copied; the caller may reuse it. */
    void received(Connection c, ByteBuffer bytes) {
        synchronized (c) {
            if (c.closing) {
                return;
            }
            bytes = noise.open(c, bytes); // what a Noise connection's records hold, or a plain one's bytes
            if (bytes == null) {
                return;
            }
            boolean borrowed = c.inbound == null;
            if (borrowed) {
                c.inbound = bytes; // decoded in place: only what is left over is copied below
            } else {
                c.inbound = ByteBuffer.allocate(c.inbound.remaining() + bytes.remaining()).put(c.inbound).put(bytes).flip();
            }
            pump(c);
            if (borrowed && c.inbound != null) {
                c.inbound = ByteBuffer.allocate(c.inbound.remaining()).put(c.inbound).flip(); // a partial frame
            }
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

    /**
     * Hands on, on the housekeeping thread, what a dialect submitted for a connection: it may have
     * done so on a writing thread, which must not take the connection's lock.
     */
    void pumpLater(Connection c) {
        Runnable run = () -> writer.batch(() -> {
            synchronized (c) {
                c.link.pumpQueued.set(false);
                pump(c);
            }
        });
        try {
            housekeeping.execute(run);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            c.link.pumpQueued.set(false); // the listener is closing, and this connection with it
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
        rate.forget(c);
    }

    /** Lets throttled connections read again once their second is over; called by the housekeeping. */
    void releaseThrottled() {
        rate.release(c -> {
            if (!c.closing && c.waitingSinceMs == 0) {
                c.session.resumeRead();
            }
            pump(c);
        });
    }

    /**
     * Decodes what it can, dispatches what it can; suspends reading when stuck. Holds the
     * connection's lock. If a service was bound while this pass was deciding to suspend, the
     * bind's wake-up may have missed this connection, so it tries again at once.
     */
    void pump(Connection c) {
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
        DialectLink link = c.link;
        if (link != null) {
            Node submitted;
            while (!c.busy && !c.closing && (submitted = link.submitted.peek()) != null) {
                if (!dispatch(c, submitted)) {
                    suspend(c);
                    return false;
                }
                link.submitted.poll();
            }
        }
        while (!c.pending.isEmpty() && !c.busy && !c.closing) {
            if (link != null && link.translatedAhead == 0) {
                if (!translate(c, link)) {
                    suspend(c);
                    return false;
                }
                continue;
            }
            if (!dispatch(c, c.pending.peek())) {
                suspend(c);
                return false;
            }
            c.pending.poll();
            if (link != null && link.translatedAhead > 0) {
                link.translatedAhead--;
            }
        }
        resume(c);
        return true;
    }

    /**
     * Replaces the frame at the head of the pending stanzas with its dialect's translation.
     *
     * @return false when no codec (and so no dialect) is bound
     */
    private boolean translate(Connection c, DialectLink link) {
        FrameCodec codec = services.codec;
        if (codec == null) {
            return false;
        }
        Dialect dialect = codec.dialect();
        Node frame = c.pending.poll();
        List<Node> stanzas;
        try {
            stanzas = dialect.inbound(frame, link);
        } catch (RuntimeException e) {
            LOG.error("Dialect fault on {} for {}; closing it", frame.tag(), c, e);
            fail(c, "internal-error", "server fault; reconnect");
            return true;
        }
        for (int i = stanzas.size() - 1; i >= 0; i--) {
            c.pending.addFirst(stanzas.get(i));
        }
        link.translatedAhead = stanzas.size();
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
            if (rate.over(c)) {
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
                        if (c.link != null) {
                            c.link.onlineLater = "later".equals(stanza.attr("deliveries"));
                        }
                    }
                    return logins.off(c, stanza, a -> logins.step(c, a.login(c.loginState, stanza, c.remote())));
                case "register":
                    return logins.off(c, stanza, a -> writer.write(c, a.accountRequest(null, stanza, c.remote())));
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
            case "online":
                if (c.link != null && c.link.onlineLater) {
                    return logins.queueFlows(c); // the client is ready for its queue (XMPP: initial presence)
                }
                return true;
            case "account":
                Address from = c.address;
                return logins.off(c, stanza, a -> writer.write(c, a.accountRequest(from, stanza, c.remote())));
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

    /** The frame limit in force (told to a client at login). */
    int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** Drops what a connection has read and stops waiting for it: it is being closed. Holds its lock. */
    void discard(Connection c) {
        waiting.remove(c);
        c.waitingSinceMs = 0;
        c.pending.removeAll();
        if (c.link != null) {
            c.link.translatedAhead = 0;
        }
        c.inbound = null;
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

    void fail(Connection c, String code, String text) {
        fail(c, code, text, true);
    }

    /** Closes a connection; {@code withError} false when its reason was already sent (a login failure). */
    private void fail(Connection c, String code, String text, boolean withError) {
        waiting.remove(c);
        c.waitingSinceMs = 0;
        c.pending.removeAll();
        if (c.link != null) {
            c.link.translatedAhead = 0;
        }
        c.inbound = null;
        if (withError) {
            registry.closeWithError(c, code, text);
        } else {
            registry.closeQuietly(c);
        }
    }
}
