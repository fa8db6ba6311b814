package dev.switchboard.offline.internal;

import dev.switchboard.api.store.QueuedMessage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** One enqueue call: its sender's stage completes when each of its copies is confirmed or written. */
final class Batch {

    final List<QueuedMessage> messages;
    final CompletableFuture<List<QueuedMessage>> done = new CompletableFuture<>();
    private final AtomicInteger open;

    Batch(List<QueuedMessage> messages) {
        this.messages = messages;
        this.open = new AtomicInteger(messages.size());
    }

    /** One copy is safe. @return true when it was the last one */
    boolean copySafe() {
        return open.decrementAndGet() == 0;
    }
}
