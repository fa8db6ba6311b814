package dev.switchboard.routing.internal;

import dev.switchboard.api.cluster.LaneOwner;
import dev.switchboard.api.cluster.LaneOwnership;
import dev.switchboard.api.offline.OfflineStore;
import dev.switchboard.api.store.QueuedMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Queues copies on the lanes of the accounts they are for: in this node's offline store, handed out
 * at once; in a cluster, the copies for an account another node owns are queued there instead (a
 * group message's, a receipt, a notification, an encrypted message's copies for its sender's
 * other devices), so every account's queue is numbered and handed out by one node.
 */
final class LaneQueueing {

    private final Lanes lanes;
    private final DeliveryPump pump;
    private final LanePlacement placement;

    LaneQueueing(Lanes lanes, DeliveryPump pump, LanePlacement placement) {
        this.lanes = lanes;
        this.pump = pump;
        this.placement = placement;
    }

    /** Queues here and hands the copies out now (here, when the recipient's lane is idle). */
    CompletionStage<List<QueuedMessage>> here(OfflineStore store, List<QueuedMessage> copies) {
        var stage = store.enqueue(copies);
        // the sender's ack may wait for the devices' confirmations: hand out now, not after the commit
        for (QueuedMessage m : copies) {
            lanes.run(m.to().user(), () -> pump.pump(m.to()));
        }
        return stage;
    }

    /**
     * Queues each account's copies on its lane, wherever that is: first on the other nodes (each
     * node once, with all its accounts' copies), then, once they all have theirs, here. So a part
     * that fails leaves nothing queued here, the sender is told to resend, and the nodes that had
     * their part recognise the resend by its id ({@link CrossNode#queue}) instead of queueing it twice.
     *
     * @return completes once all are safe, with those queued here; fails if any part failed
     */
    CompletionStage<List<QueuedMessage>> onLanes(LaneOwnership cluster, OfflineStore store, List<QueuedMessage> copies) {
        Map<String, List<QueuedMessage>> byUser = new LinkedHashMap<>();
        for (QueuedMessage m : copies) {
            byUser.computeIfAbsent(m.to().user(), u -> new ArrayList<>(2)).add(m);
        }
        Map<String, CompletableFuture<LaneOwner>> owners = new LinkedHashMap<>();
        for (String user : byUser.keySet()) {
            LaneOwner known = cluster.owner(user);
            CompletableFuture<LaneOwner> owner = new CompletableFuture<>();
            if (known != null) {
                owner.complete(known);
            } else {
                placement.whenPlaced(cluster, user, taken -> {
                    if (taken == null) {
                        owner.completeExceptionally(new IllegalStateException("the cluster cannot place " + user + " now"));
                    } else {
                        owner.complete(taken);
                    }
                });
            }
            owners.put(user, owner);
        }
        return CompletableFuture.allOf(owners.values().toArray(CompletableFuture[]::new)).thenCompose(placed -> {
            List<QueuedMessage> local = new ArrayList<>(copies.size());
            Map<String, LaneOwner> nodes = new LinkedHashMap<>();
            Map<String, List<QueuedMessage>> remote = new LinkedHashMap<>();
            byUser.forEach((user, part) -> {
                LaneOwner owner = owners.get(user).join();
                if (owner.here()) {
                    local.addAll(part);
                } else {
                    nodes.putIfAbsent(owner.node(), owner);
                    remote.computeIfAbsent(owner.node(), n -> new ArrayList<>()).addAll(part);
                }
            });
            if (remote.isEmpty()) {
                return here(store, local);
            }
            List<CompletableFuture<?>> parts = new ArrayList<>(remote.size());
            remote.forEach((node, part) -> parts.add(cluster.queue(nodes.get(node), part).toCompletableFuture()));
            return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                    .thenCompose(v -> local.isEmpty() ? CompletableFuture.completedFuture(List.<QueuedMessage>of()) : here(store, local));
        });
    }
}
