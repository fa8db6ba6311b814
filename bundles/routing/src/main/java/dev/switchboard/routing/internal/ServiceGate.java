package dev.switchboard.routing.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A dynamic service reference that is never used after it was unbound: each bound service counts
 * the callers using it, and unbinding (which DS does before deactivating the service) closes it to
 * new callers and waits for those inside. Without this, a message handed to an offline store that is
 * already stopping could be lost. A count rather than a read-write lock: this is on every message's
 * path, several times, and a read lock's per-thread hold counts (thread locals) cost more than the
 * work they guard for a short call.
 */
final class ServiceGate<T> {

    /** One bound service and who is using it. */
    private static final class Binding<T> {
        final T service;
        final AtomicInteger users = new AtomicInteger();
        volatile boolean closed;

        Binding(T service) {
            this.service = service;
        }
    }

    private volatile Binding<T> binding;
    /** Services replaced by a newer one before they were unbound (DS binds the new one first): guarded by {@link #changes}. */
    private final java.util.List<Binding<T>> replaced = new java.util.ArrayList<>(1);
    private final Object changes = new Object();

    void bind(T s) {
        synchronized (changes) {
            if (binding != null) {
                replaced.add(binding); // callers may still be inside it: its unbind waits for them
            }
            binding = new Binding<>(s);
            changes.notifyAll();
        }
    }

    /** Waits until a service is bound, at most until {@code deadlineNanos}. @return whether one is */
    boolean awaitBound(long deadlineNanos) throws InterruptedException {
        synchronized (changes) {
            long left;
            while (binding == null && (left = deadlineNanos - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(changes, left);
            }
            return binding != null;
        }
    }

    /** Waits for every caller using {@code s} to finish, then forgets it. Must not be called from inside {@link #with}. */
    void unbind(T s) {
        Binding<T> b = null;
        synchronized (changes) {
            if (binding != null && binding.service == s) {
                b = binding;
                binding = null;
            } else {
                for (java.util.Iterator<Binding<T>> it = replaced.iterator(); it.hasNext() && b == null; ) {
                    Binding<T> r = it.next();
                    if (r.service == s) {
                        b = r;
                        it.remove();
                    }
                }
            }
            if (b == null) {
                return;
            }
            b.closed = true; // callers that count themselves in from now on back out at once
        }
        boolean interrupted = false;
        synchronized (b) {
            while (b.users.get() > 0) {
                try {
                    b.wait(10);
                } catch (InterruptedException e) {
                    interrupted = true; // the service must not go while a caller still uses it
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs work with the service, or returns {@code ifMissing} when there is none. */
    <R> R with(Function<T, R> work, R ifMissing) {
        Binding<T> b = binding;
        if (b == null) {
            return ifMissing;
        }
        b.users.incrementAndGet();
        try {
            return b.closed ? ifMissing : work.apply(b.service);
        } finally {
            if (b.users.decrementAndGet() == 0 && b.closed) {
                synchronized (b) {
                    b.notifyAll();
                }
            }
        }
    }

    /** The service for a read-only look (no state change depends on it), or null. */
    T peek() {
        Binding<T> b = binding;
        return b == null ? null : b.service;
    }
}
