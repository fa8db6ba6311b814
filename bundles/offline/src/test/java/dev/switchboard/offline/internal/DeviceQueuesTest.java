package dev.switchboard.offline.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.store.QueuedMessage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeviceQueuesTest {

    private final Address bob = new Address("2002", 0);

    /**
     * A queue that empties is dropped from the queues; an add racing with that drop once went into
     * the dropped queue and was lost (RuntimeProcessIT saw an acknowledged message never delivered).
     */
    @Test
    void addsRacingWithAQueueEmptyingAreNotLost() throws Exception {
        DeviceQueues index = new DeviceQueues(1_000_000, Long.MAX_VALUE);
        int rounds = 200_000;
        AtomicLong next = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        Thread adder = new Thread(() -> {
            for (int i = 0; i < rounds; i++) {
                index.add(bob, new Waiting(new QueuedMessage(next.incrementAndGet(), bob, bob, "m", "message", 0, null), null, 0, Waiting.UNWRITTEN));
            }
            done.countDown();
        });
        adder.start();
        long removed = 0;
        long seq = 1;
        long deadline = System.nanoTime() + 30_000_000_000L;
        // the consumer removes each message as soon as it appears, so the queue empties constantly
        while (removed < rounds && System.nanoTime() < deadline) {
            boolean adderFinished = done.getCount() == 0;
            if (index.remove(bob, seq) != null) {
                removed++;
                seq++;
            } else if (adderFinished) {
                break; // every add is done and this one is not there: it was lost
            }
        }
        adder.join();
        assertEquals(rounds, removed, "every added message could be removed exactly once");
    }
}
