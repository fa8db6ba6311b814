package dev.switchboard.itest;

import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.SwitchboardClient;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client sending numbered messages to its partner with a bounded window of unacknowledged
 * ones, for at most a given count and time. Records what was acknowledged and any ack error.
 */
final class Chatter implements Runnable {

    final SwitchboardClient client;
    final String partner;
    private final int window;
    private final int maxMessages;
    private final long deadlineNanos;
    private final Semaphore inFlight;
    private final AtomicLong totalAcked;
    final List<String> ackErrors = new ArrayList<>();
    final ConcurrentLinkedQueue<Long> acked = new ConcurrentLinkedQueue<>();
    volatile long sent;
    volatile boolean stop;

    Chatter(SwitchboardClient client, String partner, int window, int maxMessages, long maxMillis, AtomicLong totalAcked) {
        this.client = client;
        this.partner = partner;
        this.window = window;
        this.maxMessages = maxMessages;
        this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        this.inFlight = new Semaphore(window);
        this.totalAcked = totalAcked;
    }

    @Override
    public void run() {
        try {
            for (long seq = 1; seq <= maxMessages && !stop && System.nanoTime() < deadlineNanos; seq++) {
                if (!inFlight.tryAcquire(5, TimeUnit.SECONDS)) {
                    if (!client.isOpen()) {
                        return;
                    }
                    seq--;
                    continue;
                }
                long n = seq;
                byte[] body = ByteBuffer.allocate(16).putLong(n).putLong(System.nanoTime()).array();
                java.util.concurrent.CompletableFuture<dev.switchboard.api.stanza.Node> pending;
                try {
                    pending = client.send(partner, Long.toString(n), body);
                } catch (java.io.IOException e) {
                    inFlight.release();
                    throw e;
                }
                pending.whenComplete((ack, failure) -> {
                    if (failure != null || ack.attr("error") != null) {
                        synchronized (ackErrors) {
                            ackErrors.add(n + ": " + (failure != null ? failure : ack));
                        }
                    } else {
                        acked.add(n);
                        totalAcked.incrementAndGet();
                    }
                    inFlight.release();
                });
                sent = seq;
            }
        } catch (Exception e) {
            synchronized (ackErrors) {
                ackErrors.add("sender stopped: " + e);
            }
        }
    }

    /** Waits until every sent message has its ack (or the timeout passes). */
    boolean awaitAllAcked(long timeoutMs) throws InterruptedException {
        if (inFlight.tryAcquire(window, timeoutMs, TimeUnit.MILLISECONDS)) {
            inFlight.release(window);
            return true;
        }
        return false;
    }

    /** Ids sent that have neither an ack nor an error yet (for a failure message). */
    List<Long> unanswered() {
        java.util.Set<Long> answered = new java.util.HashSet<>(acked);
        synchronized (ackErrors) {
            for (String e : ackErrors) {
                int colon = e.indexOf(':');
                if (colon > 0 && e.substring(0, colon).chars().allMatch(Character::isDigit)) {
                    answered.add(Long.parseLong(e.substring(0, colon)));
                }
            }
        }
        List<Long> out = new ArrayList<>();
        for (long s = 1; s <= sent; s++) {
            if (!answered.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    /** Ids of the messages this client received, in arrival order. */
    static List<Long> receivedFrom(SwitchboardClient receiver, String sender) {
        List<Long> ids = new ArrayList<>();
        Node n;
        while ((n = receiver.incoming().poll()) != null) {
            if ("message".equals(n.tag()) && n.attr("from").startsWith(sender + "/")) {
                ids.add(Long.parseLong(n.attr("id")));
            }
        }
        return ids;
    }
}
