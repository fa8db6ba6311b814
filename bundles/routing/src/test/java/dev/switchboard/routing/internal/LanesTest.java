package dev.switchboard.routing.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Lanes keep one recipient's tasks in the order they were taken, one at a time, whether a task
 * runs on the caller's thread (the lane was idle) or on the lane's own (it was busy).
 */
class LanesTest {

    @Test
    void anIdleLaneRunsATaskOnTheCallersThreadAndABusyOneQueuesItBehind() throws Exception {
        Lanes lanes = new Lanes(1, Runnable::run);
        try {
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            assertTrue(lanes.run("alice", () -> ranOn.set(Thread.currentThread())));
            assertSame(Thread.currentThread(), ranOn.get(), "idle: run here, no hand-off");

            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            List<String> order = Collections.synchronizedList(new ArrayList<>());
            lanes.submit("alice", () -> {
                inside.countDown();
                await(release);
                order.add("first");
            });
            assertTrue(inside.await(5, TimeUnit.SECONDS));
            AtomicReference<Thread> second = new AtomicReference<>();
            lanes.run("alice", () -> {
                second.set(Thread.currentThread());
                order.add("second");
            });
            assertTrue(order.isEmpty(), "busy: the caller does not run it, nor wait");
            release.countDown();
            assertTrue(lanes.drain(5, TimeUnit.SECONDS));
            assertEquals(List.of("first", "second"), order);
            assertNotSame(Thread.currentThread(), second.get(), "it ran on the lane's thread, behind the first");
        } finally {
            lanes.drain(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void tasksFromManyThreadsRunOneAtATimeInEachThreadsOrder() throws Exception {
        Lanes lanes = new Lanes(2, Runnable::run);
        int threads = 4;
        int perThread = 20_000;
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        int[][] seen = new int[threads][1];
        AtomicInteger outOfOrder = new AtomicInteger();
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int caller = t;
            callers.add(new Thread(() -> {
                for (int i = 1; i <= perThread; i++) {
                    int n = i;
                    Runnable task = () -> {
                        if (running.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        if (seen[caller][0] != n - 1) {
                            outOfOrder.incrementAndGet();
                        }
                        seen[caller][0] = n;
                        running.decrementAndGet();
                    };
                    // one recipient, so one lane: half the tasks handed off, half run where they arrive
                    if (n % 2 == 0) {
                        lanes.submit("bob", task);
                    } else {
                        lanes.run("bob", task);
                    }
                }
            }));
        }
        callers.forEach(Thread::start);
        for (Thread c : callers) {
            c.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertTrue(lanes.drain(30, TimeUnit.SECONDS), "every task taken was run");
        assertEquals(0, overlaps.get(), "never two tasks of one lane at once");
        assertEquals(0, outOfOrder.get(), "each caller's tasks in its order");
        for (int[] last : seen) {
            assertEquals(perThread, last[0]);
        }
        assertFalse(lanes.run("bob", () -> { }), "a drained lane takes nothing more");
    }

    @Test
    void aTaskRunFromInsideATurnIsQueuedNotNested() throws Exception {
        Lanes lanes = new Lanes(2, Runnable::run);
        try {
            List<String> order = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch done = new CountDownLatch(1);
            lanes.run("carol", () -> {
                assertTrue(lanes.onLane());
                lanes.run("carol", () -> {
                    order.add("inner");
                    done.countDown();
                });
                order.add("outer");
            });
            assertTrue(done.await(5, TimeUnit.SECONDS));
            assertEquals(List.of("outer", "inner"), order);
            assertFalse(lanes.onLane(), "the caller's thread is no lane once its turn is over");
        } finally {
            lanes.drain(5, TimeUnit.SECONDS);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
