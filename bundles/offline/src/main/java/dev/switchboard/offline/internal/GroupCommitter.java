package dev.switchboard.offline.internal;

import dev.switchboard.api.store.MessageJournal;
import dev.switchboard.api.store.QueuedMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to the journal on one thread, folding everything that arrived while the previous commit
 * ran into the next one (group commit): under load, one transaction carries hundreds of messages,
 * so durability costs little per message. Deletes ride along; a failed delete is retried.
 */
final class GroupCommitter {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);

    /** Messages to append and who waits for them. */
    private record Append(List<QueuedMessage> messages, CompletableFuture<List<QueuedMessage>> done) {
    }

    private final MessageJournal journal;
    private final int maxBatch;
    private final Consumer<List<QueuedMessage>> onCommitted;
    private final BlockingQueue<Append> appends = new LinkedBlockingQueue<>();
    private final BlockingQueue<QueuedMessage> deletes = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean stopping;
    private long nextDeleteAttemptMs;

    GroupCommitter(MessageJournal journal, int maxBatch, Consumer<List<QueuedMessage>> onCommitted) {
        this.journal = journal;
        this.maxBatch = maxBatch;
        this.onCommitted = onCommitted;
        this.thread = new Thread(this::run, "sb-offline-commit");
        thread.setDaemon(true);
        thread.start();
    }

    CompletableFuture<List<QueuedMessage>> append(List<QueuedMessage> messages) {
        CompletableFuture<List<QueuedMessage>> done = new CompletableFuture<>();
        appends.add(new Append(messages, done));
        return done;
    }

    void delete(QueuedMessage m) {
        deletes.add(m);
    }

    /** Commits everything queued, then stops. */
    void stop() throws InterruptedException {
        stopping = true;
        thread.join(30_000);
    }

    long commits() {
        return commits.get();
    }

    long failures() {
        return failures.get();
    }

    private void run() {
        while (!stopping) {
            try {
                Append first = appends.poll(20, TimeUnit.MILLISECONDS);
                List<Append> batch = new ArrayList<>();
                int count = 0;
                if (first != null) {
                    batch.add(first);
                    count = first.messages().size();
                    Append next;
                    while (count < maxBatch && (next = appends.poll()) != null) {
                        batch.add(next);
                        count += next.messages().size();
                    }
                }
                commitDeletes();
                if (!batch.isEmpty()) {
                    commitAppends(batch, count);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        // stopping: one last commit of whatever is queued; what fails is failed back or retried next start
        List<Append> rest = new ArrayList<>();
        appends.drainTo(rest);
        if (!rest.isEmpty()) {
            commitAppends(rest, rest.stream().mapToInt(a -> a.messages().size()).sum());
        }
        nextDeleteAttemptMs = 0;
        commitDeletes();
    }

    private void commitAppends(List<Append> batch, int count) {
        List<QueuedMessage> all = new ArrayList<>(count);
        batch.forEach(a -> all.addAll(a.messages()));
        try {
            journal.append(all);
            commits.incrementAndGet();
        } catch (Exception e) {
            failures.incrementAndGet();
            LOG.warn("Storing {} messages failed; their senders get an error and resend: {}", count, e.getMessage());
            batch.forEach(a -> a.done().completeExceptionally(e));
            return;
        }
        onCommitted.accept(all);
        batch.forEach(a -> a.done().complete(a.messages()));
    }

    private void commitDeletes() {
        if (System.currentTimeMillis() < nextDeleteAttemptMs) {
            return;
        }
        List<QueuedMessage> batch = new ArrayList<>();
        deletes.drainTo(batch, maxBatch * 4);
        if (batch.isEmpty()) {
            return;
        }
        try {
            journal.remove(batch);
        } catch (Exception e) {
            failures.incrementAndGet();
            LOG.warn("Deleting {} delivered messages failed; retrying in a second: {}", batch.size(), e.getMessage());
            deletes.addAll(batch);
            nextDeleteAttemptMs = System.currentTimeMillis() + 1000;
        }
    }
}
