package dev.switchboard.routing.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * A dynamic service reference that is never used after it was unbound: callers use it under a
 * read lock, and unbinding (which DS does before deactivating the service) waits for them. Without
 * this, a message handed to an offline store that is already stopping could be lost.
 */
final class ServiceGate<T> {

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile T service;
    private final Object bound = new Object();

    void bind(T s) {
        lock.writeLock().lock();
        try {
            service = s;
        } finally {
            lock.writeLock().unlock();
        }
        synchronized (bound) {
            bound.notifyAll();
        }
    }

    /** Waits until a service is bound, at most until {@code deadlineNanos}. @return whether one is */
    boolean awaitBound(long deadlineNanos) throws InterruptedException {
        synchronized (bound) {
            long left;
            while (service == null && (left = deadlineNanos - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(bound, left);
            }
            return service != null;
        }
    }

    /** Waits for every caller using {@code s} to finish, then forgets it. */
    void unbind(T s) {
        lock.writeLock().lock();
        try {
            if (service == s) {
                service = null;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Runs work with the service, or returns {@code ifMissing} when there is none. */
    <R> R with(Function<T, R> work, R ifMissing) {
        lock.readLock().lock();
        try {
            T s = service;
            return s == null ? ifMissing : work.apply(s);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The service for a read-only look (no state change depends on it), or null. */
    T peek() {
        return service;
    }
}
