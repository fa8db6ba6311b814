package dev.switchboard.offline.internal;

import dev.switchboard.api.store.MessageJournal;
import dev.switchboard.api.store.QueuedMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to the journal on one thread, folding everything that became due while the previous
 * commit ran into the next one (group commit): under load, one transaction carries hundreds of
 * messages. Deletes ride along after the appends; a failed delete is retried a second later.
 */
final class GroupCommitter {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);

    /** Where the messages to write come from, and who is told how it went. */
    interface Source {
        /** Takes (removes) up to {@code max} messages due for writing at {@code nowNanos}. */
        List<Waiting> takeDue(long nowNanos, int max);

        void persisted(List<Waiting> written);

        void failed(List<Waiting> notWritten, Exception cause);
    }

    private final MessageJournal journal;
    private final int maxBatch;
    private final Source source;
    private final BlockingQueue<QueuedMessage> deletes = new LinkedBlockingQueue<>();
    private final Object wakeUp = new Object();
    private final Thread thread;
    private volatile boolean stopping;
    private long nextDeleteAttemptMs;

    GroupCommitter(MessageJournal journal, int maxBatch, Source source) {
        this.journal = journal;
        this.maxBatch = maxBatch;
        this.source = source;
        this.thread = new Thread(this::run, "sb-offline-commit");
        thread.setDaemon(true);
        thread.start();
    }

    void delete(QueuedMessage m) {
        deletes.add(m);
    }

    /** Something may be due now (e.g. written at once because no device can confirm it). */
    void nudge() {
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
    }

    /** Writes everything still waiting, whether due or not, then stops. */
    void stop() throws InterruptedException {
        stopping = true;
        nudge();
        thread.join(30_000);
    }

    private void run() {
        while (!stopping) {
            List<Waiting> due = source.takeDue(System.nanoTime(), maxBatch);
            if (!due.isEmpty()) {
                append(due);
            }
            commitDeletes();
            if (due.size() < maxBatch) {
                try {
                    synchronized (wakeUp) {
                        wakeUp.wait(5);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        // stopping: write whatever waits, due or not; what fails is failed back to its senders
        List<Waiting> rest;
        while (!(rest = source.takeDue(Long.MAX_VALUE, maxBatch)).isEmpty()) {
            append(rest);
        }
        // every delete, not one batch: one left behind is a delivered message sent again later
        while (!deletes.isEmpty()) {
            nextDeleteAttemptMs = 0;
            if (!commitDeletes()) {
                break;
            }
        }
    }

    private void append(List<Waiting> batch) {
        List<QueuedMessage> messages = new ArrayList<>(batch.size());
        for (Waiting w : batch) {
            messages.add(w.message); // held until written: only a written message is let go
        }
        try {
            journal.append(messages);
        } catch (Exception e) {
            LOG.warn("Storing {} messages failed; their senders get an error and resend: {}", batch.size(), e.getMessage());
            source.failed(batch, e);
            return;
        }
        source.persisted(batch);
    }

    /** @return false when the delete failed (and was put back for later) */
    private boolean commitDeletes() {
        if (deletes.isEmpty() || System.currentTimeMillis() < nextDeleteAttemptMs) {
            return true;
        }
        List<QueuedMessage> batch = new ArrayList<>();
        deletes.drainTo(batch, maxBatch * 4);
        try {
            journal.remove(batch);
        } catch (Exception e) {
            LOG.warn("Deleting {} delivered messages failed; retrying in a second: {}", batch.size(), e.getMessage());
            deletes.addAll(batch);
            nextDeleteAttemptMs = System.currentTimeMillis() + 1000;
            return false;
        }
        return true;
    }
}
