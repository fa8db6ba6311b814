package dev.switchboard.bench;

import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.session.SessionInfo;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.DeviceRecord;
import dev.switchboard.offline.internal.MemoryMessageJournal;
import dev.switchboard.offline.internal.OfflineConfiguration;
import dev.switchboard.offline.internal.OfflineQueues;
import dev.switchboard.routing.internal.RouterComponent;
import dev.switchboard.routing.internal.RoutingConfiguration;
import dev.switchboard.transport.internal.StateVaultComponent;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The router's dispatch without sockets: a message routed, queued, handed to its (simulated,
 * always online) recipient, confirmed by it, and acknowledged to its sender; 1,000 messages per
 * invocation between 100 pairs, so the score is messages per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RouterBenchmark {

    private static final int PAIRS = 100;
    private static final int BATCH = 1000;

    private final Semaphore acks = new Semaphore(0);
    private RouterComponent router;
    private OfflineQueues offline;
    private long id;

    @Setup(Level.Trial)
    public void start() throws Exception {
        StateVaultComponent vault = new StateVaultComponent();
        offline = new OfflineQueues(new MemoryMessageJournal(), vault, config(OfflineConfiguration.class));
        router = new RouterComponent(new Devices(), vault, config(RoutingConfiguration.class));
        router.bindOffline(offline);
        router.bindAccounts(accounts());
        for (int i = 0; i < 2 * PAIRS; i++) {
            router.deviceOnline(new Address(user(i), 0));
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        router.deactivateForTest();
        offline.deactivateForTest();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void routeConfirmAndAcknowledge() throws InterruptedException {
        for (int i = 0; i < BATCH; i++) {
            int from = i % (2 * PAIRS);
            router.route(new Address(user(from), 0), Node.withContent("message", new byte[16],
                    "to", user(from ^ 1), "id", Long.toString(++id)));
        }
        if (!acks.tryAcquire(BATCH, 30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("acknowledgements missing");
        }
    }

    private static String user(int i) {
        return String.valueOf(1_550_000_000L + i);
    }

    /** Every device is online and confirms what it is handed at once, as a fast client would. */
    private final class Devices implements SessionDirectory {
        @Override
        public boolean deliver(Address to, Node stanza) {
            switch (stanza.tag()) {
                case "ack" -> acks.release();
                case "message", "receipt" -> router.route(to, Node.of("received", "seq", stanza.attr("seq")));
                default -> { }
            }
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
            return 2 * PAIRS;
        }

        @Override
        public boolean close(Address device, String reason) {
            return false;
        }
    }

    private static AccountService accounts() {
        return (AccountService) Proxy.newProxyInstance(RouterBenchmark.class.getClassLoader(),
                new Class<?>[] {AccountService.class}, (p, m, a) -> {
                    if (m.getName().equals("devices")) {
                        return List.of(new DeviceRecord(new Address((String) a[0], 0), 0));
                    }
                    throw new IllegalStateException(m.getName() + " is not used by this benchmark");
                });
    }

    private static <A> A config(Class<A> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (p, m, a) -> m.getName().equals("annotationType") ? type : m.getDefaultValue()));
    }
}
