package dev.switchboard.cluster.internal;

import dev.switchboard.api.cluster.PeerWork;
import dev.switchboard.api.session.SessionDirectory;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One node's membership, wired: the NATS link, its heartbeat and the mirror of the logins, with
 * their two threads. Framework-free, so the tests run exactly what the component runs.
 */
final class ClusterNode implements AutoCloseable {

    final ClusterSettings settings;
    final NatsLink link;
    final Membership membership;
    final DeviceLocations devices;
    final RemoteDelivery remote;
    final LaneOwners lanes;
    final LaneForwarding forwarding;
    private final ScheduledExecutorService timer;
    private final ExecutorService worker;

    /** Joins the cluster; fails with what is wrong (NATS unreachable, buckets not made). */
    ClusterNode(ClusterSettings settings, SessionDirectory sessions, String incarnation, LongSupplier nanoClock)
            throws Exception {
        this(settings, sessions, null, incarnation, nanoClock);
    }

    /**
     * @param work this node's router, as it is now (null while it is being replaced); null for a
     *             node without one (tests), whose lanes have nothing to take over
     */
    ClusterNode(ClusterSettings settings, SessionDirectory sessions, Supplier<PeerWork> work, String incarnation,
                LongSupplier nanoClock) throws Exception {
        this.settings = settings;
        this.link = NatsLink.open(settings.natsUrl(), "switchboard-" + settings.node());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "sb-cluster-heartbeat"));
        this.worker = Executors.newSingleThreadExecutor(r -> daemon(r, "sb-cluster-directory"));
        Membership m = null;
        DeviceLocations d = null;
        RemoteDelivery r = null;
        LaneOwners l = null;
        LaneForwarding f = null;
        try {
            m = new Membership(link.bucket(settings.nodesBucket(), "Switchboard nodes: heartbeats"),
                    settings.node(), incarnation, settings.address(), settings.heartbeatMillis(), settings.deadAfterMillis(), nanoClock);
            m.start(timer);
            d = new DeviceLocations(link.bucket(settings.devicesBucket(), "Switchboard logins: device -> node"),
                    m, sessions, worker, link::connected);
            d.start(10_000);
            link.onReconnect(d::relinked);
            r = new RemoteDelivery(link.connection(), settings.bucketPrefix(), settings.node(), d, sessions);
            r.start();
            // a lane taken over while this node was cut off: its devices here reconnect, and are sent to the owner
            l = new LaneOwners(link.bucket(settings.lanesBucket(), "Switchboard lanes: user -> owning node"), m,
                    user -> worker.execute(() -> RemoteDelivery.here(() -> {
                        sessions.devicesOf(user).forEach(device -> sessions.close(device, "your account moved to another node; reconnect"));
                        return true;
                    })),
                    user -> {
                        if (work == null) {
                            return true;
                        }
                        PeerWork router = work.get();
                        return router != null && router.adopt(user);
                    });
            l.start();
            f = new LaneForwarding(link.connection(), settings.bucketPrefix(), settings.node(), work == null ? () -> null : work,
                    Duration.ofMillis(settings.deadAfterMillis()));
            f.start();
        } catch (Exception e) {
            this.forwarding = f;
            this.membership = m;
            this.devices = d;
            this.remote = r;
            this.lanes = l;
            stop(false);
            throw e;
        }
        this.membership = m;
        this.devices = d;
        this.remote = r;
        this.lanes = l;
        this.forwarding = f;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Stops. {@code leave}: the node stops for good and says so (the others count it gone at
     * once); otherwise it just falls silent, as for a swap of this bundle or a crash.
     */
    void stop(boolean leave) {
        if (forwarding != null) {
            forwarding.close();
        }
        if (lanes != null) {
            if (leave) {
                lanes.releaseAll();
            }
            lanes.close();
        }
        if (membership != null) {
            membership.stop(leave);
        }
        if (remote != null) {
            remote.close();
        }
        if (devices != null) {
            devices.close();
        }
        worker.shutdown();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
        link.close();
    }

    @Override
    public void close() {
        stop(true);
    }
}
