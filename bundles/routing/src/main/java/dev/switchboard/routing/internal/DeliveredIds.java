package dev.switchboard.routing.internal;

import dev.switchboard.api.stanza.Address;
import java.util.Arrays;

/**
 * Which messages each device confirmed recently, so a read receipt is relayed only for a message
 * its reader actually received: anyone could otherwise send "read" for a made-up id to anyone.
 * Holds 64-bit hashes of (reader, sender, id): two generations of open-addressed sets of longs,
 * the older dropped when the newer fills, so at least the most recent {@code capacity / 2} and
 * at most {@code capacity} are known, at 8 to 16 bytes each and no allocation per delivery (this
 * is on every delivery's path). Handed to the next revision on a swap; a restart forgets them,
 * and read receipts for messages delivered before it are then refused (docs/OFFLINE.md, "Known limits").
 */
final class DeliveredIds {

    private final int generationSize;
    private LongSet current;
    private LongSet previous;

    DeliveredIds(int capacity) {
        this.generationSize = Math.max(16, capacity / 2);
        this.current = new LongSet(generationSize);
        this.previous = new LongSet(16);
    }

    synchronized void delivered(Address reader, Address sender, String id) {
        add(key(reader, sender, id));
    }

    private void add(long key) {
        if (current.size() >= generationSize) {
            previous = current;
            current = new LongSet(generationSize);
        }
        current.add(key);
    }

    synchronized boolean wasDelivered(Address reader, Address sender, String id) {
        long key = key(reader, sender, id);
        return current.contains(key) || previous.contains(key);
    }

    /** Older generation first, as plain data for the state vault. */
    synchronized long[] snapshot() {
        long[] a = previous.toArray();
        long[] b = current.toArray();
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    synchronized void restore(long[] keys) {
        for (long k : keys) {
            add(k);
        }
    }

    /**
     * FNV-1a over the UTF-8 bytes of {@code reader|sender|id} (collisions would need a guessed
     * message id as well), computed without building that string.
     */
    static long key(Address reader, Address sender, String id) {
        long h = 0xcbf29ce484222325L;
        h = address(h, reader);
        h = fnv(h, '|');
        h = address(h, sender);
        h = fnv(h, '|');
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x80) {
                h = fnv(h, c);
            } else {
                for (byte b : String.valueOf(Character.isSurrogate(c) && i + 1 < id.length()
                        ? new String(new char[] {c, id.charAt(++i)}) : String.valueOf(c))
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                    h = fnv(h, b & 0xff);
                }
            }
        }
        return h;
    }

    private static long address(long h, Address a) {
        String user = a.user();
        for (int i = 0; i < user.length(); i++) {
            h = fnv(h, user.charAt(i));
        }
        h = fnv(h, '/');
        int device = a.device();
        if (device >= 100) {
            h = fnv(h, '0' + device / 100);
        }
        if (device >= 10) {
            h = fnv(h, '0' + device / 10 % 10);
        }
        return fnv(h, '0' + device % 10);
    }

    private static long fnv(long h, int b) {
        return (h ^ b) * 0x100000001b3L;
    }

    /** An insert-only set of longs by linear probing; 0 is stored apart since it marks a free slot. */
    private static final class LongSet {
        private final long[] slots;
        private final int mask;
        private int size;
        private boolean hasZero;

        LongSet(int expected) {
            int capacity = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
            slots = new long[capacity];
            mask = capacity - 1;
        }

        int size() {
            return size;
        }

        void add(long key) {
            if (key == 0) {
                if (!hasZero) {
                    hasZero = true;
                    size++;
                }
                return;
            }
            int i = (int) (key ^ (key >>> 32)) * 0x9E3779B9 & mask;
            while (slots[i] != 0) {
                if (slots[i] == key) {
                    return;
                }
                i = (i + 1) & mask;
            }
            slots[i] = key;
            size++;
        }

        boolean contains(long key) {
            if (key == 0) {
                return hasZero;
            }
            int i = (int) (key ^ (key >>> 32)) * 0x9E3779B9 & mask;
            while (slots[i] != 0) {
                if (slots[i] == key) {
                    return true;
                }
                i = (i + 1) & mask;
            }
            return false;
        }

        long[] toArray() {
            long[] out = new long[size];
            int n = 0;
            if (hasZero) {
                out[n++] = 0;
            }
            for (long s : slots) {
                if (s != 0) {
                    out[n++] = s;
                }
            }
            return out;
        }
    }
}
