package dev.switchboard.routing.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Single-threaded lanes chosen by a hash of the recipient, so stanzas for one recipient are handled
 * in the order they were accepted while different recipients proceed in parallel.
 */
final class Lanes {

    private final ExecutorService[] lanes;

    Lanes(int count) {
        lanes = new ExecutorService[count];
        for (int i = 0; i < count; i++) {
            String name = "sb-route-" + i;
            lanes[i] = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
        }
    }

    int size() {
        return lanes.length;
    }

    /** The lane of a recipient: a stable hash, so the same user always maps to the same lane. */
    int laneOf(String recipient) {
        return Math.floorMod(recipient.hashCode() * 0x9E3779B9, lanes.length);
    }

    /** @return false when the lanes are shutting down and the task was not taken */
    boolean submit(String recipient, Runnable task) {
        try {
            lanes[laneOf(recipient)].execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Stops taking work and runs what was already taken. @return whether everything finished in time */
    boolean drain(long timeout, TimeUnit unit) throws InterruptedException {
        for (ExecutorService lane : lanes) {
            lane.shutdown();
        }
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (ExecutorService lane : lanes) {
            if (!lane.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }
}
