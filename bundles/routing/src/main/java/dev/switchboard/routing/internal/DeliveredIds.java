package dev.switchboard.routing.internal;

import dev.switchboard.api.stanza.Address;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which messages each device confirmed recently, so a read receipt is relayed only for a message
 * its reader actually received: anyone could otherwise send "read" for a made-up id to anyone.
 * Holds 64-bit hashes of (reader, sender, id), the most recent {@code capacity} of them (8 bytes
 * of key each), handed to the next revision on a swap; a restart forgets them, and read receipts
 * for messages delivered before it are then refused (docs/OFFLINE.md, "Known limits").
 */
final class DeliveredIds {

    private final Map<Long, Boolean> recent;

    DeliveredIds(int capacity) {
        this.recent = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized void delivered(Address reader, Address sender, String id) {
        recent.put(key(reader, sender, id), Boolean.TRUE);
    }

    synchronized boolean wasDelivered(Address reader, Address sender, String id) {
        return recent.containsKey(key(reader, sender, id));
    }

    /** Oldest first, as plain data for the state vault. */
    synchronized long[] snapshot() {
        return recent.keySet().stream().mapToLong(Long::longValue).toArray();
    }

    synchronized void restore(long[] keys) {
        for (long k : keys) {
            recent.put(k, Boolean.TRUE);
        }
    }

    /** FNV-1a over the three parts: collisions would need a guessed message id as well. */
    static long key(Address reader, Address sender, String id) {
        long h = 0xcbf29ce484222325L;
        for (byte b : (reader + "|" + sender + "|" + id).getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
