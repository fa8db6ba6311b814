package dev.switchboard.bench;

import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.session.SessionInfo;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.DeviceRecord;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/** The stand-ins the benchmarks share: accounts with one device each, sessions without sockets, default configs. */
final class Fakes {

    private Fakes() {
    }

    /** Every account has exactly device 0. */
    static AccountService oneDeviceAccounts() {
        return (AccountService) Proxy.newProxyInstance(Fakes.class.getClassLoader(), new Class<?>[] {AccountService.class},
                (p, m, a) -> {
                    if (m.getName().equals("devices")) {
                        return List.of(new DeviceRecord(new Address((String) a[0], 0), 0));
                    }
                    throw new IllegalStateException(m.getName() + " is not used by the benchmarks");
                });
    }

    /** A configuration annotation with every attribute at its default. */
    static <A> A defaults(Class<A> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (p, m, a) -> m.getName().equals("annotationType") ? type : m.getDefaultValue()));
    }

    /** Device 0 of every user is online; what is handed to a session goes to {@code handed}. */
    static SessionDirectory sessions(BiConsumer<Address, Node> handed, int connections) {
        return sessions(handed, connections, () -> { });
    }

    /** As above; {@code turnEnded} runs when a batch of deliveries (a lane turn) ends, as a read would on a client. */
    static SessionDirectory sessions(BiConsumer<Address, Node> handed, int connections, Runnable turnEnded) {
        return new SessionDirectory() {
            @Override
            public void batch(Runnable work) {
                work.run();
                turnEnded.run();
            }

            @Override
            public boolean deliver(Address to, Node stanza) {
                handed.accept(to, stanza);
                return true;
            }

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
                return connections;
            }

            @Override
            public boolean close(Address device, String reason) {
                return false;
            }
        };
    }
}
