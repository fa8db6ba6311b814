package dev.switchboard.cluster.internal;

import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueOperation;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which nodes are alive. Each node puts {@code <incarnation>} under its id in the nodes bucket
 * every heartbeat; every node watches the bucket and notes, by its own clock, when it last saw
 * each node's heartbeat, so no two machines' clocks are compared. NATS 2.9 has no per-key expiry:
 * a node that stops beating stays in the bucket, and is dead to whoever has not seen it beat for
 * {@code deadAfterMillis}. A node that leaves for good deletes its key, and is gone at once.
 */
final class Membership implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);

    private record Seen(String incarnation, String address, long atNanos) {
    }

    private final KeyValue bucket;
    private final String node;
    private final String incarnation;
    private final long deadAfterNanos;
    private final long heartbeatNanos;
    private final LongSupplier clock;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    /** What this node's heartbeat says: {@code <run> [<client address>]}. */
    private final byte[] beat;
    private ScheduledFuture<?> beating;
    private BucketWatch watch;
    private volatile boolean beatFailing;
    /** When this node's heartbeat was last written (its own clock); MIN when never. */
    private volatile long lastBeatNanos = Long.MIN_VALUE;

    Membership(KeyValue bucket, String node, String incarnation, String address, long heartbeatMillis, long deadAfterMillis,
               LongSupplier nanoClock) {
        this.bucket = bucket;
        this.beat = (incarnation + " " + address).trim().getBytes(StandardCharsets.UTF_8);
        this.node = node;
        this.incarnation = incarnation;
        this.heartbeatNanos = TimeUnit.MILLISECONDS.toNanos(heartbeatMillis);
        this.deadAfterNanos = TimeUnit.MILLISECONDS.toNanos(deadAfterMillis);
        this.clock = nanoClock;
    }

    /**
     * Starts watching, then beating every heartbeat on the timer. What the bucket already holds
     * says nothing of when it was written (a dead node's last beat stays there), so a node found at
     * start counts as alive only for two heartbeats: its next beat, if it is alive, comes sooner.
     */
    void start(ScheduledExecutorService timer) throws Exception {
        AtomicBoolean loaded = new AtomicBoolean();
        watch = BucketWatch.of(bucket, e -> {
            if (e.getOperation() == KeyValueOperation.PUT) {
                String[] value = new String(e.getValue(), StandardCharsets.UTF_8).split(" ", 2);
                long at = loaded.get() ? clock.getAsLong() : clock.getAsLong() - deadAfterNanos + 2 * heartbeatNanos;
                Seen before = seen.put(e.getKey(), new Seen(value[0], value.length > 1 ? value[1] : null, at));
                if (loaded.get() && (before == null || !before.incarnation().equals(value[0]))) {
                    LOG.info("Cluster node {} is up (run {})", e.getKey(), value[0]);
                }
            } else if (seen.remove(e.getKey()) != null) {
                LOG.info("Cluster node {} left", e.getKey());
            }
        }, () -> loaded.set(true));
        beat();
        long every = TimeUnit.NANOSECONDS.toMillis(heartbeatNanos);
        beating = timer.scheduleAtFixedRate(this::beat, every, every, TimeUnit.MILLISECONDS);
    }

    private void beat() {
        try {
            bucket.put(node, beat);
            lastBeatNanos = clock.getAsLong();
            if (beatFailing) {
                beatFailing = false;
                LOG.info("Cluster heartbeat written again");
            }
        } catch (Exception e) {
            if (!beatFailing) {
                beatFailing = true; // said once per outage, not once a second
                LOG.warn("Cluster heartbeat not written ({}): other nodes will take this one for dead", e.toString());
            }
        }
    }

    String node() {
        return node;
    }

    String incarnation() {
        return incarnation;
    }

    /**
     * Whether the others still count this node alive: its last heartbeat was written less than
     * {@code deadAfter} minus a heartbeat ago (by its own clock, which started counting before any
     * other node saw that beat, so this node gives up what it owns before anyone takes it over).
     */
    boolean healthy() {
        long last = lastBeatNanos;
        return last != Long.MIN_VALUE && clock.getAsLong() - last < deadAfterNanos - heartbeatNanos;
    }

    /** Whether a node's run is alive: this node's own run always is. */
    boolean isLive(String other, String run) {
        if (other.equals(node)) {
            return run.equals(incarnation);
        }
        Seen s = seen.get(other);
        return s != null && s.incarnation().equals(run) && clock.getAsLong() - s.atNanos() < deadAfterNanos;
    }

    /** Where clients reach a node (as its heartbeat says), or null when it did not say or is unknown. */
    String addressOf(String other) {
        Seen s = seen.get(other);
        return s == null ? null : s.address();
    }

    /** The nodes alive, this one included, in name order. */
    Set<String> liveNodes() {
        Set<String> out = new TreeSet<>();
        out.add(node);
        long now = clock.getAsLong();
        seen.forEach((n, s) -> {
            if (now - s.atNanos() < deadAfterNanos) {
                out.add(n);
            }
        });
        return out;
    }

    /**
     * Stops beating. {@code leave} also deletes the node's key, so the others count it gone at
     * once (a graceful stop of the node); without it (a swap of this bundle) the next revision
     * beats on as the same run before the others would miss a heartbeat.
     */
    void stop(boolean leave) {
        if (beating != null) {
            beating.cancel(false);
        }
        if (watch != null) {
            watch.close();
        }
        if (leave) {
            try {
                bucket.delete(node);
            } catch (Exception e) {
                LOG.warn("Could not remove this node from the cluster ({}); the others will miss its heartbeat", e.toString());
            }
        }
    }

    @Override
    public void close() {
        stop(true);
    }
}
