package dev.switchboard.routing.internal;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single-threaded lanes chosen by a hash of the recipient, so stanzas for one recipient are handled
 * in the order they were accepted while different recipients proceed in parallel.
 *
 * <p>A lane runs what has gathered in its queue as one turn (up to {@value #MAX_TURN} tasks) inside
 * the given batch, so that the frames the turn writes to one connection leave in one write.
 */
final class Lanes {

    private static final Logger LOG = LoggerFactory.getLogger(Lanes.class);
    /** Tasks per turn at most: a turn's writes wait for its end, so a turn stays short. */
    static final int MAX_TURN = 128;
    private static final Runnable STOP = () -> { };

    private final Lane[] lanes;
    private volatile boolean accepting = true;

    /** @param batch runs one turn; {@code SessionDirectory::batch} gathers its writes */
    Lanes(int count, Consumer<Runnable> batch) {
        lanes = new Lane[count];
        for (int i = 0; i < count; i++) {
            lanes[i] = new Lane("sb-route-" + i, batch);
            lanes[i].thread.start();
        }
    }

    int size() {
        return lanes.length;
    }

    /** The lane of a recipient: a stable hash, so the same user always maps to the same lane. */
    int laneOf(String recipient) {
        return Math.floorMod(recipient.hashCode() * 0x9E3779B9, lanes.length);
    }

    /** Whether the calling thread is one of these lanes. */
    boolean onLane() {
        Thread t = Thread.currentThread();
        for (Lane lane : lanes) {
            if (lane.thread == t) {
                return true;
            }
        }
        return false;
    }

    /** @return false when the lanes are shutting down and the task was not taken */
    boolean submit(String recipient, Runnable task) {
        if (!accepting) {
            return false;
        }
        lanes[laneOf(recipient)].queue.add(task);
        return true;
    }

    /** Stops taking work and runs what was already taken. @return whether everything finished in time */
    boolean drain(long timeout, TimeUnit unit) throws InterruptedException {
        accepting = false;
        for (Lane lane : lanes) {
            lane.queue.add(STOP);
        }
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (Lane lane : lanes) {
            lane.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (lane.thread.isAlive()) {
                return false;
            }
        }
        return true;
    }

    private static final class Lane implements Runnable {
        final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
        final Thread thread;
        private final Consumer<Runnable> batch;
        private boolean stopped;

        Lane(String name, Consumer<Runnable> batch) {
            this.batch = batch;
            this.thread = new Thread(this, name);
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            while (!stopped) {
                Runnable first;
                try {
                    first = queue.take();
                } catch (InterruptedException e) {
                    return;
                }
                batch.accept(() -> turn(first));
            }
        }

        private void turn(Runnable first) {
            Runnable task = first;
            for (int n = 0; task != null; n++) {
                if (task == STOP) {
                    // a submit that saw the lanes still accepting may have added after the stop: run it too
                    stopped = true;
                    task = queue.poll();
                    continue;
                }
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    LOG.error("A routing task failed on {}", thread.getName(), e);
                }
                task = stopped || n + 1 < MAX_TURN ? queue.poll() : null;
            }
        }
    }
}
