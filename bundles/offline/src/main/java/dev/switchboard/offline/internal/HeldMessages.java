package dev.switchboard.offline.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hot tier for written messages: a written message stays in memory, in its {@link Waiting},
 * until its device confirms it or the tier is over its bounds, when the oldest are let go (their
 * next read comes from the journal). Confirmed ones leave the FIFO as its head passes them.
 */
final class HeldMessages {

    private final ConcurrentLinkedQueue<Waiting> order = new ConcurrentLinkedQueue<>();
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final long maxCount;
    private final long maxBytes;

    HeldMessages(long maxCount, long maxBytes) {
        this.maxCount = maxCount;
        this.maxBytes = maxBytes;
    }

    /** A message was written: it stays in memory while the bounds allow. */
    void written(Waiting w) {
        order.add(w);
        count.incrementAndGet();
        bytes.addAndGet(w.size);
        trim();
    }

    /** A held message was confirmed: its memory is free now (its FIFO node goes later). */
    void released(Waiting w) {
        if (w.letGo()) {
            count.decrementAndGet();
            bytes.addAndGet(-w.size);
        }
    }

    /** Drops confirmed heads, then lets the oldest go until within bounds. Called by the one commit thread. */
    private void trim() {
        Waiting head;
        while ((head = order.peek()) != null) {
            boolean over = count.get() > maxCount || bytes.get() > maxBytes;
            if (head.state() != Waiting.DONE && head.message != null && !over) {
                return;
            }
            order.poll();
            if (head.state() != Waiting.DONE && head.letGo()) { // still waiting: the journal has it
                count.decrementAndGet();
                bytes.addAndGet(-head.size);
            }
        }
    }

    long count() {
        return count.get();
    }
}
