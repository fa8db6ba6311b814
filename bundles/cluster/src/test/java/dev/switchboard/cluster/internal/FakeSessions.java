package dev.switchboard.cluster.internal;

import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.session.SessionInfo;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** One node's local sessions, as its transport would hold them; records what the cluster closes. */
final class FakeSessions implements SessionDirectory {

    /** Every device's session id here is this one (a transport's would differ per login). */
    static final long SESSION = 7;
    final Set<Address> online = ConcurrentHashMap.newKeySet();
    final List<String> closed = new CopyOnWriteArrayList<>();
    final List<String> delivered = new CopyOnWriteArrayList<>();

    @Override
    public boolean deliver(Address to, Node stanza) {
        if (!online.contains(to)) {
            return false;
        }
        delivered.add(to + " " + stanza);
        return true;
    }

    @Override
    public long sessionOf(Address device) {
        return online.contains(device) ? SESSION : 0;
    }

    @Override
    public List<Address> devicesOf(String user) {
        return online.stream().filter(a -> a.user().equals(user)).sorted((x, y) -> x.device() - y.device()).toList();
    }

    @Override
    public List<SessionInfo> sessions(String userPrefix) {
        return online.stream().filter(a -> a.user().startsWith(userPrefix))
                .map(a -> new SessionInfo(a, "127.0.0.1", 0, 0, 0)).toList();
    }

    @Override
    public int connectionCount() {
        return online.size();
    }

    @Override
    public Map<String, Long> counters() {
        return Map.of();
    }

    @Override
    public boolean close(Address device, String reason) {
        closed.add(device + " " + reason);
        return online.remove(device);
    }
}
