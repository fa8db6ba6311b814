package dev.switchboard.offline.internal;

import dev.switchboard.api.store.MessageJournal;
import dev.switchboard.api.store.QueuedMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * The path to the journal: a copy not confirmed by its device within the persist delay is written
 * (group-committed by {@link GroupCommitter}); a copy confirmed first is skipped when it comes
 * due. Written copies go to the hot tier ({@link HeldMessages}); deletes of written copies follow
 * the appends on the same commit thread.
 */
final class WriteBehind implements GroupCommitter.Source {

    /** Copies in acceptance order; confirmed ones are skipped when due. */
    private final Queue<Waiting> dueOrder = new ConcurrentLinkedQueue<>();
    private final long persistDelayNanos;
    private final HeldMessages held;
    private final DeviceQueues queues;
    private final Consumer<Batch> safe;
    private final GroupCommitter committer;

    /** @param safe told when a copy is safe (written here, or confirmed) */
    WriteBehind(MessageJournal journal, int maxBatch, long persistDelayNanos, HeldMessages held, DeviceQueues queues,
                Consumer<Batch> safe) {
        this.persistDelayNanos = persistDelayNanos;
        this.held = held;
        this.queues = queues;
        this.safe = safe;
        this.committer = new GroupCommitter(journal, maxBatch, this);
    }

    /** When a copy queued now becomes due. */
    long dueFromNow() {
        return System.nanoTime() + persistDelayNanos;
    }

    /** A new copy; call in seq order. */
    void add(Waiting w) {
        dueOrder.add(w);
    }

    /** After adding: with no persist delay the copies are written at once. */
    void added() {
        if (persistDelayNanos == 0) {
            committer.nudge();
        }
    }

    /** A copy that reached the journal (or is on its way) was confirmed: delete it there. */
    void delete(QueuedMessage m) {
        committer.delete(m);
    }

    /** A written copy was confirmed: its memory is free. */
    void released(Waiting w) {
        held.released(w);
    }

    /** Writes everything still unwritten, due or not, then stops. */
    void stop() throws InterruptedException {
        committer.stop();
    }

    @Override
    public List<Waiting> takeDue(long nowNanos, int max) {
        List<Waiting> due = new ArrayList<>();
        boolean everything = nowNanos == Long.MAX_VALUE;
        Waiting w;
        while (due.size() < max && (w = dueOrder.peek()) != null && (everything || w.dueNanos - nowNanos <= 0)) {
            dueOrder.poll();
            if (w.move(Waiting.UNWRITTEN, Waiting.WRITING)) {
                due.add(w); // else confirmed meanwhile: nothing to write
            }
        }
        return due;
    }

    @Override
    public void persisted(List<Waiting> written) {
        for (Waiting w : written) {
            if (w.move(Waiting.WRITING, Waiting.WRITTEN)) {
                held.written(w); // not confirmed in time: its device is likely away
            } else {
                w.letGo(); // confirmed while being written: its delete follows the write
            }
            safe.accept(w.batch);
        }
    }

    @Override
    public void failed(List<Waiting> notWritten, Exception cause) {
        for (Waiting w : notWritten) {
            QueuedMessage m = w.message;
            queues.remove(m.to(), m.seq());
            if (w.finish() == Waiting.DONE) {
                committer.delete(m); // confirmed meanwhile; harmless if the write never landed
            }
            w.batch.done.completeExceptionally(cause);
        }
    }
}
