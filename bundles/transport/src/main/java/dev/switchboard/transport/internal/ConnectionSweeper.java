package dev.switchboard.transport.internal;

import dev.switchboard.api.stanza.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once a second, looks at every connection for the two ways a client can hold a slot without
 * using it: never logging in (closed after {@code loginSeconds}), and falling silent. Silence is
 * counted in complete frames, not bytes, so dribbling one byte a second does not keep a
 * connection alive: after {@code idleSeconds} without a frame the client is pinged, after as long
 * again it is closed (docs/PROTOCOL.md §9). A connection quiet for {@value #COOL_MS} ms lets its
 * Noise ciphers go, so an idle connection costs only its keys.
 */
final class ConnectionSweeper {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionSweeper.class);
    /** Silence after which a connection's Noise ciphers are let go (a chatting client writes more often). */
    static final long COOL_MS = 2000;

    private final SessionRegistry registry;
    /** The listener whose connections this sweeper looks at (each listener has its own settings). */
    private final ServiceSlots listener;

    ConnectionSweeper(SessionRegistry registry, ServiceSlots listener) {
        this.registry = registry;
        this.listener = listener;
    }

    void sweep(TransportSettings settings, long nowMs) {
        long loginMs = settings.loginSeconds() * 1000L;
        long idleMs = settings.idleSeconds() * 1000L;
        for (Connection c : registry.sessions.all()) {
            if (c.closing || c.services != listener) {
                continue;
            }
            if (c.address == null) {
                if (nowMs - c.connectedAtMs > loginMs) {
                    LOG.info("Closing {}: not logged in within {} s", c, settings.loginSeconds());
                    registry.closeWithError(c, "login-timeout", "log in within " + settings.loginSeconds() + " s of connecting");
                }
                continue;
            }
            NoiseLink noise = c.noise;
            if (noise != null && nowMs - c.lastFrameMs > COOL_MS) {
                noise.cool();
            }
            if (idleMs > 0) {
                idle(c, idleMs, nowMs);
            }
        }
    }

    private void idle(Connection c, long idleMs, long nowMs) {
        synchronized (c) {
            if (c.throttledUntilMs != 0 || c.waitingSinceMs != 0) {
                return; // the server paused reading this one itself: silence proves nothing
            }
        }
        long silentMs = nowMs - c.lastFrameMs;
        if (silentMs > 2 * idleMs) {
            LOG.info("Closing {}: no frame for {} s, not even an answer to a ping", c, silentMs / 1000);
            registry.closeWithError(c, "idle-timeout", "no answer to a ping; reconnect");
        } else if (silentMs > idleMs && !c.pinged) {
            c.pinged = true;
            registry.writer.write(c, Node.of("ping", "id", "server"));
        }
    }
}
