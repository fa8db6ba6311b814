package dev.switchboard.offline.internal;

import dev.switchboard.api.store.MessageJournal;
import dev.switchboard.api.store.StoreException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out queue sequence numbers from blocks reserved in the journal before any number of a
 * block is used, so a number is never handed out twice: not after a graceful restart, not after
 * kill -9 (the unused rest of a block is skipped), and not by two servers sharing the store
 * (docs/OFFLINE.md, "Sequence numbers"). The next block is reserved in the background while half
 * of the current one is left, so the message path waits for the database only when that falls
 * behind.
 */
final class SequenceBlocks {

    private static final Logger LOG = LoggerFactory.getLogger(SequenceBlocks.class);

    private final MessageJournal journal;
    private final int blockSize;
    private final Executor background;
    private long last;
    private long blockEnd;
    /** A block reserved ahead, not in use yet; {@code spareFirst == 0} when there is none. */
    private long spareFirst;
    private long spareEnd;
    private boolean reservingAhead;

    /**
     * Reserves the first block at once: a store that cannot number messages must not start.
     *
     * @param inUse the highest number a previous revision may have handed out (0 if unknown)
     */
    SequenceBlocks(MessageJournal journal, int blockSize, long inUse, Executor background) throws StoreException {
        if (blockSize < 1) {
            throw new IllegalArgumentException("sequenceBlock must be at least 1: " + blockSize);
        }
        this.journal = journal;
        this.blockSize = blockSize;
        this.background = background;
        long first = journal.reserveSequences(inUse, blockSize);
        this.last = first - 1;
        this.blockEnd = first + blockSize - 1;
    }

    /** The next number, higher than every number handed out before. */
    synchronized long next() throws StoreException {
        if (last == blockEnd) {
            if (spareFirst > last) {
                last = spareFirst - 1;
                blockEnd = spareEnd;
            } else {
                long first = journal.reserveSequences(last, blockSize);
                last = first - 1;
                blockEnd = first + blockSize - 1;
            }
            spareFirst = 0;
        }
        if (blockEnd - last <= blockSize / 2 && spareFirst == 0 && !reservingAhead) {
            reserveAhead();
        }
        return ++last;
    }

    /**
     * Moves to a fresh block at once, above every block reserved before by anyone sharing the
     * journal: a cluster's node that takes over an account's lane numbers its messages above
     * everything the previous owner may have handed out.
     */
    synchronized void fresh() throws StoreException {
        long first = journal.reserveSequences(Math.max(last, spareEnd), blockSize);
        last = first - 1;
        blockEnd = first + blockSize - 1;
        spareFirst = 0;
    }

    /** The highest number handed out so far. */
    synchronized long last() {
        return last;
    }

    private void reserveAhead() {
        reservingAhead = true;
        long above = blockEnd;
        try {
            background.execute(() -> {
                long first = 0;
                try {
                    first = journal.reserveSequences(above, blockSize);
                } catch (StoreException e) {
                    LOG.warn("Cannot reserve the next block of sequence numbers ahead: {}; trying again when needed", e.getMessage());
                }
                synchronized (this) {
                    reservingAhead = false;
                    if (first > blockEnd) {
                        spareFirst = first;
                        spareEnd = first + blockSize - 1;
                    }
                }
            });
        } catch (RejectedExecutionException stopping) {
            reservingAhead = false; // the next block will be reserved when it is needed
        }
    }
}
