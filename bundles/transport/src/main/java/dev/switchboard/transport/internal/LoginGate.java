package dev.switchboard.transport.internal;

import dev.switchboard.api.auth.Authenticator;
import dev.switchboard.api.cluster.LaneOwner;
import dev.switchboard.api.cluster.LaneOwnership;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.routing.Router;
import dev.switchboard.api.stanza.Node;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The login gate of a connection: login steps and account requests run on the authenticator off the
 * I/O threads, in the connection's order, and their outcome becomes the connection's state — logged
 * in (as the device's session, or one-shot), asked for the next step, or refused and closed
 * (docs/PROTOCOL.md §7).
 */
final class LoginGate {

    private static final Logger LOG = LoggerFactory.getLogger(LoginGate.class);
    /** Longest a failed login is held before its answer: long enough to slow guessing, short enough to free the slot. */
    static final long MAX_FAILURE_HOLD_MS = 3000;

    private final ServiceSlots services;
    private final SessionRegistry registry;
    private final SessionTable sessions;
    private final OutboundWriter writer;
    private final ExecutorService blockingExecutor;
    private final InboundDispatcher dispatcher;

    LoginGate(ServiceSlots services, SessionRegistry registry, ExecutorService blockingExecutor, InboundDispatcher dispatcher) {
        this.services = services;
        this.registry = registry;
        this.sessions = registry.sessions;
        this.writer = registry.writer;
        this.blockingExecutor = blockingExecutor;
        this.dispatcher = dispatcher;
    }

    /**
     * Runs authenticator work (slow by design: key derivation, database) off the I/O thread. The
     * connection's later stanzas wait until it is done, so its order is kept.
     */
    boolean off(Connection c, Node stanza, Consumer<Authenticator> work) {
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
                            if (c.link != null) {
                                c.link.translatedAhead++; // it is in Switchboard's vocabulary already
                            }
                        }
                    } else {
                        work.accept(authenticator);
                    }
                } catch (RuntimeException e) {
                    LOG.error("Authenticator fault on {}; closing it", c, e);
                    synchronized (c) {
                        dispatcher.fail(c, "internal-error", "server fault; reconnect");
                    }
                } finally {
                    services.authenticatorInUse.readLock().unlock();
                    synchronized (c) {
                        c.busy = false;
                        dispatcher.pump(c);
                    }
                }
            });
        } catch (RejectedExecutionException shuttingDown) {
            c.busy = false;
            return false;
        }
        return true;
    }

    /**
     * Where a device that just proved its credential may log in, in a cluster: here when its
     * account's lane is (or, owned by no live node, now becomes) this node's; otherwise the answer
     * that sends it to the owner, or tells it to try again. Blocking at most a round trip to the
     * cluster's store: called on the login threads.
     *
     * @return null to log it in here, else the error stanza that ends the login
     */
    private Node placement(Address device) {
        LaneOwnership owners = registry.lanes;
        if (owners == null) {
            return null;
        }
        LaneOwner owner = owners.owner(device.user());
        if (owner == null || !owner.here()) {
            owner = owners.claim(device.user());
        }
        if (owner == null) {
            return Node.of("error", "code", "unavailable", "text", "the cluster cannot place this account now; try again");
        }
        if (owner.here()) {
            return null;
        }
        return Node.of("error", "code", "see-other-host", "node", owner.node(), "host", owner.address(), "text",
                "this account is served by node " + owner.node() + (owner.address() == null ? "" : " at " + owner.address()));
    }

    void step(Connection c, Authenticator.LoginStep step) {
        // in a cluster, the account's lane decides where its devices log in (before the lock: a round trip at most)
        Node elsewhere = step.outcome() == Authenticator.LoginStep.Outcome.SUCCESS && c.oneShot == null
                ? placement(step.address()) : null;
        synchronized (c) {
            if (c.closing) {
                return;
            }
            if (elsewhere != null) {
                c.loginState = Map.of();
                dispatcher.discard(c);
                registry.closeAfter(c, elsewhere, 0);
                return;
            }
            switch (step.outcome()) {
                case CONTINUE -> {
                    c.loginState = step.state();
                    writer.write(c, step.reply());
                }
                case FAILURE -> {
                    c.loginState = Map.of();
                    dispatcher.discard(c);
                    // a failure the authenticator slowed (retry-after) is held before it is sent:
                    // guessing costs time, and the connection is closed either way (§7)
                    registry.closeAfter(c, step.reply(), holdMs(step.reply().attr("retry-after")));
                }
                case SUCCESS -> {
                    c.loginState = Map.of();
                    c.address = step.address();
                    registry.logins.increment();
                    // the client learns the frame limit, so it can refuse an oversized message itself
                    Node success = step.reply().with("max-frame", String.valueOf(dispatcher.maxFrameBytes()));
                    if (c.oneShot != null) {
                        sessions.loggedInOneShot(c);
                        writer.write(c, success);
                        return; // no queue, no presence, no conflict with the device's session
                    }
                    Connection previous = sessions.loggedIn(c);
                    writer.write(c, success);
                    if (previous != null) {
                        registry.resumable.park(previous); // before this connection's client can ask to resume it
                        registry.closeWithError(previous, "conflict", "logged in from another connection");
                    } else {
                        registry.online(c.address);
                    }
                    if (c.link == null || !c.link.onlineLater) {
                        queueFlows(c); // its queue follows the success stanza
                    }
                }
            }
        }
    }

    /**
     * The device's queue starts to flow to this connection: after its success stanza, or when a
     * client that logged in with its queue held back says it is ready. Holds the connection's lock.
     *
     * @return false when the router is missing (the caller waits for it)
     */
    boolean queueFlows(Connection c) {
        Router router = services.router;
        if (router == null) {
            return false;
        }
        if (c.link != null) {
            c.link.onlineLater = false;
        }
        router.deviceOnline(c.address, c.session.getId());
        return true;
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
}
