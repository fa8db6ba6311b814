package dev.switchboard.transport.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The per-connection frame budget: past {@code maxFramesPerSecond} a connection is not closed but
 * stops being read until its second is over, so TCP slows the client down (docs/PROTOCOL.md §9).
 */
final class FrameRateLimit {

    private final Set<Connection> throttled = ConcurrentHashMap.newKeySet();
    private volatile int maxFramesPerSecond;

    void apply(int framesPerSecond) {
        this.maxFramesPerSecond = framesPerSecond;
    }

    /**
     * Counts a frame against the connection's per-second budget; the caller holds its lock.
     * @return true when the budget is spent: reading pauses until the next second
     */
    boolean over(Connection c) {
        int max = maxFramesPerSecond;
        if (max <= 0) {
            return false;
        }
        long now = System.currentTimeMillis();
        if (now - c.rateWindowStartMs >= 1000) {
            c.rateWindowStartMs = now;
            c.framesInWindow = 0;
        }
        if (c.framesInWindow < max) {
            c.framesInWindow++;
            return false;
        }
        if (c.throttledUntilMs == 0) {
            c.throttledUntilMs = c.rateWindowStartMs + 1000;
            throttled.add(c);
            c.session.suspendRead();
        }
        return true;
    }

    /** Hands each connection whose second is over back, under its lock, to read again. */
    void release(Consumer<Connection> readAgain) {
        long now = System.currentTimeMillis();
        for (Connection c : throttled) {
            synchronized (c) {
                if (c.throttledUntilMs != 0 && now >= c.throttledUntilMs) {
                    c.throttledUntilMs = 0;
                    throttled.remove(c);
                    readAgain.accept(c);
                }
            }
        }
    }

    void forget(Connection c) {
        throttled.remove(c);
    }
}
