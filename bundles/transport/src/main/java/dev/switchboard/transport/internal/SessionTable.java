package dev.switchboard.transport.internal;

import dev.switchboard.api.stanza.Address;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Open connections, and which device is logged in on which. */
final class SessionTable {

    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final Map<Address, Connection> byDevice = new ConcurrentHashMap<>();
    /** Devices per user (sorted, copied on change: users have one to five), found without a scan. */
    private final Map<String, int[]> devicesByUser = new ConcurrentHashMap<>();

    /** One-shot connections per device: they take answers to their own ids, never the queue. */
    private final Map<Address, List<Connection>> oneShots = new ConcurrentHashMap<>();

    /** Connections per source address: one shared counter per address, referenced by its connections. */
    private final Map<String, Source> sources = new ConcurrentHashMap<>();

    /** A source address and how many open connections it holds. */
    static final class Source {
        final String host;
        final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();

        Source(String host) {
            this.host = host;
        }
    }

    /** @return how many connections its source address holds now, this one included */
    int opened(Connection c) {
        open.add(c);
        Object remote = c.session.getRemoteAddress();
        String host = remote instanceof java.net.InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : String.valueOf(remote);
        Source s = sources.compute(host, (h, existing) -> {
            Source src = existing != null ? existing : new Source(h);
            src.open.incrementAndGet();
            return src;
        });
        c.source = s;
        return s.open.get();
    }

    private void forgetSource(Connection c) {
        Source s = c.source;
        if (s != null) {
            c.source = null;
            sources.computeIfPresent(s.host, (h, src) -> src.open.decrementAndGet() <= 0 ? null : src);
        }
    }

    /** Registers a login; an older session of the same device is returned so it can be closed. */
    Connection loggedIn(Connection c) {
        Address a = c.address;
        devicesByUser.compute(a.user(), (u, devices) -> with(devices, a.device()));
        Connection previous = byDevice.put(a, c);
        return previous == c ? null : previous;
    }

    /** Registers a one-shot login: beside the device's session, which it neither replaces nor closes. */
    void loggedInOneShot(Connection c) {
        oneShots.compute(c.address, (a, list) -> {
            List<Connection> out = list == null ? new ArrayList<>(1) : new ArrayList<>(list);
            out.add(c);
            return List.copyOf(out);
        });
    }

    /** The device's one-shot connections, or null (the common case) when it has none. */
    List<Connection> oneShots(Address a) {
        return oneShots.isEmpty() ? null : oneShots.get(a);
    }

    /** @return whether this was the device's current session (so the device is now offline) */
    boolean closed(Connection c) {
        open.remove(c);
        forgetSource(c);
        Address a = c.address;
        if (a != null && c.oneShot != null) {
            oneShots.computeIfPresent(a, (device, list) -> {
                List<Connection> out = new ArrayList<>(list);
                out.remove(c);
                return out.isEmpty() ? null : List.copyOf(out);
            });
            return false;
        }
        if (a != null && byDevice.remove(a, c)) {
            devicesByUser.computeIfPresent(a.user(), (u, devices) -> byDevice.containsKey(a) ? devices : without(devices, a.device()));
            return true;
        }
        return false;
    }

    Connection find(Address a) {
        return byDevice.get(a);
    }

    List<Address> devicesOf(String user) {
        int[] devices = devicesByUser.get(user);
        if (devices == null) {
            return List.of();
        }
        List<Address> out = new ArrayList<>(devices.length);
        for (int d : devices) {
            out.add(new Address(user, d));
        }
        return out;
    }

    private static int[] with(int[] devices, int device) {
        if (devices == null) {
            return new int[] {device};
        }
        if (java.util.Arrays.binarySearch(devices, device) >= 0) {
            return devices;
        }
        int[] out = java.util.Arrays.copyOf(devices, devices.length + 1);
        out[devices.length] = device;
        java.util.Arrays.sort(out);
        return out;
    }

    /** The array without a device, or null when none is left (which removes the entry). */
    private static int[] without(int[] devices, int device) {
        int at = java.util.Arrays.binarySearch(devices, device);
        if (at < 0) {
            return devices;
        }
        if (devices.length == 1) {
            return null;
        }
        int[] out = new int[devices.length - 1];
        System.arraycopy(devices, 0, out, 0, at);
        System.arraycopy(devices, at + 1, out, at, devices.length - at - 1);
        return out;
    }

    Collection<Connection> loggedIn() {
        return byDevice.values();
    }

    Collection<Connection> all() {
        return open;
    }

    int size() {
        return open.size();
    }
}
