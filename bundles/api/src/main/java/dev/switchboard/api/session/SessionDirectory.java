package dev.switchboard.api.session;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Who is connected where, and the way to hand a stanza to a connected device. Provided by the
 * transport; when the node is one of a cluster, what is not connected here is reached on the node
 * it is logged in on, through the cluster bundle's {@link dev.switchboard.api.cluster.RemoteSessions}.
 */
@ProviderType
public interface SessionDirectory {

    /**
     * Queues a stanza for a logged-in device, in call order per device.
     *
     * @return {@code false} when that device has no session here (nor, in a cluster, on a live node)
     */
    boolean deliver(Address to, Node stanza);

    /**
     * Queues a stanza for one session of a device: the one {@code session} names (the id given to
     * {@link dev.switchboard.api.routing.Router#deviceOnline(Address, long)} at its login). A
     * device's queue is handed out per session, from the head again at each login, so a stanza
     * meant for a session the device has since replaced must not reach the new one ahead of the
     * new one's own hand-out. Session 0 stands for whichever session the device has.
     *
     * @return {@code false} when the device has no session here or its session is another one now
     * @since 1.3
     */
    default boolean deliver(Address to, long session, Node stanza) {
        return (session == 0 || session == sessionOf(to)) && deliver(to, stanza);
    }

    /**
     * The id of the device's current session here (as given to the router at its login), 0 when
     * it has none. @since 1.3
     */
    default long sessionOf(Address device) {
        return 0;
    }

    /**
     * Runs work with this thread's deliveries held back and written when it returns, all frames
     * due for one connection in one write. A nested call joins the outer one. Keep the work short:
     * what it delivers waits until it ends. Without a transport that gathers writes it just runs.
     */
    default void batch(Runnable work) {
        work.run();
    }

    /** The devices of a user that have a logged-in session (in a cluster: on any live node), in device order. */
    List<Address> devicesOf(String user);

    /** A snapshot of the sessions logged in here, optionally only those whose user id starts with a prefix. */
    List<SessionInfo> sessions(String userPrefix);

    /** The number of open connections, logged in or not. */
    int connectionCount();

    /**
     * Counters since the transport started, for operators and benchmarks: {@code connections},
     * {@code sessions} (logged in), {@code logins}, {@code frames-in}, {@code frames-out}.
     */
    java.util.Map<String, Long> counters();

    /** Closes the session of a device with a reason sent as an error stanza. @return whether one was open */
    boolean close(Address device, String reason);
}
