package dev.switchboard.transport.internal;

import dev.switchboard.api.auth.Authenticator;
import dev.switchboard.api.protocol.FrameCodec;
import dev.switchboard.api.routing.Router;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listening socket and its connections, for one protocol: the acceptor, its I/O threads, the
 * dispatcher that reads its connections and the services it calls, each possibly absent for a
 * moment during a swap. The session table and the write path are shared by every listener
 * ({@link SessionRegistry}), so a device reached over one protocol is routed to like any other.
 * The DS components ({@link TransportComponent}, {@link XmppListenerComponent}) are thin shells
 * around one of these, each binding the codec of its own protocol.
 */
final class Listener {

    private static final Logger LOG = LoggerFactory.getLogger(Listener.class);

    final ListenerKind kind;
    private final ServiceSlots services = new ServiceSlots();
    private final SessionRegistry registry;
    private final ExecutorService loginExecutor;
    private final ScheduledExecutorService housekeeping;
    private final InboundDispatcher dispatcher;
    private final ConnectionHandler handler;
    private final NioSocketAcceptor acceptor;
    private final IoProcessors processors;
    /** What is in force; replaced as a whole by {@link #modified}. */
    private volatile TransportSettings settings;

    /**
     * @param keys the server's Noise keys; null for a listener whose protocol has no Noise
     * @param tls  TLS a connection may start (XMPP's STARTTLS); null for a listener without it
     */
    Listener(ListenerKind kind, SessionRegistry registry, Map<String, ?> properties, ServerKeys keys, StartTls tls)
            throws IOException {
        this.kind = kind;
        this.registry = registry;
        this.settings = TransportSettings.read(properties, null, kind);
        report(settings);
        TransportSettings s = settings;
        String prefix = kind.protocol().equals("binary") ? "sb-" : "sb-" + kind.protocol() + "-";
        loginExecutor = Executors.newFixedThreadPool(s.loginThreads(), named(prefix + "login-"));
        housekeeping = Executors.newSingleThreadScheduledExecutor(named(prefix + "transport-"));
        dispatcher = new InboundDispatcher(services, registry, loginExecutor, housekeeping, s, keys);
        handler = new ConnectionHandler(registry, dispatcher, services, kind, s, tls);
        registry.writer.limit(s.maxOutboundBytes(), c -> registry.closeWithError(c, "slow-consumer",
                "you stopped reading; what you did not confirm waits for your next login"));
        ConnectionSweeper sweeper = new ConnectionSweeper(registry, services);
        housekeeping.scheduleWithFixedDelay(() -> {
            TransportSettings now = settings;
            dispatcher.expireWaiting(TimeUnit.SECONDS.toMillis(now.graceSeconds()));
            sweeper.sweep(now, System.currentTimeMillis());
        }, 1, 1, TimeUnit.SECONDS);
        // A stanza can wait on a service behind the router (the offline store, accounts), whose
        // return the transport is not told about: waiting connections are retried ten times a second.
        housekeeping.scheduleWithFixedDelay(dispatcher::resumeWaiting, 100, 100, TimeUnit.MILLISECONDS);
        housekeeping.scheduleWithFixedDelay(dispatcher::releaseThrottled, 50, 50, TimeUnit.MILLISECONDS);

        processors = new IoProcessors(Runtime.getRuntime().availableProcessors() + 1); // MINA's default pool size
        acceptor = new NioSocketAcceptor(processors);
        acceptor.setSessionDataStructureFactory(new CompactSessionData());
        acceptor.setReuseAddress(true);
        acceptor.setBacklog(1024);
        acceptor.setCloseOnDeactivation(false); // moving the listener keeps the connections it accepted
        acceptor.getSessionConfig().setTcpNoDelay(true);
        acceptor.setHandler(handler);
        try {
            acceptor.bind(new InetSocketAddress(s.host(), s.port()));
        } catch (IOException e) {
            shutdownExecutors();
            acceptor.dispose();
            processors.dispose();
            throw new IOException("cannot listen on " + s.host() + ":" + s.port() + ": " + e.getMessage(), e);
        }
        LOG.info("{} listening on {} ({})", kind.title(), acceptor.getLocalAddress(), describe(s));
    }

    private String describe(TransportSettings s) {
        if (!kind.noise()) {
            return s.plainAllowed() ? "STARTTLS offered, not required: loopback only" : "STARTTLS required";
        }
        return s.plainAllowed() ? "Noise or plaintext: encryption=none" : "Noise-encrypted only";
    }

    /**
     * A changed configuration applies without dropping a connection: limits and timeouts at once,
     * a new host or port by listening there and then no longer on the old one. An invalid value is
     * refused with a log line and the running one stays.
     */
    void modified(Map<String, ?> properties) {
        TransportSettings before = settings;
        TransportSettings next = TransportSettings.read(properties, before, kind);
        report(next);
        if (!next.sameListener(before) && !rebind(before, next)) {
            next = next.listeningAs(before);
        }
        if (next.loginThreads() != before.loginThreads()) {
            LOG.warn("loginThreads={} applies at the next start; running with {}", next.loginThreads(), before.loginThreads());
        }
        dispatcher.apply(next);
        handler.apply(next);
        registry.writer.limit(next.maxOutboundBytes(), c -> registry.closeWithError(c, "slow-consumer",
                "you stopped reading; what you did not confirm waits for your next login"));
        settings = next;
        if (!next.withoutProblems().equals(before.withoutProblems())) {
            LOG.info("{} settings applied live (no connection dropped): {}", kind.settingsTitle(), next.withoutProblems());
        }
    }

    private boolean rebind(TransportSettings before, TransportSettings next) {
        InetSocketAddress old = acceptor.getLocalAddress();
        try {
            acceptor.bind(new InetSocketAddress(next.host(), next.port()));
        } catch (IOException e) {
            LOG.error("Cannot listen on {}:{} ({}); staying on {}:{}", next.host(), next.port(), e.getMessage(),
                    before.host(), before.port());
            return false;
        }
        acceptor.unbind(old);
        LOG.info("{} moved from {} to {}; {} connections kept", kind.title(), old, acceptor.getLocalAddress(),
                registry.sessions.size());
        return true;
    }

    private void report(TransportSettings s) {
        for (String problem : s.problems()) {
            LOG.error("{} configuration ({}): {}", kind.settingsTitle(), kind.file(), problem);
        }
    }

    /** Closes this listener's connections (with a shutdown error) and the socket. */
    void close() {
        for (Connection c : registry.sessions.all()) {
            if (c.services == services) {
                registry.closeWithError(c, "shutdown", "server shutting down");
            }
        }
        acceptor.unbind();
        acceptor.dispose(true);
        processors.dispose(); // the acceptor does not dispose processors it was given
        shutdownExecutors();
        LOG.info("{} stopped", kind.title());
    }

    private void shutdownExecutors() {
        housekeeping.shutdownNow();
        loginExecutor.shutdownNow();
    }

    /** The port actually bound (useful with port 0). */
    int port() {
        return acceptor.getLocalAddress().getPort();
    }

    // --- the services, swapped under running connections

    void codec(FrameCodec codec) {
        services.codec = codec;
        services.bound();
        housekeeping.execute(() -> {
            registry.writer.flushHeld(); // stanzas that waited for a codec to be encoded with
            dispatcher.resumeWaiting();
        });
    }

    void noCodec(FrameCodec codec) {
        if (services.codec == codec) {
            services.codec = null;
        }
    }

    void router(Router router) {
        services.router = router;
        services.bound();
        housekeeping.execute(dispatcher::resumeWaiting);
    }

    void noRouter(Router router) {
        if (services.router == router) {
            services.router = null;
        }
    }

    void authenticator(Authenticator authenticator) {
        services.authenticator = authenticator;
        services.bound();
        housekeeping.execute(dispatcher::resumeWaiting);
    }

    void noAuthenticator(Authenticator authenticator) {
        services.authenticatorInUse.writeLock().lock();
        try {
            if (services.authenticator == authenticator) {
                services.authenticator = null;
            }
        } finally {
            services.authenticatorInUse.writeLock().unlock();
        }
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
