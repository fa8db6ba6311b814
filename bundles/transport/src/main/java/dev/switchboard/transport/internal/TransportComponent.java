package dev.switchboard.transport.internal;

import dev.switchboard.api.auth.Authenticator;
import dev.switchboard.api.protocol.FrameCodec;
import dev.switchboard.api.routing.Router;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
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
    private final NioSocketAcceptor acceptor;
    private final IoProcessors processors;

    @Activate
    public TransportComponent(@Reference SessionRegistry registry, TransportConfiguration config) throws IOException {
        if (config.graceSeconds() < 1 || config.maxFrameBytes() < 64 || config.loginThreads() < 1) {
            throw new IllegalArgumentException("graceSeconds >= 1, maxFrameBytes >= 64, loginThreads >= 1");
        }
        this.registry = registry;
        loginExecutor = Executors.newFixedThreadPool(config.loginThreads(), named("sb-login-"));
        housekeeping = Executors.newSingleThreadScheduledExecutor(named("sb-transport-"));
        if (config.maxOutboundBytes() < 4096 || config.idleSeconds() < 0 || config.maxFramesPerSecond() < 0
                || config.maxConnections() < 1) {
            throw new IllegalArgumentException("maxOutboundBytes >= 4096, idleSeconds >= 0, maxFramesPerSecond >= 0, maxConnections >= 1");
        }
        dispatcher = new InboundDispatcher(services, registry, loginExecutor, config.maxFrameBytes(), config.maxFramesPerSecond());
        registry.writer.limit(config.maxOutboundBytes(), c -> registry.closeWithError(c, "slow-consumer",
                "you stopped reading; what you did not confirm waits for your next login"));
        long graceMs = TimeUnit.SECONDS.toMillis(config.graceSeconds());
        housekeeping.scheduleWithFixedDelay(() -> dispatcher.expireWaiting(graceMs), 1, 1, TimeUnit.SECONDS);
        // A stanza can wait on a service behind the router (the offline store, accounts), whose
        // return the transport is not told about: waiting connections are retried ten times a second.
        housekeeping.scheduleWithFixedDelay(dispatcher::resumeWaiting, 100, 100, TimeUnit.MILLISECONDS);
        housekeeping.scheduleWithFixedDelay(dispatcher::releaseThrottled, 50, 50, TimeUnit.MILLISECONDS);

        processors = new IoProcessors(Runtime.getRuntime().availableProcessors() + 1); // MINA's default pool size
        acceptor = new NioSocketAcceptor(processors);
        acceptor.setSessionDataStructureFactory(new CompactSessionData());
        acceptor.setReuseAddress(true);
        acceptor.setBacklog(1024);
        acceptor.getSessionConfig().setTcpNoDelay(true);
        if (config.idleSeconds() > 0) {
            acceptor.getSessionConfig().setIdleTime(org.apache.mina.core.session.IdleStatus.READER_IDLE, config.idleSeconds());
        }
        acceptor.setHandler(new ConnectionHandler(registry, dispatcher, config.maxConnections()));
        String host = env("SB_HOST", config.host());
        int port = Integer.parseInt(env("SB_PORT", String.valueOf(config.port())));
        try {
            acceptor.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            shutdownExecutors();
            acceptor.dispose();
            processors.dispose();
            throw new IOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        LOG.info("Binary protocol listening on {}", acceptor.getLocalAddress());
    }

    /** ARCHITECTURE.md: environment variables override configuration files. */
    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
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

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
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
