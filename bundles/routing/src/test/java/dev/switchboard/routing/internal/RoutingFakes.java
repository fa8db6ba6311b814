package dev.switchboard.routing.internal;

import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.session.SessionInfo;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.state.StateVault;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** What routing's framework-free tests share: a state vault in memory, configurations at their defaults, a directory base. */
final class RoutingFakes {

    private RoutingFakes() {
    }

    static StateVault vault() {
        Map<String, StateVault.Snapshot> kept = new ConcurrentHashMap<>();
        return new StateVault() {
            @Override
            public void put(String key, int shapeVersion, Map<String, Object> data) {
                kept.put(key, new Snapshot(shapeVersion, data));
            }

            @Override
            public Optional<Snapshot> take(String key) {
                return Optional.ofNullable(kept.remove(key));
            }
        };
    }

    /** A configuration annotation whose every attribute has its default value. */
    static <A> A defaults(Class<A> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (p, m, a) -> m.getName().equals("annotationType") ? type : m.getDefaultValue()));
    }

    /** A session directory whose tests define delivery and devices; the rest answers as an idle directory. */
    abstract static class Directory implements SessionDirectory {
        @Override
        public List<Address> devicesOf(String user) {
            return List.of(new Address(user, 0));
        }

        @Override
        public List<SessionInfo> sessions(String userPrefix) {
            return List.of();
        }

        @Override
        public Map<String, Long> counters() {
            return Map.of();
        }

        @Override
        public int connectionCount() {
            return 0;
        }

        @Override
        public boolean close(Address device, String reason) {
            return false;
        }
    }
}
