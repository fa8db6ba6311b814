package dev.switchboard.bench;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.offline.internal.MemoryMessageJournal;
import dev.switchboard.offline.internal.OfflineConfiguration;
import dev.switchboard.offline.internal.OfflineQueues;
import dev.switchboard.routing.internal.RouterComponent;
import dev.switchboard.routing.internal.RoutingConfiguration;
import dev.switchboard.transport.internal.StateVaultComponent;
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
 * invocation between 100 pairs, so the score is messages per second. {@code confirm}: the
 * recipient confirms each stanza ({@code each}, {@code received seq=}) or, for each device, what
 * one lane turn handed it with one cumulative {@code received upto=} ({@code upto}), as a client
 * does for what one read brought.
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
    @org.openjdk.jmh.annotations.Param({"each", "upto"})
    public String confirm;
    /** Per lane thread, the highest seq each device was handed in the current turn. */
    private final ThreadLocal<java.util.Map<Address, String>> turn = ThreadLocal.withInitial(java.util.HashMap::new);

    @Setup(Level.Trial)
    public void start() throws Exception {
        StateVaultComponent vault = new StateVaultComponent();
        offline = new OfflineQueues(new MemoryMessageJournal(), vault, Fakes.defaults(OfflineConfiguration.class));
        router = new RouterComponent(Fakes.sessions(this::handed, 1000, this::turnEnded), vault,
                Fakes.defaults(RoutingConfiguration.class));
        router.bindOffline(offline);
        router.bindAccounts(Fakes.oneDeviceAccounts());
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

    /** A fast client: it confirms what it is handed at once. */
    private void handed(Address to, Node stanza) {
        switch (stanza.tag()) {
            case "ack" -> acks.release();
            case "message", "receipt" -> {
                if (confirm.equals("each")) {
                    router.route(to, Node.of("received", "seq", stanza.attr("seq")));
                    return;
                }
                turn.get().put(to, stanza.attr("seq")); // seqs rise per device: the last is the highest
            }
            default -> { }
        }
    }

    private void turnEnded() {
        java.util.Map<Address, String> handedNow = turn.get();
        if (!handedNow.isEmpty()) {
            java.util.List<java.util.Map.Entry<Address, String>> confirm = new java.util.ArrayList<>(handedNow.entrySet());
            handedNow.clear();
            confirm.forEach(e -> router.route(e.getKey(), Node.of("received", "upto", e.getValue())));
        }
    }

    private static String user(int i) {
        return String.valueOf(1_550_000_000L + i);
    }
}
