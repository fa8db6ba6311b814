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
    /** Devices per user, so a user's devices are found without a scan. */
    private final Map<String, Set<Integer>> devicesByUser = new ConcurrentHashMap<>();

    void opened(Connection c) {
        open.add(c);
    }

    /** Registers a login; an older session of the same device is returned so it can be closed. */
    Connection loggedIn(Connection c) {
        Address a = c.address;
        devicesByUser.computeIfAbsent(a.user(), u -> ConcurrentHashMap.newKeySet()).add(a.device());
        Connection previous = byDevice.put(a, c);
        return previous == c ? null : previous;
    }

    void closed(Connection c) {
        open.remove(c);
        Address a = c.address;
        if (a != null && byDevice.remove(a, c)) {
            devicesByUser.computeIfPresent(a.user(), (u, set) -> {
                if (!byDevice.containsKey(a)) {
                    set.remove(a.device());
                }
                return set.isEmpty() ? null : set;
            });
        }
    }

    Connection find(Address a) {
        return byDevice.get(a);
    }

    List<Address> devicesOf(String user) {
        Set<Integer> set = devicesByUser.get(user);
        if (set == null) {
            return List.of();
        }
        List<Address> out = new ArrayList<>(set.size());
        set.stream().sorted().forEach(d -> out.add(new Address(user, d)));
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
