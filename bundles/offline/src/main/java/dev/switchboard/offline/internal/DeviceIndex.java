package dev.switchboard.offline.internal;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.store.QueuedMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which messages wait for which device: sequence number, size and acceptance time of each, in
 * order, without the bodies (those are in the hot tier or the journal). Enforces the per-device
 * limits. Each device's queue is guarded by itself.
 */
final class DeviceIndex {

    /** One device's waiting messages: seq to {size, acceptedAtMs}. */
    private static final class Queue {
        final TreeMap<Long, long[]> entries = new TreeMap<>();
        long bytes;
    }

    private final Map<Address, Queue> queues = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong total = new java.util.concurrent.atomic.AtomicLong();
    private final int maxMessages;
    private final long maxBytes;

    DeviceIndex(int maxMessages, long maxBytes) {
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

    void add(QueuedMessage m) {
        while (true) {
            Queue q = queues.computeIfAbsent(m.to(), d -> new Queue());
            synchronized (q) {
                // remove() drops a queue from the map when it empties; adding to a dropped queue
                // would lose the entry, so look again if this one is no longer the device's queue
                if (queues.get(m.to()) != q) {
                    continue;
                }
                if (q.entries.put(m.seq(), new long[] {m.size(), m.acceptedAtMs()}) == null) {
                    q.bytes += m.size();
                    total.incrementAndGet();
                }
                return;
            }
        }
    }

    /** @return whether it was waiting */
    boolean remove(Address device, long seq) {
        Queue q = queues.get(device);
        if (q == null) {
            return false;
        }
        synchronized (q) {
            long[] e = q.entries.remove(seq);
            if (e == null) {
                return false;
            }
            total.decrementAndGet();
            q.bytes -= e[0];
            if (q.entries.isEmpty()) {
                queues.remove(device, q);
            }
            return true;
        }
    }

    /** Sequence numbers waiting for a device after {@code afterSeq}, in order, at most {@code max}. */
    List<Long> after(Address device, long afterSeq, int max) {
        Queue q = queues.get(device);
        if (q == null) {
            return List.of();
        }
        synchronized (q) {
            List<Long> out = new ArrayList<>(Math.min(max, q.entries.size()));
            for (Long seq : q.entries.tailMap(afterSeq, false).keySet()) {
                if (out.size() == max) {
                    break;
                }
                out.add(seq);
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
            return q.entries.containsKey(seq);
        }
    }

    /** Messages waiting for all devices together. */
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

    /** Drops entries accepted before a time. @return how many */
    int expire(long acceptedBeforeMs) {
        int removed = 0;
        for (Map.Entry<Address, Queue> e : queues.entrySet()) {
            Queue q = e.getValue();
            synchronized (q) {
                var it = q.entries.values().iterator();
                while (it.hasNext()) {
                    long[] entry = it.next();
                    if (entry[1] < acceptedBeforeMs) {
                        q.bytes -= entry[0];
                        it.remove();
                        total.decrementAndGet();
                        removed++;
                    }
                }
            }
        }
        return removed;
    }
}
