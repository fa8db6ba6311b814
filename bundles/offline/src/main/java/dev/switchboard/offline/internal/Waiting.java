package dev.switchboard.offline.internal;

import dev.switchboard.api.store.QueuedMessage;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * One message waiting for its device: its place in the device's queue and in the write-behind,
 * and how far it got towards the journal. The message itself is held while memory allows; once
 * written and let go ({@link #message} null) it is read back from the journal.
 */
final class Waiting {

    /** Not written; written when due unless its device confirms it first. */
    static final int UNWRITTEN = 0;
    /** Taken by the committer, being written. */
    static final int WRITING = 1;
    /** In the journal. */
    static final int WRITTEN = 2;
    /** Confirmed by its device (or expired): gone from its queue. */
    static final int DONE = 3;

    private static final AtomicIntegerFieldUpdater<Waiting> STATE =
            AtomicIntegerFieldUpdater.newUpdater(Waiting.class, "state");
    private static final AtomicReferenceFieldUpdater<Waiting, QueuedMessage> MESSAGE =
            AtomicReferenceFieldUpdater.newUpdater(Waiting.class, QueuedMessage.class, "message");

    final long seq;
    final int size;
    final long acceptedAtMs;
    /** Null when the write-behind let it go from memory (it is in the journal then). */
    volatile QueuedMessage message;
    /** The enqueue it came in, told once this copy is safe; null when it was read back from the journal. */
    final Batch batch;
    /** When it is due for writing, {@link System#nanoTime()} based. */
    final long dueNanos;
    private volatile int state;

    Waiting(QueuedMessage message, Batch batch, long dueNanos, int state) {
        this.seq = message.seq();
        this.size = message.size();
        this.acceptedAtMs = message.acceptedAtMs();
        this.message = message;
        this.batch = batch;
        this.dueNanos = dueNanos;
        this.state = state;
    }

    int state() {
        return state;
    }

    /** Moves from one state to another. @return false when it was not in {@code from} */
    boolean move(int from, int to) {
        return STATE.compareAndSet(this, from, to);
    }

    /** Lets the message go from memory. @return whether this call did (and not another before it) */
    boolean letGo() {
        QueuedMessage m = message;
        return m != null && MESSAGE.compareAndSet(this, m, null);
    }

    /** Marks it done. @return the state it was in */
    int finish() {
        return STATE.getAndSet(this, DONE);
    }
}
