package dev.switchboard.offline.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SequenceBlocksTest {

    @Test
    void theNextBlockIsReservedAheadAndNumbersKeepRising() throws Exception {
        MemoryMessageJournal journal = new MemoryMessageJournal();
        List<Runnable> background = new ArrayList<>();
        SequenceBlocks blocks = new SequenceBlocks(journal, 10, 0, background::add);
        assertEquals(10, journal.maxSeq(), "the first block is reserved before anything is numbered");
        long last = 0;
        for (int i = 0; i < 6; i++) {
            long n = blocks.next();
            assertTrue(n > last);
            last = n;
        }
        assertEquals(1, background.size(), "half the block used: the next one is reserved in the background");
        background.remove(0).run();
        assertEquals(20, journal.maxSeq());
        for (int i = 0; i < 10; i++) {
            long n = blocks.next();
            assertTrue(n > last, n + " after " + last);
            last = n;
        }
        assertEquals(16, last, "the spare block was used, without waiting for the database");
        assertEquals(20, journal.maxSeq(), "and not reserved a second time");
    }

    @Test
    void aBackgroundReservationThatLostTheRaceIsNotUsed() throws Exception {
        MemoryMessageJournal journal = new MemoryMessageJournal();
        List<Runnable> background = new ArrayList<>();
        SequenceBlocks blocks = new SequenceBlocks(journal, 4, 0, background::add);
        long last = 0;
        for (int i = 0; i < 9; i++) { // past the block: reserved on the spot, the queued one not yet run
            last = blocks.next();
        }
        background.forEach(Runnable::run); // reserves a block now: above everything, so harmless either way
        long after = blocks.next();
        assertTrue(after > last, after + " after " + last);
    }
}
