package dev.switchboard.cluster.internal;

import dev.switchboard.api.cluster.DeviceLocation;
import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.session.SessionInfo;
import dev.switchboard.api.stanza.Address;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared directory of logins: key {@code <user>.<device>} in the devices bucket, value
 * {@code <node> <incarnation> <session>}, written when a device logs in here and deleted, only if it still
 * is this login (a revision check), when its session here ends. The last login anywhere wins, as
 * on one node: a node that sees a device's entry move to another node after its own login closes
 * the device's session here. Every node mirrors the bucket in memory, so lookups cost no network.
 *
 * <p>Everything that changes the mirror or this node's logins runs on one worker thread, in the
 * order it happened: the transport's events, the bucket's updates, a resync after NATS returns.
 */
final class DeviceLocations implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceLocations.class);
    static final String REPLACED = "logged in on another node";

    private final KeyValue bucket;
    private final Membership membership;
    private final SessionDirectory local;
    private final ExecutorService worker;
    private final BooleanSupplier linkUp;
    private final String ownValue;
    /** user → device → location, replaced whole per change (written on the worker only). */
    private final Map<String, Map<Integer, DeviceLocation>> mirror = new ConcurrentHashMap<>();
    /** The revision of each login this node wrote and still holds (worker only). */
    private final Map<Address, Long> ownLogins = new HashMap<>();
    private BucketWatch watch;
    /** A write failed (NATS away): the next reconnect writes this node's logins again. */
    private boolean resyncDue;

    DeviceLocations(KeyValue bucket, Membership membership, SessionDirectory local, ExecutorService worker,
                    BooleanSupplier linkUp) {
        this.bucket = bucket;
        this.membership = membership;
        this.local = local;
        this.worker = worker;
        this.linkUp = linkUp;
        this.ownValue = membership.node() + " " + membership.incarnation() + " ";
    }

    /**
     * Mirrors the bucket (waiting for what it holds now, at most {@code waitMillis}), forgets the
     * logins an earlier run of this node left behind, and writes the devices logged in here now.
     */
    void start(long waitMillis) throws Exception {
        CountDownLatch loaded = new CountDownLatch(1);
        watch = BucketWatch.of(bucket, e -> worker.execute(() -> apply(e)), () -> worker.execute(loaded::countDown));
        if (!loaded.await(waitMillis, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the devices bucket did not load within " + waitMillis + " ms");
        }
        worker.execute(this::resync);
    }

    /** A device logged in here (called on the transport's thread: reads its session, then only queues). */
    void online(Address device) {
        long session = local.sessionOf(device);
        worker.execute(() -> write(device, session));
    }

    /** A device's session here ended. */
    void offline(Address device) {
        worker.execute(() -> erase(device));
    }

    /** NATS came back: what this node holds is written again (it may have been lost, or missed). */
    void relinked() {
        worker.execute(this::resync);
    }

    DeviceLocation locate(Address device) {
        DeviceLocation at = entry(device);
        return at != null && membership.isLive(at.node(), at.incarnation()) ? at : null;
    }

    List<DeviceLocation> devicesOf(String user) {
        Map<Integer, DeviceLocation> devices = mirror.get(user);
        if (devices == null) {
            return List.of();
        }
        List<DeviceLocation> out = new ArrayList<>(devices.size());
        for (DeviceLocation at : devices.values()) {
            if (membership.isLive(at.node(), at.incarnation())) {
                out.add(at);
            }
        }
        return out;
    }

    private DeviceLocation entry(Address device) {
        Map<Integer, DeviceLocation> devices = mirror.get(device.user());
        return devices == null ? null : devices.get(device.device());
    }

    private boolean own(DeviceLocation at) {
        return at.node().equals(membership.node()) && at.incarnation().equals(membership.incarnation());
    }

    private static String key(Address device) {
        return device.user() + "." + device.device();
    }

    private void write(Address device, long session) {
        if (!linkUp.getAsBoolean()) {
            resyncDue = true; // written when NATS is back
            return;
        }
        try {
            ownLogins.put(device, bucket.put(key(device), (ownValue + session).getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            resyncDue = true;
            LOG.warn("Login of {} not written to the cluster directory ({}); written again when NATS is back", device, e.toString());
        }
    }

    private void erase(Address device) {
        Long revision = ownLogins.remove(device);
        if (revision == null) {
            return; // never written, or replaced by a login elsewhere
        }
        try {
            bucket.delete(key(device), revision); // only if nobody logged the device in since
        } catch (JetStreamApiException e) {
            LOG.debug("{} was logged in elsewhere meanwhile: its entry stays", device);
        } catch (Exception e) {
            resyncDue = true;
            LOG.warn("Logout of {} not written to the cluster directory ({})", device, e.toString());
        }
    }

    /** One update of the bucket, as every node sees it, in revision order. */
    private void apply(KeyValueEntry e) {
        Address device = parse(e.getKey());
        if (device == null) {
            return;
        }
        if (e.getOperation() != KeyValueOperation.PUT) {
            change(device, null);
            return;
        }
        String[] value = new String(e.getValue(), StandardCharsets.UTF_8).split(" ");
        long session;
        try {
            session = value.length == 3 ? Long.parseLong(value[2]) : -1;
        } catch (NumberFormatException bad) {
            session = -1;
        }
        if (session < 0) {
            LOG.warn("Ignoring a malformed cluster directory entry for {}", device);
            return;
        }
        DeviceLocation at = new DeviceLocation(device, value[0], value[1], session, e.getRevision());
        change(device, at);
        Long mine = ownLogins.get(device);
        if (mine != null && !own(at) && e.getRevision() > mine) {
            ownLogins.remove(device);
            if (local.sessionOf(device) != 0 && RemoteDelivery.here(() -> local.close(device, REPLACED + " (" + at.node() + ")"))) {
                LOG.info("{} logged in on node {}: its session here is closed", device, at.node());
            }
        }
    }

    private void change(Address device, DeviceLocation at) {
        mirror.compute(device.user(), (user, devices) -> {
            Map<Integer, DeviceLocation> next = devices == null ? new TreeMap<>() : new TreeMap<>(devices);
            if (at == null) {
                next.remove(device.device());
            } else {
                next.put(device.device(), at);
            }
            return next.isEmpty() ? null : Collections.unmodifiableMap(next);
        });
    }

    private static Address parse(String key) {
        int dot = key.indexOf('.');
        try {
            return dot < 0 ? null : new Address(key.substring(0, dot), Integer.parseInt(key.substring(dot + 1)));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Makes the bucket agree with this node: every device logged in here is written (again), and
     * entries naming this node that it no longer holds (an earlier run's, or a logout not
     * written while NATS was away) are deleted, each only if unchanged since it was read.
     */
    private void resync() {
        resyncDue = false;
        Map<Address, Boolean> here = new HashMap<>();
        for (SessionInfo s : local.sessions("")) {
            here.put(s.address(), Boolean.TRUE);
        }
        for (Map<Integer, DeviceLocation> devices : mirror.values()) {
            for (DeviceLocation at : devices.values()) {
                if (at.node().equals(membership.node()) && !here.containsKey(at.device())) {
                    ownLogins.remove(at.device());
                    try {
                        bucket.delete(key(at.device()), at.revision());
                    } catch (JetStreamApiException e) {
                        LOG.debug("{} changed meanwhile", at.device());
                    } catch (Exception e) {
                        resyncDue = true;
                    }
                }
            }
        }
        for (Address device : here.keySet()) {
            DeviceLocation at = entry(device);
            Long mine = ownLogins.get(device);
            if (at != null && !own(at) && mine != null && at.revision() > mine) {
                continue; // logged in elsewhere after its login here: its session here is being closed
            }
            write(device, local.sessionOf(device));
        }
        if (resyncDue) {
            LOG.warn("The cluster directory could not be brought up to date; retried when NATS is back");
        }
    }

    @Override
    public void close() {
        if (watch != null) {
            watch.close();
        }
    }
}
