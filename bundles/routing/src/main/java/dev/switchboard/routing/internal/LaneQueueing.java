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
     * Queues each account's copies on its lane, wherever that is. @return completes once all are
     * safe, with those queued here; fails if any part failed (the sender resends: the parts that
     * were queued recognise the resend by its id)
     */
    CompletionStage<List<QueuedMessage>> onLanes(LaneOwnership cluster, OfflineStore store, List<QueuedMessage> copies) {
        Map<String, List<QueuedMessage>> byUser = new LinkedHashMap<>();
        for (QueuedMessage m : copies) {
            byUser.computeIfAbsent(m.to().user(), u -> new ArrayList<>(2)).add(m);
        }
        List<QueuedMessage> local = new ArrayList<>(copies.size());
        List<CompletableFuture<?>> elsewhere = new ArrayList<>();
        for (Map.Entry<String, List<QueuedMessage>> e : byUser.entrySet()) {
            LaneOwner owner = cluster.owner(e.getKey());
            if (owner != null && owner.here()) {
                local.addAll(e.getValue());
            } else if (owner != null) {
                elsewhere.add(cluster.queue(owner, e.getValue()).toCompletableFuture());
            } else {
                CompletableFuture<Object> placed = new CompletableFuture<>();
                placement.whenPlaced(cluster, e.getKey(), taken -> {
                    CompletionStage<?> queued = taken == null
                            ? CompletableFuture.failedFuture(new IllegalStateException("the cluster cannot place " + e.getKey() + " now"))
                            : taken.here() ? here(store, e.getValue()) : cluster.queue(taken, e.getValue());
                    queued.whenComplete((v, failure) -> {
                        if (failure == null) {
                            placed.complete(v);
                        } else {
                            placed.completeExceptionally(failure);
                        }
                    });
                });
                elsewhere.add(placed);
            }
        }
        CompletableFuture<List<QueuedMessage>> mine = local.isEmpty()
                ? CompletableFuture.completedFuture(List.of()) : here(store, local).toCompletableFuture();
        if (elsewhere.isEmpty()) {
            return mine;
        }
        elsewhere.add(mine);
        return CompletableFuture.allOf(elsewhere.toArray(CompletableFuture[]::new)).thenCompose(v -> mine);
    }
}
