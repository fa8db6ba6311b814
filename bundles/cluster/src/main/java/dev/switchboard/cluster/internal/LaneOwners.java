package dev.switchboard.cluster.internal;

import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which node owns each user's lane: the one node that numbers, queues and hands out that user's
 * messages (all work for one recipient on one lane, as on one node). Key {@code <user>} in the lanes
 * bucket, value {@code <node> <run>}, taken only by a compare-and-set (create, or update at the
 * revision read), so two nodes never both take a lane; a lane whose owner is dead may be taken by
 * whoever needs it next. Lanes are sticky: a node keeps what it owns until it dies or leaves.
 *
 * <p>A node whose heartbeats no longer reach NATS gives up every lane before the others may take
 * them over ({@link Membership#healthy()}), so no lane ever has two owners at work.
 */
final class LaneOwners implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LaneOwners.class);
    private static final int CLAIM_ATTEMPTS = 4;

    private record Owner(String node, String run, long revision) {
    }

    private final KeyValue bucket;
    private final Membership membership;
    private final byte[] ownValue;
    private final Map<String, Owner> mirror = new ConcurrentHashMap<>();
    /**
     * Lanes this node is taking now: its own entry for them, echoed by the watch, is not believed
     * until their queues are read (else work could land on the lane before what waits for it).
     */
    private final Map<String, Boolean> taking = new ConcurrentHashMap<>();
    /** The revision at which this node gave a lane up again, so a late echo of it is not believed. */
    private final Map<String, Long> givenUp = new ConcurrentHashMap<>();
    /** Told of a lane this node owned and another node has taken (this node was cut off meanwhile). */
    private final Consumer<String> lost;
    /** Reads a just-taken lane's queues from the shared tier; false: it could not, and the lane is given up. */
    private final Predicate<String> adopt;
    private BucketWatch watch;

    LaneOwners(KeyValue bucket, Membership membership, Consumer<String> lost, Predicate<String> adopt) {
        this.bucket = bucket;
        this.lost = lost;
        this.adopt = adopt;
        this.membership = membership;
        this.ownValue = (membership.node() + " " + membership.incarnation()).getBytes(StandardCharsets.UTF_8);
    }

    void start() throws Exception {
        watch = BucketWatch.of(bucket, this::apply, () -> { });
    }

    private void apply(KeyValueEntry e) {
        if (e.getOperation() != KeyValueOperation.PUT) {
            mirror.computeIfPresent(e.getKey(), (user, o) -> o.revision() < e.getRevision() ? null : o);
            return;
        }
        String[] value = new String(e.getValue(), StandardCharsets.UTF_8).split(" ");
        if (value.length != 2) {
            LOG.warn("Ignoring a malformed lane entry for {}", e.getKey());
            return;
        }
        Owner now = new Owner(value[0], value[1], e.getRevision());
        if (own(now) && (taking.containsKey(e.getKey()) || e.getRevision() <= givenUp.getOrDefault(e.getKey(), 0L))) {
            return; // this node's own claim, believed once its queues are read (taken() remembers it)
        }
        Owner before = mirror.get(e.getKey());
        remember(e.getKey(), now);
        if (before != null && own(before) && !own(now) && now.revision() > before.revision()) {
            LOG.warn("The lane of {} was taken over by node {} while this node was cut off", e.getKey(), now.node());
            lost.accept(e.getKey());
        }
    }

    private void remember(String user, Owner o) {
        mirror.merge(user, o, (old, now) -> now.revision() > old.revision() ? now : old);
    }

    private boolean own(Owner o) {
        return o.node().equals(membership.node()) && o.run().equals(membership.incarnation());
    }

    /** The node that owns a user's lane, or null when no live node does (or this one cannot tell: it is cut off). */
    String owner(String user) {
        Owner o = mirror.get(user);
        if (o == null) {
            return null;
        }
        if (own(o)) {
            return membership.healthy() ? o.node() : null;
        }
        return membership.isLive(o.node(), o.run()) ? o.node() : null;
    }

    /** Whether this node owns the lane and may work on it now. */
    boolean ownedHere(String user) {
        Owner o = mirror.get(user);
        return o != null && own(o) && membership.healthy();
    }

    /**
     * Takes a user's lane for this node unless a live node owns it (a key-value round trip; not for
     * the I/O threads). A taken-over lane's earlier owner is dead: what it acknowledged is in the
     * shared journal, for this node to load.
     *
     * @return the owner afterwards: this node, another live node, or null when it could not be
     *         settled (NATS away, or this node cut off): the caller answers "try again"
     */
    synchronized String claim(String user) { // one at a time: a lane is believed taken only once its queues are read
        if (!membership.healthy()) {
            return null;
        }
        taking.put(user, Boolean.TRUE);
        try {
            return claimNow(user);
        } finally {
            taking.remove(user);
        }
    }

    private String claimNow(String user) {
        for (int attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
            try {
                KeyValueEntry e = bucket.get(user);
                if (e == null || e.getOperation() != KeyValueOperation.PUT) {
                    return taken(user, bucket.create(user, ownValue));
                }
                String[] value = new String(e.getValue(), StandardCharsets.UTF_8).split(" ");
                Owner current = value.length == 2 ? new Owner(value[0], value[1], e.getRevision()) : null;
                if (current != null && own(current)) {
                    remember(user, current);
                    return membership.node();
                }
                if (current != null) {
                    remember(user, current);
                }
                if (current != null && membership.isLive(current.node(), current.run())) {
                    return current.node();
                }
                LOG.info("Taking over the lane of {} from dead node {}", user, current == null ? "?" : current.node());
                return taken(user, bucket.update(user, ownValue, e.getRevision()));
            } catch (JetStreamApiException e) {
                LOG.debug("lane of {} changed while taking it; reading it again", user);
            } catch (IOException e) {
                LOG.warn("Could not take the lane of {} ({})", user, e.toString());
                return null;
            }
        }
        return owner(user);
    }

    /**
     * A lane just taken: what waits for it is read from the shared tier before anyone is told it is
     * this node's; if that fails, the lane is given up again (at the revision taken) and nobody
     * works on it here.
     */
    private String taken(String user, long revision) throws IOException, JetStreamApiException {
        Owner mine = new Owner(membership.node(), membership.incarnation(), revision);
        if (!adopt.test(user)) {
            givenUp.put(user, revision);
            bucket.delete(user, revision);
            return null;
        }
        remember(user, mine);
        return membership.node();
    }

    /** Gives up every lane this node owns (a graceful stop): each only if still this node's. */
    void releaseAll() {
        int released = 0;
        for (Map.Entry<String, Owner> e : mirror.entrySet()) {
            if (own(e.getValue())) {
                try {
                    bucket.delete(e.getKey(), e.getValue().revision());
                    released++;
                } catch (Exception ex) {
                    LOG.debug("lane of {} not released: {}", e.getKey(), ex.toString());
                }
            }
        }
        if (released > 0) {
            LOG.info("Released {} lanes", released);
        }
    }

    @Override
    public void close() {
        if (watch != null) {
            watch.close();
        }
    }
}
