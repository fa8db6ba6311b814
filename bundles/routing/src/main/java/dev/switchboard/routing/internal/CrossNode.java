package dev.switchboard.routing.internal;

import dev.switchboard.api.cluster.LaneOwner;
import dev.switchboard.api.cluster.LaneOwnership;
import dev.switchboard.api.groups.GroupDirectory;
import dev.switchboard.api.offline.OfflineStore;
import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routing's part of a cluster. Where a direct message's lane runs: here (routed as on one
 * node), on another node (the stanza is handed to it; its answer comes back with the hand-over),
 * or on no live node yet (the lane is taken for this node first, off the I/O thread,
 * and what follows for the same recipient waits behind it, so nothing overtakes anything). A
 * group message is fanned out where it was sent (docs/CLUSTER.md says what remains). And the
 * work other nodes hand to lanes this node owns: their devices' messages, receipts for its devices.
 */
final class CrossNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CrossNode.class);

    private final SessionDirectory directory;
    /** Routes a message here: MessageIntake.message, answering the sender's session. */
    private final BiPredicate<Address, Node> here;
    private final MessageIntake intake;
    private final Lanes lanes;
    private final ServiceGate<OfflineStore> offline;
    private final Receipts receipts;
    private final ExecutorService claims = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sb-route-claims");
        t.setDaemon(true);
        return t;
    });
    /** Recipients whose lane is being taken, with the messages waiting for it, in arrival order. */
    private final Map<String, ArrayDeque<Runnable>> waiting = new HashMap<>();

    CrossNode(SessionDirectory directory, MessageIntake intake, Lanes lanes, ServiceGate<OfflineStore> offline, Receipts receipts) {
        this.directory = directory;
        this.intake = intake;
        this.here = intake::message;
        this.lanes = lanes;
        this.offline = offline;
        this.receipts = receipts;
    }

    /** The user a direct message's lane belongs to, or null for what is routed where it arrives. */
    static String laneUser(Node stanza) {
        String to = stanza.attr("to");
        if (to == null || GroupDirectory.isGroupId(to)) {
            return null;
        }
        int slash = to.indexOf('/');
        String user = slash < 0 ? to : to.substring(0, slash);
        return Address.isUserId(user) ? user : null;
    }

    /**
     * Routes a message a device of this node sent.
     *
     * @return what {@link dev.switchboard.api.routing.Router#route} answers
     */
    boolean message(LaneOwnership cluster, Address from, Node stanza) {
        String user = laneUser(stanza);
        if (user == null) {
            return here.test(from, stanza);
        }
        synchronized (waiting) {
            ArrayDeque<Runnable> queue = waiting.get(user);
            if (queue != null) {
                queue.add(() -> later(cluster, user, from, stanza));
                return true;
            }
            LaneOwner owner = cluster.owner(user);
            if (owner != null && owner.here()) {
                return here.test(from, stanza); // as on one node: false, and the transport offers it again
            }
            if (owner != null) {
                forward(cluster, owner, from, stanza);
                return true;
            }
            queue = new ArrayDeque<>();
            queue.add(() -> later(cluster, user, from, stanza));
            waiting.put(user, queue);
        }
        claims.execute(() -> claimThenRun(cluster, user));
        return true;
    }

    private void claimThenRun(LaneOwnership cluster, String user) {
        cluster.claim(user); // the owner, whoever it is now, is in the cluster's memory afterwards
        while (true) {
            Runnable next;
            synchronized (waiting) {
                ArrayDeque<Runnable> queue = waiting.get(user);
                next = queue.poll();
                if (next == null) {
                    waiting.remove(user);
                    return;
                }
            }
            next.run();
        }
    }

    /** A message that waited for its recipient's lane to be taken. */
    private void later(LaneOwnership cluster, String user, Address from, Node stanza) {
        LaneOwner owner = cluster.owner(user);
        if (owner == null) {
            unavailable(from, stanza, "the cluster cannot place the recipient now; retry");
        } else if (owner.here()) {
            if (!here.test(from, stanza)) {
                unavailable(from, stanza, "service unavailable, retry");
            }
        } else {
            forward(cluster, owner, from, stanza);
        }
    }

    /** The owner answers the sender through this node, which holds the connection it came from (a one-shot's too). */
    private void forward(LaneOwnership cluster, LaneOwner owner, Address from, Node stanza) {
        cluster.forward(owner, from, stanza).whenComplete((answer, failure) -> {
            if (failure == null && answer != null) {
                directory.deliver(from, answer);
            } else {
                LOG.debug("{} not taken by node {}: {}", stanza.attr("id"), owner.node(), failure == null ? "refused" : failure.toString());
                unavailable(from, stanza, "the recipient's node did not take it; retry");
            }
        });
    }

    private void unavailable(Address from, Node stanza, String text) {
        directory.deliver(from, MessageIntake.ack(stanza.attr("id"), "unavailable", text));
    }

    /** A message another node's device sent: taken only for a lane this node owns, answered to that node. */
    boolean forwarded(LaneOwnership cluster, Address from, Node stanza, Consumer<Node> answer) {
        String user = laneUser(stanza);
        if (cluster == null || user == null || !"message".equals(stanza.tag())) {
            return false;
        }
        LaneOwner owner = cluster.owner(user);
        return owner != null && owner.here() && intake.message(from, stanza, answer);
    }

    /** A receipt another node queues for a device whose lane is this node's, on that device's lane. */
    CompletionStage<Void> queueReceipt(boolean closed, Address to, Address from, String id, String kind, String group) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        boolean taken = !closed && lanes.submit(to.user(), () -> {
            CompletionStage<?> queued = offline.with(store -> receipts.queueHere(store, to, from, id, kind, group), null);
            if (queued == null) {
                done.completeExceptionally(new IllegalStateException("no offline store"));
            } else {
                queued.whenComplete((v, e) -> {
                    if (e == null) {
                        done.complete(null);
                    } else {
                        done.completeExceptionally(e);
                    }
                });
            }
        });
        if (!taken) {
            done.completeExceptionally(new IllegalStateException("this router is stopping"));
        }
        return done;
    }

    @Override
    public void close() {
        claims.shutdown();
    }
}
