package dev.switchboard.api.store;

import dev.switchboard.api.stanza.Address;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The durable tier of store-and-forward: what it holds survives a crash of the server. Writes come
 * in batches (group commit): one transaction per call.
 */
@ProviderType
public interface MessageJournal {

    /** Makes a batch durable, in one transaction; returns once it is committed. */
    void append(List<QueuedMessage> batch) throws StoreException;

    /** Deletes delivered messages, by device and sequence number, in one transaction. */
    void remove(List<QueuedMessage> delivered) throws StoreException;

    /** A device's messages after a sequence number, in order, at most {@code max}. */
    List<QueuedMessage> load(Address device, long afterSeq, int max) throws StoreException;

    /** Every waiting message's device, sequence number and size, in sequence order: to rebuild the index. */
    List<QueuedMessage> index() throws StoreException;

    /** The highest sequence number ever stored or reserved, or 0. */
    long maxSeq() throws StoreException;

    /**
     * Reserves a block of sequence numbers durably, before any of them is handed out: the block
     * starts above {@code above} and above every block reserved before, so numbers never go back
     * after a restart or a crash, and servers sharing the store get disjoint blocks
     * (docs/OFFLINE.md, "Sequence numbers").
     *
     * @param above the block starts above this number (the caller's highest number in use)
     * @param count how many numbers to reserve, at least 1
     * @return the first number of the block; the block ends at {@code first + count - 1}
     */
    long reserveSequences(long above, int count) throws StoreException;

    /** Deletes messages accepted before a time. @return how many */
    int expire(long acceptedBeforeMs) throws StoreException;

    /** Deletes every message waiting for a user's devices. @return how many */
    int removeUser(String user) throws StoreException;
}
