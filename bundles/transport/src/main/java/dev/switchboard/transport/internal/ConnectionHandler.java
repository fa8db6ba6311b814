package dev.switchboard.transport.internal;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.IoSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** A thin adapter from MINA's events to the transport-free dispatcher (Vysper's XmppIoHandlerAdapter). */
final class ConnectionHandler extends IoHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);
    /** The only session attribute: a transport class, never one of a swappable bundle. */
    static final String CONNECTION = "sb.connection";

    private final SessionRegistry registry;
    private final InboundDispatcher dispatcher;
    /** The listener's services, which its connections are bound to. */
    private final ServiceSlots services;
    private final ListenerKind kind;
    private volatile boolean plainAllowed;
    private final StartTls tls;
    private volatile int maxConnections;
    private volatile int maxPerAddress;

    ConnectionHandler(SessionRegistry registry, InboundDispatcher dispatcher, ServiceSlots services, ListenerKind kind,
                      TransportSettings settings, StartTls tls) {
        this.tls = tls;
        this.registry = registry;
        this.dispatcher = dispatcher;
        this.services = services;
        this.kind = kind;
        apply(settings);
    }

    /** Live reconfiguration: applies to connections opened from now on. */
    void apply(TransportSettings settings) {
        this.maxConnections = settings.maxConnections();
        this.maxPerAddress = settings.maxConnectionsPerAddress();
        this.plainAllowed = settings.plainAllowed();
    }

    static Connection connection(IoSession session) {
        return (Connection) session.getAttribute(CONNECTION);
    }

    @Override
    public void sessionCreated(IoSession session) {
        Connection c = new Connection(session, services);
        session.setAttribute(CONNECTION, c);
        if (!kind.noise()) {
            c.plain = true; // the protocol's own bytes from the first one: no Noise on this listener
            c.link = new DialectLink(c, registry, dispatcher::pumpLater, tls, () -> plainAllowed);
        }
        int fromThere = registry.sessions.opened(c);
        if (!kind.noise() && !plainAllowed && (tls == null || !tls.available())) {
            registry.closeWithError(c, "encryption-required", "this listener requires TLS and has no certificate"
                    + " (data/tls/https.p12); see the server's log");
        } else if (registry.sessions.size() > maxConnections) {
            LOG.warn("Refusing a connection from {}: {} are open (maxConnections)", session.getRemoteAddress(), maxConnections);
            registry.closeWithError(c, "server-full", "the server holds its most connections; try again later");
        } else if (fromThere > maxPerAddress) {
            LOG.warn("Refusing a connection from {}: it holds {} (maxConnectionsPerAddress)", session.getRemoteAddress(), maxPerAddress);
            registry.closeWithError(c, "too-many-connections", "your address holds the most connections allowed ("
                    + maxPerAddress + "); close some first");
        }
    }

    @Override
    public void messageReceived(IoSession session, Object message) {
        Connection c = connection(session);
        MDC.put("session", String.valueOf(session.getId()));
        try {
            // what handling this read writes (acks, pongs, errors) goes out in one write per connection
            registry.writer.batch(() -> dispatcher.received(c, ((IoBuffer) message).buf()));
        } catch (RuntimeException e) {
            // A fault while handling one connection's frame closes that connection only.
            LOG.error("Fault handling {}; closing it", c, e);
            registry.closeWithError(c, "internal-error", "server fault; reconnect");
        } finally {
            MDC.remove("session");
        }
    }

    @Override
    public void sessionClosed(IoSession session) {
        Connection c = connection(session);
        if (c != null) {
            c.closing = true;
            registry.resumable.park(c);
            if (registry.sessions.closed(c)) {
                registry.offline(c.address);
            }
            dispatcher.forget(c);
            registry.writer.forget(c);
        }
    }

    @Override
    public void exceptionCaught(IoSession session, Throwable cause) {
        LOG.debug("I/O error on session {}: {}", session.getId(), cause.toString());
        session.closeNow();
    }
}
