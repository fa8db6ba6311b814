package dev.switchboard.transport.internal;

import dev.switchboard.api.cluster.LaneOwnership;
import dev.switchboard.api.cluster.RemoteSessions;
import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.session.SessionInfo;
import dev.switchboard.api.session.SessionListener;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session directory: which device is connected on which connection, and the ordered write
 * path to it. A component of its own, apart from the acceptor, so that routing can depend on it
 * while the acceptor depends on routing, without a reference cycle.
 */
@Component(service = {SessionDirectory.class, SessionRegistry.class}, immediate = true)
public final class SessionRegistry implements SessionDirectory {

    final SessionTable sessions = new SessionTable();
    final LongAdder logins = new LongAdder();
    final LongAdder framesIn = new LongAdder();
    final OutboundWriter writer = new OutboundWriter();
    final ResumableStates resumable = new ResumableStates(
            dev.switchboard.api.protocol.Link.RESUMABLE_SECONDS * 1000L, ResumableStates.MAX_KEPT);
    private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);
    private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();
    /** Other nodes' sessions (the cluster bundle), for devices not connected here; null when alone. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile RemoteSessions remote;
    /** The cluster's lane owners: a device logs in on the node that owns its account's lane; null when alone. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile LaneOwnership lanes;
    /** How long a connection closed for an error keeps reading (and discarding) after the error is sent. */
    private static final long LINGER_MS = 1000;

    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sb-flush");
        t.setDaemon(true);
        return t;
    });

    @Deactivate
    void deactivate() {
        flusher.shutdownNow();
    }

    /** Whoever wants to know when devices come and go (presence). */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindListener(SessionListener listener) {
        listeners.add(listener);
    }

    void unbindListener(SessionListener listener) {
        listeners.remove(listener);
    }

    void online(Address device) {
        for (SessionListener l : listeners) {
            try {
                l.online(device);
            } catch (RuntimeException e) {
                LOG.error("Session listener {} failed on {} online", l, device, e);
            }
        }
    }

    void offline(Address device) {
        for (SessionListener l : listeners) {
            try {
                l.offline(device);
            } catch (RuntimeException e) {
                LOG.error("Session listener {} failed on {} offline", l, device, e);
            }
        }
    }

    @Override
    public boolean deliver(Address to, Node stanza) {
        if (stanza.attr("seq") == null) {
            List<Connection> oneShots = sessions.oneShots(to);
            String id = stanza.attr("id");
            if (oneShots != null && id != null) {
                for (Connection o : oneShots) {
                    if (!o.closing && o.oneShot.awaits(id)) {
                        writer.write(o, stanza); // the answer to what that connection sent
                        return true;
                    }
                }
            }
            if ("receipt".equals(stanza.tag())) {
                return false; // a receipt notice is for one-shot senders only; the queued receipt goes to the device
            }
        }
        return deliver(to, 0, stanza);
    }

    /**
     * The queue's stanzas go to the session they were handed out for: a pump that was still
     * writing to the device's old session when the device logged in again must not put its tail
     * on the new connection ahead of the head the new session is given (issue #12's order).
     */
    @Override
    public boolean deliver(Address to, long session, Node stanza) {
        Connection c = sessions.find(to);
        if (c == null) {
            RemoteSessions elsewhere = remote;
            return elsewhere != null && elsewhere.deliver(to, session, stanza);
        }
        if (c.closing || (session != 0 && c.session.getId() != session)) {
            return false;
        }
        writer.write(c, stanza);
        return true;
    }

    @Override
    public long sessionOf(Address device) {
        Connection c = sessions.find(device);
        return c == null || c.closing ? 0 : c.session.getId();
    }

    @Override
    public void batch(Runnable work) {
        writer.batch(work);
    }

    @Override
    public List<Address> devicesOf(String user) {
        List<Address> here = sessions.devicesOf(user);
        RemoteSessions elsewhere = remote;
        if (elsewhere == null) {
            return here;
        }
        List<Address> there = elsewhere.devicesOf(user);
        if (there.isEmpty()) {
            return here;
        }
        java.util.TreeMap<Integer, Address> all = new java.util.TreeMap<>(); // a device is in one place: here wins
        there.forEach(a -> all.put(a.device(), a));
        here.forEach(a -> all.put(a.device(), a));
        return List.copyOf(all.values());
    }

    @Override
    public List<SessionInfo> sessions(String userPrefix) {
        String prefix = userPrefix == null ? "" : userPrefix;
        return sessions.loggedIn().stream()
                .filter(c -> c.address != null && c.address.user().startsWith(prefix))
                .map(c -> new SessionInfo(c.address, c.remote(), c.connectedAtMs, c.framesIn, c.framesOut))
                .sorted(Comparator.comparing((SessionInfo s) -> s.address().user())
                        .thenComparingInt(s -> s.address().device()))
                .toList();
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("connections", (long) sessions.size());
        out.put("sessions", (long) sessions.loggedIn().size());
        out.put("logins", logins.sum());
        out.put("frames-in", framesIn.sum());
        out.put("frames-out", writer.framesOut());
        return out;
    }

    @Override
    public int connectionCount() {
        return sessions.size();
    }

    @Override
    public boolean close(Address device, String reason) {
        List<Connection> oneShots = sessions.oneShots(device);
        if (oneShots != null) {
            oneShots.forEach(o -> closeWithError(o, "kicked", reason)); // an unlinked device keeps no connection
        }
        Connection c = sessions.find(device);
        if (c == null) {
            RemoteSessions elsewhere = remote;
            return oneShots != null | (elsewhere != null && elsewhere.close(device, reason));
        }
        closeWithError(c, "kicked", reason);
        return true;
    }

    /**
     * Sends a last stanza after a delay, then closes; nothing more is read from the connection
     * meanwhile. The delay runs on the scheduler, holding no thread.
     */
    void closeAfter(Connection c, Node last, long delayMs) {
        if (c.closing) {
            return;
        }
        c.closing = true;
        Runnable send = () -> {
            writer.writeLast(c, last);
            lingerThenClose(c);
        };
        if (delayMs <= 0) {
            send.run();
            return;
        }
        try {
            flusher.schedule(send, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            send.run();
        }
    }

    /** Closes after what was already written, lingering like {@link #closeWithError}. */
    void closeQuietly(Connection c) {
        if (c.closing) {
            return;
        }
        c.closing = true;
        lingerThenClose(c);
    }

    /**
     * Sends an error stanza, then closes. Touches no other connection. The close lingers: input is
     * read and dropped for a moment, because closing a socket with unread input makes TCP send a
     * reset that can destroy the error stanza before the client reads it.
     */
    void closeWithError(Connection c, String code, String text) {
        if (c.closing) {
            return;
        }
        c.closing = true;
        if (c.dictionary < 0) {
            c.dictionary = 1;
        }
        writer.write(c, Node.of("error", "code", code, "text", text));
        lingerThenClose(c);
    }

    private void lingerThenClose(Connection c) {
        c.session.resumeRead();
        try {
            flusher.schedule(() -> c.session.closeOnFlush(), LINGER_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            c.session.closeOnFlush();
        }
    }
}
