package dev.switchboard.routing.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A service is never used once its unbind returned, and its unbind waits for those still using it. */
class ServiceGateTest {

    /** A service that knows whether it was deactivated (as DS does once unbind returns). */
    static final class Service {
        final String name;
        volatile boolean deactivated;

        Service(String name) {
            this.name = name;
        }

        String use() {
            if (deactivated) {
                throw new AssertionError(name + " used after its unbind returned");
            }
            return name;
        }
    }

    private final ServiceGate<Service> gate = new ServiceGate<>();

    @Test
    void missingUntilBoundAndAfterUnbound() {
        assertEquals("none", gate.with(Service::use, "none"));
        Service a = new Service("a");
        gate.bind(a);
        assertEquals("a", gate.with(Service::use, "none"));
        assertEquals("a", gate.with(s -> gate.with(Service::use, "none"), "none"), "a caller may nest");
        gate.unbind(a);
        assertEquals("none", gate.with(Service::use, "none"));
        assertNull(gate.peek());
    }

    @Test
    void unbindWaitsForTheCallerInside() throws Exception {
        Service a = new Service("a");
        gate.bind(a);
        CountDownLatch release = new CountDownLatch(1);
        Thread caller = callerInside(release);
        AtomicBoolean unbound = new AtomicBoolean();
        Thread unbinder = unbinding(a, unbound);
        unbinder.join(200); // a negative check: for 200 ms, unbind must not return
        assertFalse(unbound.get(), "unbind waits while a caller uses the service");
        assertEquals("none", gate.with(Service::use, "none"), "a new caller meanwhile does not get it");
        release.countDown();
        unbinder.join(5000);
        caller.join(5000);
        assertTrue(unbound.get());
    }

    @Test
    void aServiceReplacedBeforeItsUnbindIsWaitedForToo() throws Exception {
        Service a = new Service("a");
        Service b = new Service("b");
        gate.bind(a);
        CountDownLatch release = new CountDownLatch(1);
        Thread caller = callerInside(release);
        gate.bind(b); // DS binds the replacement first, then unbinds the old one
        assertEquals("b", gate.with(Service::use, "none"));
        AtomicBoolean unbound = new AtomicBoolean();
        Thread unbinder = unbinding(a, unbound);
        unbinder.join(200); // a negative check: for 200 ms, unbind must not return
        assertFalse(unbound.get(), "the old service's unbind waits for its caller");
        release.countDown();
        unbinder.join(5000);
        caller.join(5000);
        assertTrue(unbound.get());
        assertEquals("b", gate.with(Service::use, "none"));
    }

    /** Many callers and repeated rebinds: no call ever reaches a deactivated service (bounded: 200 rounds). */
    @Test
    void underConcurrentCallsNoServiceIsUsedAfterItsUnbind() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        Thread[] callers = new Thread[4];
        for (int i = 0; i < callers.length; i++) {
            callers[i] = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        gate.with(Service::use, "none");
                        calls.incrementAndGet();
                    } catch (AssertionError e) {
                        failures.incrementAndGet();
                    }
                }
            });
            callers[i].start();
        }
        Service current = new Service("s0");
        gate.bind(current);
        for (int round = 1; round <= 200; round++) {
            Service next = new Service("s" + round);
            if (round % 2 == 0) {
                gate.bind(next);
                gate.unbind(current);
            } else {
                gate.unbind(current);
                gate.bind(next);
            }
            current.deactivated = true;
            current = next;
        }
        stop.set(true);
        for (Thread t : callers) {
            t.join(5000);
        }
        assertEquals(0, failures.get());
        assertTrue(calls.get() > 0);
    }

    /** A caller inside the gate, using its service until {@code release}; returns once it is inside. */
    private Thread callerInside(CountDownLatch release) throws InterruptedException {
        CountDownLatch inside = new CountDownLatch(1);
        Thread caller = new Thread(() -> gate.with(s -> {
            inside.countDown();
            awaitQuietly(release);
            return s.use();
        }, null));
        caller.start();
        assertTrue(inside.await(5, TimeUnit.SECONDS));
        return caller;
    }

    /** Unbinds {@code s} on a thread of its own and deactivates it once unbind returned, as DS does. */
    private Thread unbinding(Service s, AtomicBoolean unbound) {
        Thread unbinder = new Thread(() -> {
            gate.unbind(s);
            unbound.set(true);
            s.deactivated = true;
        });
        unbinder.start();
        return unbinder;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
