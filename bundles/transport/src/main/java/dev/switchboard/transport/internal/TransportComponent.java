package dev.switchboard.transport.internal;

import dev.switchboard.api.auth.Authenticator;
import dev.switchboard.api.protocol.FrameCodec;
import dev.switchboard.api.routing.Router;
import dev.switchboard.noise.KeyPair25519;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the acceptor and every socket. Its references to the codec, router and authenticator are
 * optional and dynamic, so a swap of any of them never deactivates this component or drops a
 * connection: connections wait (reads suspended) until the service is back, for at most the grace period.
 */
@Component(service = TransportComponent.class, immediate = true, configurationPid = "dev.switchboard.transport")
@Designate(ocd = TransportConfiguration.class)
public final class TransportComponent {

    private static final Logger LOG = LoggerFactory.getLogger(TransportComponent.class);

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

    @Activate
    public TransportComponent(@Reference SessionRegistry registry, Map<String, Object> properties,
                              org.osgi.framework.BundleContext context) throws IOException {
        this(registry, properties, dataDirectory(context));
    }

    /** @param dataDirectory where {@code noise/} keeps the server's keys (the runtime's {@code data/}) */
    TransportComponent(SessionRegistry registry, Map<String, ?> properties, java.nio.file.Path dataDirectory) throws IOException {
        this.registry = registry;
        this.settings = TransportSettings.read(properties, null);
        report(settings);
        TransportSettings s = settings;
        ServerKeys keys = ServerKeys.load(dataDirectory.resolve("noise"));
        LOG.info("Noise static key {} (fingerprint {}){}", KeyPair25519.hex(keys.current().publicKey()), keys.fingerprint(),
                keys.accepted().size() > 1 ? "; the previous key is still accepted" : "");
        loginExecutor = Executors.newFixedThreadPool(s.loginThreads(), named("sb-login-"));
        housekeeping = Executors.newSingleThreadScheduledExecutor(named("sb-transport-"));
        dispatcher = new InboundDispatcher(services, registry, loginExecutor, s, keys);
        handler = new ConnectionHandler(registry, dispatcher, s);
        registry.writer.limit(s.maxOutboundBytes(), c -> registry.closeWithError(c, "slow-consumer",
                "you stopped reading; what you did not confirm waits for your next login"));
        ConnectionSweeper sweeper = new ConnectionSweeper(registry);
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
        LOG.info("Binary protocol listening on {} ({})", acceptor.getLocalAddress(),
                s.plainAllowed() ? "Noise or plaintext: encryption=none" : "Noise-encrypted only");
    }

    private static java.nio.file.Path dataDirectory(org.osgi.framework.BundleContext context) {
        String home = context.getProperty("switchboard.home");
        return java.nio.file.Path.of(home == null || home.isBlank() ? "." : home).resolve("data");
    }

    /**
     * A changed configuration applies without dropping a connection: limits and timeouts at once,
     * a new host or port by listening there and then no longer on the old one. An invalid value is
     * refused with a log line and the running one stays.
     */
    @Modified
    void modified(Map<String, Object> properties) {
        TransportSettings before = settings;
        TransportSettings next = TransportSettings.read(properties, before);
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
            LOG.info("Transport settings applied live (no connection dropped): {}", next.withoutProblems());
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
        LOG.info("Binary protocol moved from {} to {}; {} connections kept", old, acceptor.getLocalAddress(),
                registry.sessions.size());
        return true;
    }

    private static void report(TransportSettings s) {
        for (String problem : s.problems()) {
            LOG.error("Transport configuration (etc/dev.switchboard.transport.cfg): {}", problem);
        }
    }

    @Deactivate
    public void deactivate() {
        for (Connection c : registry.sessions.all()) {
            registry.closeWithError(c, "shutdown", "server shutting down");
        }
        acceptor.unbind();
        acceptor.dispose(true);
        processors.dispose(); // the acceptor does not dispose processors it was given
        shutdownExecutors();
        LOG.info("Binary protocol stopped");
    }

    private void shutdownExecutors() {
        housekeeping.shutdownNow();
        loginExecutor.shutdownNow();
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return acceptor.getLocalAddress().getPort();
    }

    // --- swappable services: optional, dynamic, greedy (BUILD-NOTES: a mandatory one would close the acceptor)

    /** The binary protocol's codec only: another protocol's codec (issue #16's XMPP) must not take this listener. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(protocol=binary)")
    void bindCodec(FrameCodec codec) {
        services.codec = codec;
        services.bound();
        housekeeping.execute(dispatcher::resumeWaiting);
    }

    void unbindCodec(FrameCodec codec) {
        if (services.codec == codec) {
            services.codec = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindRouter(Router router) {
        services.router = router;
        services.bound();
        housekeeping.execute(dispatcher::resumeWaiting);
    }

    void unbindRouter(Router router) {
        if (services.router == router) {
            services.router = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindAuthenticator(Authenticator authenticator) {
        services.authenticator = authenticator;
        services.bound();
        housekeeping.execute(dispatcher::resumeWaiting);
    }

    void unbindAuthenticator(Authenticator authenticator) {
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
