package dev.switchboard.offline.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.offline.QueueFullException;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.state.StateVault;
import dev.switchboard.api.store.QueuedMessage;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OfflineQueuesTest {

    private final MemoryMessageJournal journal = new MemoryMessageJournal();
    private final Map<String, StateVault.Snapshot> vaultData = new ConcurrentHashMap<>();
    private final StateVault vault = new StateVault() {
        @Override
        public void put(String key, int shapeVersion, Map<String, Object> data) {
            vaultData.put(key, new Snapshot(shapeVersion, data));
        }

        @Override
        public Optional<Snapshot> take(String key) {
            return Optional.ofNullable(vaultData.remove(key));
        }
    };
    private final Address alice = new Address("1001", 0);
    private final Address bob = new Address("2002", 0);
    private OfflineQueues queues;

    private OfflineQueues open(Map<String, Object> config) throws Exception {
        OfflineConfiguration c = (OfflineConfiguration) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {OfflineConfiguration.class}, (p, m, a) -> m.getName().equals("annotationType")
                        ? OfflineConfiguration.class : config.getOrDefault(m.getName(), m.getDefaultValue()));
        return new OfflineQueues(journal, vault, c);
    }

    @AfterEach
    void close() throws Exception {
        if (queues != null) {
            queues.deactivate();
        }
    }

    private QueuedMessage msg(String id, int size) {
        return new QueuedMessage(0, bob, alice, id, "message", System.currentTimeMillis(), new byte[size]);
    }

    private List<QueuedMessage> enqueue(QueuedMessage... ms) throws Exception {
        return queues.enqueue(List.of(ms)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aNodeTakingOverAQueueServesWhatTheTierHoldsNowAndNumbersAboveEveryNodeBefore() throws Exception {
        queues = open(Map.of()); // node A, on the tier both share
        List<QueuedMessage> first = enqueue(msg("a", 1), msg("b", 1));
        OfflineQueues b = new OfflineQueues(journal, new StateVault() { // node B starts: it reads what waits
            @Override
            public void put(String key, int shapeVersion, Map<String, Object> data) {
            }

            @Override
            public Optional<Snapshot> take(String key) {
                return Optional.empty();
            }
        }, (OfflineConfiguration) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {OfflineConfiguration.class},
                (p, m, a) -> m.getName().equals("annotationType") ? OfflineConfiguration.class : m.getDefaultValue()));
        try {
            assertEquals("a", queues.acknowledge(bob, first.get(0).seq()).id()); // A delivers a after B read it
            List<QueuedMessage> later = enqueue(msg("x", 1)); // and numbers one more, above B's first block
            b.adopt(List.of(bob)); // A dies; B takes bob's lane
            assertEquals(List.of("b", "x"), b.pending(bob, 0, 10).stream().map(QueuedMessage::id).toList(),
                    "what the tier holds now: not the copy A delivered meanwhile");
            assertTrue(b.isDuplicate(alice, "b"), "a resend of what A acknowledged is no new message");
            QueuedMessage c = b.enqueue(List.of(msg("c", 1))).toCompletableFuture().get(5, TimeUnit.SECONDS).get(0);
            assertTrue(c.seq() > later.get(0).seq(), "numbered above everything A handed out: " + c.seq());
            assertEquals(List.of("b", "x", "c"), b.pending(bob, 0, 10).stream().map(QueuedMessage::id).toList());
            b.acknowledge(bob, first.get(1).seq()); // B's confirmation deletes A's copy from the shared tier (written behind)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (journal.index().size() > 2 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(List.of("x", "c"), journal.index().stream().map(QueuedMessage::id).toList());
        } finally {
            b.deactivate();
        }
    }

    @Test
    void queuedMessagesAreDurableOrderedAndDeletedWhenConfirmed() throws Exception {
        queues = open(Map.of());
        List<QueuedMessage> first = enqueue(msg("a", 1), msg("b", 1));
        enqueue(msg("c", 1));
        assertEquals(3, journal.size(), "unconfirmed, so durable before the stage completes");
        assertEquals(List.of("a", "b", "c"), queues.pending(bob, 0, 10).stream().map(QueuedMessage::id).toList());
        assertTrue(first.get(0).seq() < first.get(1).seq());
        assertEquals("a", queues.acknowledge(bob, first.get(0).seq()).id());
        assertNull(queues.acknowledge(bob, first.get(0).seq()), "a second confirmation changes nothing");
        assertEquals(List.of("b", "c"), queues.pending(bob, 0, 10).stream().map(QueuedMessage::id).toList());
        assertEquals(2, queues.depth(bob));
    }

    @Test
    void aNewRevisionRebuildsTheQueuesFromTheJournalAndContinuesTheSequence() throws Exception {
        queues = open(Map.of());
        List<QueuedMessage> before = enqueue(msg("a", 1), msg("b", 1));
        queues.deactivate();
        queues = open(Map.of());
        assertEquals(List.of("a", "b"), queues.pending(bob, 0, 10).stream().map(QueuedMessage::id).toList());
        long next = enqueue(msg("c", 1)).get(0).seq();
        assertTrue(next > before.get(1).seq());
        assertTrue(queues.isDuplicate(alice, "a"), "recent ids are handed over too");
    }

    @Test
    void sequenceNumbersNeverGoBackAfterDeliveredMessagesAndARestart() throws Exception {
        queues = open(Map.of("sequenceBlock", 5, "persistDelayMs", 60_000));
        long highest = 0;
        for (int i = 0; i < 12; i++) { // confirmed at once: never written, crosses two blocks
            CompletableFuture<List<QueuedMessage>> acked = queues.enqueue(List.of(msg("m" + i, 1))).toCompletableFuture();
            QueuedMessage m = queues.pending(bob, highest, 1).get(0);
            assertTrue(m.seq() > highest, "rising within a run");
            highest = m.seq();
            queues.acknowledge(bob, m.seq());
            acked.get(5, TimeUnit.SECONDS);
        }
        assertEquals(0, journal.size(), "nothing was written: the journal holds no message to count from");
        // a crash: no deactivate, nothing handed over through the vault
        OfflineQueues crashed = queues;
        queues = open(Map.of("sequenceBlock", 5));
        long after = enqueue(msg("after", 1)).get(0).seq();
        assertTrue(after > highest, "after a crash the next number " + after + " is above " + highest);
        crashed.deactivate();
        vaultData.clear(); // what the crashed instance handed over would not exist after a real crash
        queues.deactivate();
        queues = open(Map.of("sequenceBlock", 5));
        assertTrue(enqueue(msg("later", 1)).get(0).seq() > after, "and after a graceful restart");
    }

    @Test
    void aMessageStillWaitingIsKnownAfterARestartSoItsResendIsNotQueuedTwice() throws Exception {
        queues = open(Map.of());
        enqueue(msg("cut-off-ack", 1));
        queues.deactivate();
        vaultData.clear(); // a process restart: nothing handed over
        queues = open(Map.of());
        assertTrue(queues.isDuplicate(alice, "cut-off-ack"), "rebuilt from what waits in the journal");
        assertFalse(queues.isDuplicate(alice, "never-sent"));
    }

    @Test
    void aStoreThatCannotReserveNumbersRefusesInsteadOfReusingThem() throws Exception {
        queues = open(Map.of("sequenceBlock", 2));
        enqueue(msg("a", 1));
        journal.down = true;
        CompletableFuture<List<QueuedMessage>> second = queues.enqueue(List.of(msg("b", 1), msg("c", 1))).toCompletableFuture();
        assertThrows(ExecutionException.class, () -> second.get(5, TimeUnit.SECONDS));
        journal.down = false;
        assertEquals(List.of("a"), queues.pending(bob, 0, 10).stream().map(QueuedMessage::id).toList(),
                "nothing of the refused batch is queued");
    }

    @Test
    void aFullQueueRefusesInsteadOfDropping() throws Exception {
        queues = open(Map.of("maxMessagesPerDevice", 2));
        enqueue(msg("a", 1), msg("b", 1));
        CompletableFuture<List<QueuedMessage>> third = queues.enqueue(List.of(msg("c", 1))).toCompletableFuture();
        ExecutionException e = assertThrows(ExecutionException.class, () -> third.get(5, TimeUnit.SECONDS));
        assertInstanceOf(QueueFullException.class, e.getCause());
        assertEquals(2, queues.depth(bob));
    }

    @Test
    void aStoreOutageFailsTheEnqueueSoTheSenderIsNotAcknowledged() throws Exception {
        queues = open(Map.of());
        journal.down = true;
        CompletableFuture<List<QueuedMessage>> f = queues.enqueue(List.of(msg("a", 1))).toCompletableFuture();
        assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        assertEquals(0, queues.depth(bob));
        assertFalse(queues.isDuplicate(alice, "a"), "a failed message may be sent again");
        journal.down = false;
        enqueue(msg("a", 1));
        assertTrue(queues.isDuplicate(alice, "a"));
    }

    @Test
    void concurrentEnqueuesShareCommits() throws Exception {
        queues = open(Map.of());
        List<CompletableFuture<List<QueuedMessage>>> all = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            all.add(queues.enqueue(List.of(msg("m" + i, 10))).toCompletableFuture());
        }
        for (CompletableFuture<List<QueuedMessage>> f : all) {
            f.get(10, TimeUnit.SECONDS);
        }
        assertEquals(2000, queues.depth(bob));
        assertTrue(journal.appends < 2000, "group commit folds enqueues: " + journal.appends + " commits");
        List<QueuedMessage> pending = queues.pending(bob, 0, 5000);
        for (int i = 1; i < pending.size(); i++) {
            assertTrue(pending.get(i - 1).seq() < pending.get(i).seq());
        }
    }

    @Test
    void aMessageConfirmedBeforeItIsDueIsNeverWritten() throws Exception {
        queues = open(Map.of("persistDelayMs", 60_000));
        CompletableFuture<List<QueuedMessage>> f = queues.enqueue(List.of(msg("fast", 1))).toCompletableFuture();
        QueuedMessage m = queues.pending(bob, 0, 10).get(0);
        assertFalse(f.isDone(), "the sender waits for the confirmation or the write");
        assertEquals("fast", queues.acknowledge(bob, m.seq()).id());
        assertEquals("fast", f.get(5, TimeUnit.SECONDS).get(0).id());
        assertEquals(0, journal.size());
        assertEquals(0, journal.appends);
        assertTrue(queues.isDuplicate(alice, "fast"));
    }

    @Test
    void whatIsNotYetWrittenIsWrittenWhenTheStoreStops() throws Exception {
        queues = open(Map.of("persistDelayMs", 60_000));
        CompletableFuture<List<QueuedMessage>> f = queues.enqueue(List.of(msg("slow", 1))).toCompletableFuture();
        queues.deactivate();
        assertEquals(1, journal.size());
        assertEquals("slow", f.get(5, TimeUnit.SECONDS).get(0).id());
        queues = open(Map.of());
        assertEquals(1, queues.depth(bob));
    }

    @Test
    void oldMessagesAreServedFromTheJournalWhenTheHotTierForgotThem() throws Exception {
        queues = open(Map.of("hotEntries", 1));
        enqueue(msg("a", 1), msg("b", 1), msg("c", 1));
        assertEquals(List.of("a", "b", "c"), queues.pending(bob, 0, 10).stream().map(QueuedMessage::id).toList());
    }
}
