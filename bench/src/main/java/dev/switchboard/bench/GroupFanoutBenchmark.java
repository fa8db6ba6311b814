package dev.switchboard.bench;

import dev.switchboard.api.groups.GroupDirectory;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.offline.internal.MemoryMessageJournal;
import dev.switchboard.offline.internal.OfflineConfiguration;
import dev.switchboard.offline.internal.OfflineQueues;
import dev.switchboard.routing.internal.RouterComponent;
import dev.switchboard.routing.internal.RoutingConfiguration;
import dev.switchboard.transport.internal.StateVaultComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * Group fan-out without sockets: messages to a group of {@code MEMBERS} accounts (one device
 * each, all online, confirming at once as a fast client would), each copy queued, handed out,
 * confirmed and answered with a delivered receipt to the sender, who confirms that too. The score
 * is deliveries (copies confirmed by a member device) per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GroupFanoutBenchmark {

    private static final int MESSAGES = 20;
    private static final String GROUP = "g1000001";

    private static final int MEMBERS = 256;

    private final Semaphore acks = new Semaphore(0);
    private RouterComponent router;
    private OfflineQueues offline;
    private Address sender;
    private long id;

    @Setup(Level.Trial)
    public void start() throws Exception {
        StateVaultComponent vault = new StateVaultComponent();
        offline = new OfflineQueues(new MemoryMessageJournal(), vault, Fakes.defaults(OfflineConfiguration.class));
        router = new RouterComponent(Fakes.sessions(this::handed, 1000), vault, Fakes.defaults(RoutingConfiguration.class));
        router.bindOffline(offline);
        router.bindAccounts(Fakes.oneDeviceAccounts());
        List<String> users = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            users.add(user(i));
            router.deviceOnline(new Address(user(i), 0));
        }
        List<String> everyone = List.copyOf(users);
        router.bindGroups(new GroupDirectory() {
            @Override
            public Optional<List<String>> members(String groupId) {
                return GROUP.equals(groupId) ? Optional.of(everyone) : Optional.empty();
            }
        });
        sender = new Address(user(0), 0);
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        router.deactivateForTest();
        offline.deactivateForTest();
    }

    /** {@code MESSAGES} group messages, {@code MEMBERS - 1} deliveries each. */
    @Benchmark
    @OperationsPerInvocation(MESSAGES * (MEMBERS - 1))
    public void fanOut() throws InterruptedException {
        for (int i = 0; i < MESSAGES; i++) {
            router.route(sender, Node.withContent("message", new byte[16], "to", GROUP, "id", Long.toString(++id)));
        }
        if (!acks.tryAcquire(MESSAGES, 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("acknowledgements missing");
        }
    }

    /** A fast client: it confirms what it is handed at once. */
    private void handed(Address to, Node stanza) {
        switch (stanza.tag()) {
            case "ack" -> acks.release();
            case "message", "receipt" -> router.route(to, Node.of("received", "seq", stanza.attr("seq")));
            default -> { }
        }
    }

    private static String user(int i) {
        return String.valueOf(1_560_000_000L + i);
    }
}
