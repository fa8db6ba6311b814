package dev.switchboard.api.store;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.store.QueuedMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every message journal must do, run against each real implementation by a subclass (the SQL
 * journal on H2 and MariaDB, the log journal on disk). Shipped in the api's test jar.
 */
public abstract class MessageJournalContract {

    protected MessageJournal journal;
    private final Address bob = new Address("2002", 0);
    private final Address bobPhone = new Address("2002", 1);
    private final Address alice = new Address("1001", 0);

    /** A journal that holds nothing yet. */
    protected abstract MessageJournal emptyJournal() throws Exception;

    @BeforeEach
    void open() throws Exception {
        journal = emptyJournal();
    }

    private QueuedMessage message(long seq, Address to, String id, int bodySize) {
        return new QueuedMessage(seq, to, alice, id, "message", 1000 + seq, new byte[bodySize]);
    }

    @Test
    void messagesComeBackInOrderPerDevice() throws Exception {
        journal.append(List.of(message(1, bob, "a", 10), message(2, bobPhone, "a", 10), message(3, bob, "b", 20)));
        journal.append(List.of(message(4, bob, "c", 1 << 20)));
        List<QueuedMessage> forBob = journal.load(bob, 0, 10);
        assertEquals(List.of(1L, 3L, 4L), forBob.stream().map(QueuedMessage::seq).toList());
        assertEquals("b", forBob.get(1).id());
        assertEquals(1 << 20, forBob.get(2).body().length, "a 1 MiB body fits");
        assertEquals(List.of(3L), journal.load(bob, 1, 1).stream().map(QueuedMessage::seq).toList());
        assertEquals(4, journal.maxSeq());
        assertEquals(4, journal.index().size());
    }

    @Test
    void aGroupMessageKeepsItsGroup() throws Exception {
        journal.append(List.of(new QueuedMessage(1, bob, alice, "a", "message", 1, new byte[] {1}, "g1000001"),
                message(2, bob, "b", 1)));
        List<QueuedMessage> loaded = journal.load(bob, 0, 10);
        assertEquals("g1000001", loaded.get(0).group());
        assertNull(loaded.get(1).group());
        assertEquals("g1000001", journal.index().get(0).group());
    }

    @Test
    void deliveredMessagesAreDeletedAndSequenceNumbersNeverReused() throws Exception {
        journal.append(List.of(message(1, bob, "a", 1), message(2, bob, "b", 1)));
        journal.remove(journal.load(bob, 0, 10));
        assertEquals(List.of(), journal.load(bob, 0, 10));
        assertEquals(2, journal.maxSeq(), "the high-water mark stays after the queue drains");
    }

    @Test
    void oldMessagesExpireAndDeletedUsersLoseTheirQueues() throws Exception {
        journal.append(List.of(message(1, bob, "old", 1), message(5000, bob, "new", 1), message(2, alice, "x", 1)));
        assertEquals(1, journal.expire(1001 + 1));
        assertEquals(List.of("new"), journal.load(bob, 0, 10).stream().map(QueuedMessage::id).toList());
        assertEquals(1, journal.removeUser("2002"));
        assertEquals(1, journal.index().size());
    }

    @Test
    void bigBatchesCommitInOneGo() throws Exception {
        List<QueuedMessage> batch = new ArrayList<>();
        for (int i = 1; i <= 5000; i++) {
            batch.add(message(i, i % 2 == 0 ? bob : bobPhone, "m" + i, 30));
        }
        journal.append(batch);
        assertEquals(2500, journal.load(bob, 0, 10_000).size());
        assertEquals(5000, journal.maxSeq());
    }

    @Test
    void reservedBlocksNeverOverlapAndStartAboveWhatWasInUse() throws Exception {
        long first = journal.reserveSequences(0, 100);
        assertEquals(1, first);
        assertEquals(100, journal.maxSeq(), "the reservation is the new high-water mark");
        assertEquals(101, journal.reserveSequences(0, 10), "the next block starts after the last one");
        assertEquals(5001, journal.reserveSequences(5000, 10), "and above the caller's highest number in use");
        journal.append(List.of(message(3, bob, "a", 1)));
        assertEquals(5010, journal.maxSeq(), "an append below the mark does not lower it");
    }

    @Test
    void concurrentReservationsGetDisjointBlocks() throws Exception {
        List<Long> firsts = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        List<Exception> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 25; i++) {
                    try {
                        firsts.add(journal.reserveSequences(0, 10));
                    } catch (Exception e) {
                        failures.add(e);
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join(60_000);
        }
        assertEquals(List.of(), failures);
        List<Long> sorted = firsts.stream().sorted().toList();
        assertEquals(100, sorted.size());
        for (int i = 0; i < sorted.size(); i++) {
            assertEquals(1 + 10L * i, sorted.get(i), "blocks of ten, back to back, none shared");
        }
    }
}
