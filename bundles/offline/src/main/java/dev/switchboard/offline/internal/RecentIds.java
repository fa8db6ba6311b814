package dev.switchboard.offline.internal;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.store.QueuedMessage;
import java.util.HashMap;
import java.util.Map;

/**
 * The message ids senders used recently, to answer a resend (a reconnect cut off the ack) with
 * the same ack instead of a second copy. Bounded in count and age; handed to the next revision as
 * plain strings through the vault.
 *
 * <p>Every acknowledged message passes through here, so the table allocates nothing per message: a
 * ring of slots in the order they were remembered (the oldest go first, by count and by age) and an
 * index of bucket heads chaining slots by hash, all in arrays made once. Keys are compared exactly
 * (sender and id), never by hash alone: a false "seen" would answer a new message as a resend and
 * drop it.
 */
final class RecentIds {

    private static final int NONE = -1;

    private final long windowMs;
    private final int capacity;
    private final Address[] froms;
    private final String[] ids;
    private final long[] times;
    /** The next slot in the same bucket's chain, or {@link #NONE}. */
    private final int[] chain;
    private final int[] buckets;
    private final int mask;
    /** The oldest slot, and how many are in use (from {@code head} on, wrapping). */
    private int head;
    private int size;

    RecentIds(int maxIds, long windowMs) {
        this.windowMs = windowMs;
        this.capacity = Math.max(1, maxIds);
        this.froms = new Address[capacity];
        this.ids = new String[capacity];
        this.times = new long[capacity];
        this.chain = new int[capacity];
        int b = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1);
        this.buckets = new int[b];
        this.mask = b - 1;
        java.util.Arrays.fill(buckets, NONE);
    }

    /** Only a person's messages answer resends (a receipt's or notification's id is not the sender's). */
    static boolean counts(QueuedMessage m) {
        return m.isMessage();
    }

    synchronized void remember(Address from, String id, long atMs) {
        int slot = find(from, id);
        if (slot != NONE) {
            times[slot] = atMs; // as a map's put: the time changes, the place in the order does not
        } else {
            add(from, id, atMs);
        }
        long cutoff = atMs - windowMs;
        while (size > 0 && times[head] < cutoff) {
            dropOldest();
        }
    }

    /** Remembers without replacing an earlier time (a rebuild from the journal). */
    synchronized void rememberIfAbsent(Address from, String id, long atMs) {
        if (find(from, id) == NONE) {
            add(from, id, atMs);
        }
    }

    boolean seen(Address from, String id) {
        long at;
        synchronized (this) {
            int slot = find(from, id);
            if (slot == NONE) {
                return false;
            }
            at = times[slot];
        }
        return at >= System.currentTimeMillis() - windowMs;
    }

    synchronized int size() {
        return size;
    }

    private int bucket(Address from, String id) {
        int h = from.hashCode() * 31 + id.hashCode();
        return (h ^ (h >>> 16)) & mask;
    }

    private int find(Address from, String id) {
        for (int slot = buckets[bucket(from, id)]; slot != NONE; slot = chain[slot]) {
            if (ids[slot].equals(id) && froms[slot].equals(from)) {
                return slot;
            }
        }
        return NONE;
    }

    private void add(Address from, String id, long atMs) {
        if (size == capacity) {
            dropOldest();
        }
        int slot = (head + size) % capacity;
        froms[slot] = from;
        ids[slot] = id;
        times[slot] = atMs;
        int b = bucket(from, id);
        chain[slot] = buckets[b];
        buckets[b] = slot;
        size++;
    }

    private void dropOldest() {
        int slot = head;
        int b = bucket(froms[slot], ids[slot]);
        if (buckets[b] == slot) {
            buckets[b] = chain[slot];
        } else {
            int prev = buckets[b];
            while (chain[prev] != slot) {
                prev = chain[prev];
            }
            chain[prev] = chain[slot];
        }
        froms[slot] = null;
        ids[slot] = null;
        head = (head + 1) % capacity;
        size--;
    }

    /** For the vault: {@code from|id} to time. */
    synchronized Map<String, Long> snapshot() {
        Map<String, Long> out = new HashMap<>();
        for (int i = 0; i < size; i++) {
            int slot = (head + i) % capacity;
            out.put(froms[slot] + "|" + ids[slot], times[slot]);
        }
        return out;
    }

    /** From a vault snapshot, oldest first; entries it cannot read are skipped. */
    synchronized void restore(Map<?, ?> handed) {
        handed.entrySet().stream()
                .filter(e -> e.getKey() instanceof String && e.getValue() instanceof Long)
                .sorted(Map.Entry.comparingByValue((a, b) -> Long.compare((Long) a, (Long) b)))
                .forEach(e -> {
                    String key = (String) e.getKey();
                    int bar = key.indexOf('|');
                    try {
                        Address from = Address.parse(key.substring(0, bar));
                        String id = key.substring(bar + 1);
                        int slot = find(from, id);
                        if (slot != NONE) {
                            times[slot] = (Long) e.getValue();
                        } else {
                            add(from, id, (Long) e.getValue());
                        }
                    } catch (RuntimeException malformed) {
                        // an entry from another shape: skipped, at worst a resend is queued twice
                    }
                });
    }
}
