package dev.switchboard.routing.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single-runner lanes chosen by a hash of the recipient, so stanzas for one recipient are handled
 * in the order they were accepted while different recipients proceed in parallel.
 *
 * <p>A lane is a queue and a claim: whoever holds the claim runs what has gathered (up to
 * {@value #MAX_TURN} tasks) as one turn inside the given batch, so that the frames the turn writes
 * to one connection leave in one write. {@link #submit} hands a task to the lane's own thread;
 * {@link #run} runs it on the caller's thread when the lane is idle. Why both: at a moderate rate
 * every hand-off is a thread wake-up (a futex and a context switch, several microseconds on this
 * kind of machine, more than the task itself), so the hot path's short, non-blocking tasks run
 * where they arrive; under load the lane is busy, they queue, and its runner takes them in turns.
 */
final class Lanes {

    private static final Logger LOG = LoggerFactory.getLogger(Lanes.class);
    /** Tasks per turn at most: a turn's writes wait for its end, so a turn stays short. */
    static final int MAX_TURN = 128;

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

    /** Whether the calling thread is running a lane's turn (its own thread or a caller). */
    boolean onLane() {
        Thread t = Thread.currentThread();
        for (Lane lane : lanes) {
            if (lane.runner == t) {
                return true;
            }
        }
        return false;
    }

    /** Queues the task for the lane's thread. @return false when the lanes are shutting down and it was not taken */
    boolean submit(String recipient, Runnable task) {
        if (!accepting) {
            return false;
        }
        lanes[laneOf(recipient)].queue(task);
        return true;
    }

    /**
     * Runs the task now, on this thread, when its lane is idle; behind what the lane holds otherwise.
     * Only for short tasks that never block and take no connection's lock (the caller may hold one).
     * From inside a turn it only queues: one thread runs one lane at a time.
     *
     * @return false when the lanes are shutting down and the task was not taken
     */
    boolean run(String recipient, Runnable task) {
        if (!accepting) {
            return false;
        }
        Lane lane = lanes[laneOf(recipient)];
        if (onLane()) {
            lane.queue(task);
        } else {
            lane.runHere(task);
        }
        return true;
    }

    /** Stops taking work and runs what was already taken. @return whether everything finished in time */
    boolean drain(long timeout, TimeUnit unit) throws InterruptedException {
        accepting = false;
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (Lane lane : lanes) {
            if (!lane.finish(deadline)) {
                return false;
            }
        }
        for (Lane lane : lanes) {
            lane.stop();
            lane.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (lane.thread.isAlive()) {
                return false;
            }
        }
        // a submit that passed the flag just as its lane was found empty: run it here, not never
        for (Lane lane : lanes) {
            if (!lane.finish(deadline)) {
                return false;
            }
        }
        return true;
    }

    private static final class Lane implements Runnable {
        private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        /** The claim: whoever sets it runs the lane until it clears it. */
        private final AtomicBoolean claimed = new AtomicBoolean();
        final Thread thread;
        /** The thread running a turn now; null between turns. */
        volatile Thread runner;
        private final Consumer<Runnable> batch;
        private volatile boolean stopped;
        /** Set by {@link #finish}: a releasing runner then wakes it (one volatile read per turn otherwise). */
        private volatile boolean draining;

        Lane(String name, Consumer<Runnable> batch) {
            this.batch = batch;
            this.thread = new Thread(this, name);
            thread.setDaemon(true);
        }

        void queue(Runnable task) {
            tasks.add(task);
            if (!claimed.get()) {
                LockSupport.unpark(thread); // idle: its thread takes it (a runner releasing sees it too)
            }
        }

        void runHere(Runnable task) {
            if (!tasks.isEmpty() || !claimed.compareAndSet(false, true)) {
                queue(task); // busy, or work already waits: behind it, in order
                return;
            }
            tasks.add(task);
            turn();
            // more arrived meanwhile: the lane's thread takes it, and this caller goes back to its own work
            if (!tasks.isEmpty()) {
                LockSupport.unpark(thread);
            }
        }

        @Override
        public void run() {
            while (!stopped) {
                if (!tasks.isEmpty() && claimed.compareAndSet(false, true)) {
                    turn();
                } else {
                    LockSupport.park(this);
                }
            }
        }

        /** One turn, holding the claim; releases it at the end. */
        private void turn() {
            runner = Thread.currentThread();
            try {
                batch.accept(() -> {
                    Runnable task;
                    for (int n = 0; n < MAX_TURN && (task = tasks.poll()) != null; n++) {
                        try {
                            task.run();
                        } catch (RuntimeException | Error e) {
                            LOG.error("A routing task failed on {}", thread.getName(), e);
                        }
                    }
                });
            } finally {
                runner = null;
                claimed.set(false);
                if (draining) {
                    synchronized (this) {
                        notifyAll();
                    }
                }
            }
        }

        private boolean idleAndEmpty() {
            return !claimed.get() && tasks.isEmpty();
        }

        /**
         * Runs what the lane holds on the calling thread, or waits for the runner holding it to let
         * go, until the lane is idle and empty. @return false when the deadline passed first
         */
        boolean finish(long deadline) throws InterruptedException {
            draining = true;
            synchronized (this) {
                while (!idleAndEmpty()) {
                    if (!tasks.isEmpty() && claimed.compareAndSet(false, true)) {
                        turn();
                        continue;
                    }
                    long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (leftMs <= 0) {
                        return false;
                    }
                    wait(leftMs); // a runner's release notifies
                }
            }
            return true;
        }

        void stop() {
            stopped = true;
            LockSupport.unpark(thread);
        }
    }
}
