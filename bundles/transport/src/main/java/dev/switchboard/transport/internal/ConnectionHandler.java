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
    private final int maxConnections;

    ConnectionHandler(SessionRegistry registry, InboundDispatcher dispatcher, int maxConnections) {
        this.registry = registry;
        this.dispatcher = dispatcher;
        this.maxConnections = maxConnections;
    }

    static Connection connection(IoSession session) {
        return (Connection) session.getAttribute(CONNECTION);
    }

    @Override
    public void sessionCreated(IoSession session) {
        Connection c = new Connection(session);
        session.setAttribute(CONNECTION, c);
        registry.sessions.opened(c);
        if (registry.sessions.size() > maxConnections) {
            LOG.warn("Refusing a connection from {}: {} are open (maxConnections)", session.getRemoteAddress(), maxConnections);
            registry.closeWithError(c, "server-full", "the server holds its most connections; try again later");
        }
    }

    /**
     * Nothing read for the idle time: ping the client; nothing again for as long and the connection
     * is taken for dead (a half-open TCP connection never reports itself) and closed.
     */
    @Override
    public void sessionIdle(IoSession session, org.apache.mina.core.session.IdleStatus status) {
        Connection c = connection(session);
        if (c == null || c.closing || status != org.apache.mina.core.session.IdleStatus.READER_IDLE) {
            return;
        }
        synchronized (c) {
            if (c.throttledUntilMs != 0 || c.waitingSinceMs != 0) {
                return; // the server paused reading this one itself: silence proves nothing
            }
        }
        if (session.getIdleCount(status) < 2) {
            registry.writer.write(c, dev.switchboard.api.stanza.Node.of("ping", "id", "server"));
        } else {
            LOG.info("Closing {}: no answer to a ping", c);
            registry.closeWithError(c, "idle-timeout", "no answer to a ping; reconnect");
        }
    }

    @Override
    public void messageReceived(IoSession session, Object message) {
        Connection c = connection(session);
        MDC.put("session", String.valueOf(session.getId()));
        try {
            dispatcher.received(c, ((IoBuffer) message).buf());
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
