package dev.switchboard.routing.internal;

import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.session.SessionInfo;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A session directory with a fixed set of online devices, recording what each was handed. */
final class OnlineDirectory implements SessionDirectory {

    final Set<Address> online;
    final List<Object[]> sent = new ArrayList<>();

    OnlineDirectory(Address... online) {
        this.online = Set.of(online);
    }

    /** What one device was handed, in order. */
    List<Node> to(Address device) {
        return sent.stream().filter(e -> e[0].equals(device)).map(e -> (Node) e[1]).toList();
    }

    @Override
    public boolean deliver(Address to, Node stanza) {
        if (!online.contains(to)) {
            return false;
        }
        sent.add(new Object[] {to, stanza});
        return true;
    }

    @Override
    public List<Address> devicesOf(String user) {
        return online.stream().filter(a -> a.user().equals(user)).toList();
    }

    @Override
    public List<SessionInfo> sessions(String userPrefix) {
        return List.of();
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
        return false;
    }
}
