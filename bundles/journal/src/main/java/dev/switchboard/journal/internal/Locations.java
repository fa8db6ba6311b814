package dev.switchboard.journal.internal;

import dev.switchboard.api.stanza.Address;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Where each waiting message is in the log, per device in seq order. Appends come in seq order
 * and deliveries take from the front, so each device's list is an array with a moving head:
 * no tree, no boxing, nothing allocated per message but its {@link Location}. Not thread-safe:
 * the journal calls it under its lock.
 */
final class Locations {

    /** One waiting message: its seq, segment, offset and payload length, and when it was accepted. */
    record Location(long seq, int segment, long offset, int length, long acceptedAtMs) {
    }

    private static final class DeviceList {
        Location[] items = new Location[4];
        int head;
        int tail;

        int size() {
            return tail - head;
        }
    }

    private final Map<Address, DeviceList> byDevice = new HashMap<>();
    private long count;

    /** Adds a location, or replaces the one with the same seq (a copy moved forward). @return the replaced one */
    Location put(Address device, Location at) {
        DeviceList d = byDevice.computeIfAbsent(device, x -> new DeviceList());
        if (d.size() == 0 || d.items[d.tail - 1].seq() < at.seq()) {
            append(d, at);
            count++;
            return null;
        }
        for (int i = d.head; i < d.tail; i++) {
            if (d.items[i].seq() == at.seq()) {
                Location before = d.items[i];
                d.items[i] = at;
                return before;
            }
            if (d.items[i].seq() > at.seq()) {
                insert(d, i, at); // only a replay of copies written out of order gets here
                count++;
                return null;
            }
        }
        append(d, at);
        count++;
        return null;
    }

    private static void append(DeviceList d, Location at) {
        if (d.tail == d.items.length) {
            compactOrGrow(d);
        }
        d.items[d.tail++] = at;
    }

    private static void insert(DeviceList d, int index, Location at) {
        if (d.tail == d.items.length) {
            int shift = d.head;
            compactOrGrow(d);
            index -= shift;
        }
        System.arraycopy(d.items, index, d.items, index + 1, d.tail - index);
        d.items[index] = at;
        d.tail++;
    }

    private static void compactOrGrow(DeviceList d) {
        int size = d.size();
        Location[] target = size * 2 < d.items.length ? d.items : new Location[d.items.length * 2];
        System.arraycopy(d.items, d.head, target, 0, size);
        if (target == d.items) {
            Arrays.fill(d.items, size, d.tail, null);
        }
        d.items = target;
        d.head = 0;
        d.tail = size;
    }

    /** Removes a device's message. @return its location, or null when it was not waiting */
    Location remove(Address device, long seq) {
        DeviceList d = byDevice.get(device);
        if (d == null) {
            return null;
        }
        for (int i = d.head; i < d.tail; i++) {
            Location at = d.items[i];
            if (at.seq() == seq) {
                if (i == d.head) {
                    d.items[d.head++] = null;
                } else {
                    System.arraycopy(d.items, i + 1, d.items, i, d.tail - i - 1);
                    d.items[--d.tail] = null;
                }
                if (d.size() == 0) {
                    byDevice.remove(device);
                }
                count--;
                return at;
            }
            if (at.seq() > seq) {
                return null;
            }
        }
        return null;
    }

    /** A device's locations after a seq, in order, at most {@code max}. */
    List<Location> after(Address device, long afterSeq, int max) {
        DeviceList d = byDevice.get(device);
        if (d == null) {
            return List.of();
        }
        List<Location> out = new ArrayList<>(Math.min(max, d.size()));
        for (int i = d.head; i < d.tail && out.size() < max; i++) {
            if (d.items[i].seq() > afterSeq) {
                out.add(d.items[i]);
            }
        }
        return out;
    }

    /** Visits every location with its device. */
    void forEach(BiConsumer<Address, Location> visit) {
        byDevice.forEach((device, d) -> {
            for (int i = d.head; i < d.tail; i++) {
                visit.accept(device, d.items[i]);
            }
        });
    }

    Iterable<Address> devices() {
        return byDevice.keySet();
    }

    long count() {
        return count;
    }
}
