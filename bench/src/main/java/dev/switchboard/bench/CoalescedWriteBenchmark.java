package dev.switchboard.bench;

import dev.switchboard.api.stanza.Node;
import dev.switchboard.protocol.binary.wire.BinaryWire;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the transport's writer does with the frames due for one connection in one turn: eight
 * delivered messages and their acks gathered into one buffer, each encoded in place
 * ({@code gathered}), against a frame array per stanza copied into a buffer of its own
 * ({@code framePerStanza}, the writer before). Per frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CoalescedWriteBenchmark {

    private static final int FRAMES = 16;
    private final BinaryWire wire = new BinaryWire();
    private final Node[] turn = new Node[FRAMES];

    public CoalescedWriteBenchmark() {
        for (int i = 0; i < FRAMES; i += 2) {
            turn[i] = Node.withContent("message", new byte[16], "from", "15551234567/0", "id", "lz2f3k-" + (1000 + i),
                    "seq", Long.toString(1_234_567L + i), "t", "1764590000000");
            turn[i + 1] = Node.of("ack", "id", "lz2f3k-" + (2000 + i));
        }
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public ByteBuffer gathered() {
        ByteBuffer out = ByteBuffer.allocate(1024);
        for (Node n : turn) {
            if (!wire.encode(n, 1, out)) {
                throw new IllegalStateException("1 KiB holds the turn");
            }
        }
        return out;
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public void framePerStanza(Blackhole sink) {
        for (Node n : turn) {
            ByteBuffer frame = wire.encode(n, 1);
            sink.consume(ByteBuffer.allocate(frame.remaining()).put(frame));
        }
    }
}
