package dev.switchboard.offline.internal;

import dev.switchboard.api.stanza.Address;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What waits for which device, in seq order, with the per-device limits. A device's queue is an
 * array deque guarded by itself: messages join at the tail (seqs only grow) and are confirmed
 * from the head, so the common operations touch one end and allocate nothing per message beyond
 * the {@link Waiting} itself.
 */
final class DeviceQueues {

    private static final class Queue {
        final ArrayDeque<Waiting> entries = new ArrayDeque<>(4);
        long bytes;
    }

    private final Map<Address, Queue> queues = new ConcurrentHashMap<>();
    private final AtomicLong total = new AtomicLong();
    private final int maxMessages;
    private final long maxBytes;

    DeviceQueues(int maxMessages, long maxBytes) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    /** Null when the device can take {@code count} more messages of {@code bytes}; else why not. */
    String refusal(Address device, int count, long bytes) {
        Queue q = queues.get(device);
        if (q == null) {
            return count > maxMessages || bytes > maxBytes ? "a single batch exceeds the queue limits" : null;
        }
        synchronized (q) {
            if (q.entries.size() + count > maxMessages) {
                return "the queue of " + device + " holds " + q.entries.size() + " messages (limit " + maxMessages + ")";
            }
            if (q.bytes + bytes > maxBytes) {
                return "the queue of " + device + " holds " + q.bytes + " bytes (limit " + maxBytes + ")";
            }
            return null;
        }
    }

    /** Adds at the tail: callers add in seq order per device (numbering and adding under one lock). */
    void add(Address device, Waiting w) {
        while (true) {
            Queue q = queues.computeIfAbsent(device, d -> new Queue());
            synchronized (q) {
                // a queue that empties is dropped from the map; adding to a dropped queue would lose
                // the entry, so look again if this one is no longer the device's queue
                if (queues.get(device) != q) {
                    continue;
                }
                Waiting last = q.entries.peekLast();
                if (last != null && last.seq >= w.seq) {
                    insertInOrder(q, w); // only a rebuild from an unordered source gets here
                } else {
                    q.entries.addLast(w);
                }
                q.bytes += w.size;
                total.incrementAndGet();
                return;
            }
        }
    }

    private static void insertInOrder(Queue q, Waiting w) {
        List<Waiting> all = new ArrayList<>(q.entries);
        int at = 0;
        while (at < all.size() && all.get(at).seq < w.seq) {
            at++;
        }
        all.add(at, w);
        q.entries.clear();
        q.entries.addAll(all);
    }

    /** Removes one message. @return it, or null when it was not waiting */
    Waiting remove(Address device, long seq) {
        Queue q = queues.get(device);
        if (q == null) {
            return null;
        }
        synchronized (q) {
            for (Iterator<Waiting> it = q.entries.iterator(); it.hasNext(); ) {
                Waiting w = it.next();
                if (w.seq == seq) {
                    it.remove();
                    dropped(device, q, w);
                    return w;
                }
                if (w.seq > seq) {
                    break;
                }
            }
            return null;
        }
    }

    /**
     * Drops what this store read of a device's queue from the durable tier (at start, or at an
     * earlier takeover), keeping what it queued itself since: a cluster's new lane owner replaces
     * the rest with what the tier holds now.
     */
    void dropRead(Address device) {
        Queue q = queues.get(device);
        if (q == null) {
            return;
        }
        synchronized (q) {
            for (Iterator<Waiting> it = q.entries.iterator(); it.hasNext(); ) {
                Waiting w = it.next();
                if (w.batch == null) {
                    it.remove();
                    dropped(device, q, w);
                }
            }
        }
    }

    /** Removes every message up to and including a seq, in order. */
    List<Waiting> removeUpTo(Address device, long seq) {
        Queue q = queues.get(device);
        if (q == null) {
            return List.of();
        }
        synchronized (q) {
            List<Waiting> out = new ArrayList<>();
            Waiting w;
            while ((w = q.entries.peekFirst()) != null && w.seq <= seq) {
                q.entries.pollFirst();
                dropped(device, q, w);
                out.add(w);
            }
            return out;
        }
    }

    private void dropped(Address device, Queue q, Waiting w) {
        q.bytes -= w.size;
        total.decrementAndGet();
        if (q.entries.isEmpty()) {
            queues.remove(device, q);
        }
    }

    /** The messages waiting after {@code afterSeq}, in order, at most {@code max}. */
    List<Waiting> after(Address device, long afterSeq, int max) {
        Queue q = queues.get(device);
        if (q == null) {
            return List.of();
        }
        synchronized (q) {
            List<Waiting> out = new ArrayList<>(Math.min(max, q.entries.size()));
            for (Waiting w : q.entries) {
                if (out.size() == max) {
                    break;
                }
                if (w.seq > afterSeq) {
                    out.add(w);
                }
            }
            return out;
        }
    }

    boolean contains(Address device, long seq) {
        Queue q = queues.get(device);
        if (q == null) {
            return false;
        }
        synchronized (q) {
            for (Waiting w : q.entries) {
                if (w.seq == seq) {
                    return true;
                }
            }
            return false;
        }
    }

    long total() {
        return total.get();
    }

    int depth(Address device) {
        Queue q = queues.get(device);
        if (q == null) {
            return 0;
        }
        synchronized (q) {
            return q.entries.size();
        }
    }

    /** Removes what was accepted before a time. @return the removed entries */
    List<Waiting> expire(long acceptedBeforeMs) {
        List<Waiting> out = new ArrayList<>();
        for (Map.Entry<Address, Queue> e : queues.entrySet()) {
            Queue q = e.getValue();
            synchronized (q) {
                for (Iterator<Waiting> it = q.entries.iterator(); it.hasNext(); ) {
                    Waiting w = it.next();
                    if (w.acceptedAtMs < acceptedBeforeMs) {
                        it.remove();
                        q.bytes -= w.size;
                        total.decrementAndGet();
                        out.add(w);
                    }
                }
                if (q.entries.isEmpty()) {
                    queues.remove(e.getKey(), q);
                }
            }
        }
        return out;
    }
}
