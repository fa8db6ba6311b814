package dev.switchboard.routing.internal;

import dev.switchboard.api.cluster.LaneOwner;
import dev.switchboard.api.cluster.LaneOwnership;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Where an account's lane is, in a cluster, for work that must run on it: known (the work runs at
 * once with its owner), or owned by no live node (the lane is taken for this node first, off the
 * calling thread, which may be an I/O thread; work for the same account that comes meanwhile
 * waits behind it, in order, so nothing for one account overtakes anything else).
 */
final class LanePlacement implements AutoCloseable {

    private final ExecutorService claims = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sb-route-claims");
        t.setDaemon(true);
        return t;
    });
    /** Accounts whose lane is being taken, with what waits for it, in arrival order. */
    private final Map<String, ArrayDeque<Consumer<LaneOwner>>> waiting = new HashMap<>();

    /** Runs {@code then} with the account's lane owner (null: it cannot be settled now), now or once taken. */
    void whenPlaced(LaneOwnership cluster, String user, Consumer<LaneOwner> then) {
        synchronized (waiting) {
            ArrayDeque<Consumer<LaneOwner>> queue = waiting.get(user);
            if (queue != null) {
                queue.add(then);
                return;
            }
            LaneOwner owner = cluster.owner(user);
            if (owner != null) {
                then.accept(owner);
                return;
            }
            queue = new ArrayDeque<>();
            queue.add(then);
            waiting.put(user, queue);
        }
        claims.execute(() -> claimThenRun(cluster, user));
    }

    private void claimThenRun(LaneOwnership cluster, String user) {
        LaneOwner owner = cluster.claim(user);
        while (true) {
            Consumer<LaneOwner> next;
            synchronized (waiting) {
                next = waiting.get(user).poll();
                if (next == null) {
                    waiting.remove(user);
                    return;
                }
            }
            next.accept(owner == null ? cluster.owner(user) : owner);
        }
    }

    @Override
    public void close() {
        claims.shutdown();
    }
}
