package dev.switchboard.routing.internal;

import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.cluster.LaneOwner;
import dev.switchboard.api.cluster.LaneOwnership;
import dev.switchboard.api.groups.GroupDirectory;
import dev.switchboard.api.offline.OfflineStore;
import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.QueuedMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routing's part of a cluster. Where a direct message's lane runs: here (routed as on one
 * node), on another node (the stanza is handed to it; its answer comes back with the hand-over),
 * or on no live node yet (the lane is taken for this node first, off the I/O thread, and what
 * follows for the same recipient waits behind it, so nothing overtakes anything). A group message
 * is fanned out where it was sent, its copies queued on each member's lane ({@link LaneQueueing}).
 * And the work other nodes hand to lanes this node owns: their devices' messages, copies for its
 * accounts, the takeover of a lane's queues.
 */
final class CrossNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CrossNode.class);

    private final SessionDirectory directory;
    private final MessageIntake intake;
    private final Lanes lanes;
    private final ServiceGate<OfflineStore> offline;
    private final LanePlacement placement;
    private final LaneQueueing queueing;

    CrossNode(SessionDirectory directory, MessageIntake intake, Lanes lanes, ServiceGate<OfflineStore> offline,
              LanePlacement placement, LaneQueueing queueing) {
        this.directory = directory;
        this.intake = intake;
        this.lanes = lanes;
        this.offline = offline;
        this.placement = placement;
        this.queueing = queueing;
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
            return intake.message(from, stanza); // a group message: its copies go to each member's lane
        }
        LaneOwner known = cluster.owner(user);
        if (known != null && known.here()) {
            return intake.message(from, stanza); // as on one node: false, and the transport offers it again
        }
        placement.whenPlaced(cluster, user, owner -> {
            if (owner == null) {
                unavailable(from, stanza, "the cluster cannot place the recipient now; retry");
            } else if (owner.here()) {
                if (!intake.message(from, stanza)) {
                    unavailable(from, stanza, "service unavailable, retry");
                }
            } else {
                forward(cluster, owner, from, stanza);
            }
        });
        return true;
    }

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

    /**
     * Copies another node made for accounts whose lanes this node owns, queued on each account's
     * lane here. @return completes once all are safe; fails if any account's lane is not this node's
     */
    CompletionStage<Void> queue(LaneOwnership cluster, boolean closed, List<QueuedMessage> copies) {
        // a resend of a message whose part this node queued before (another node's part had failed):
        // taken, not queued twice; asked once for the whole batch, before any part of it is queued
        List<QueuedMessage> fresh = offline.with(store -> copies.stream()
                .filter(m -> !(m.isMessage() && store.isDuplicate(m.from(), m.id()))).toList(), copies);
        Map<String, List<QueuedMessage>> byUser = new LinkedHashMap<>();
        for (QueuedMessage m : fresh) {
            byUser.computeIfAbsent(m.to().user(), u -> new ArrayList<>(2)).add(m);
        }
        List<CompletableFuture<?>> parts = new ArrayList<>(byUser.size());
        for (Map.Entry<String, List<QueuedMessage>> e : byUser.entrySet()) {
            CompletableFuture<Object> done = new CompletableFuture<>();
            LaneOwner owner = cluster == null ? null : cluster.owner(e.getKey());
            boolean taken = !closed && owner != null && owner.here() && lanes.submit(e.getKey(), () -> {
                CompletionStage<?> queued = offline.with(store -> queueing.here(store, e.getValue()), null);
                if (queued == null) {
                    done.completeExceptionally(new IllegalStateException("no offline store"));
                } else {
                    queued.whenComplete((v, failure) -> {
                        if (failure == null) {
                            done.complete(v);
                        } else {
                            done.completeExceptionally(failure);
                        }
                    });
                }
            });
            if (!taken) {
                done.completeExceptionally(new IllegalStateException("the lane of " + e.getKey() + " is not this node's now"));
            }
            parts.add(done);
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
    }

    /** The queues of a user whose lane this node has just taken, read from the shared journal. @return whether they were */
    boolean adopt(ServiceGate<AccountService> accounts, String user) {
        return offline.with(store -> accounts.with(accountService -> {
            try {
                store.adopt(accountService.devices(user).stream().map(d -> d.address()).toList());
                return true;
            } catch (Exception e) {
                LOG.warn("Could not take over the queues of {}: {}", user, e.toString());
                return false;
            }
        }, false), false);
    }

    @Override
    public void close() {
        placement.close();
    }
}
