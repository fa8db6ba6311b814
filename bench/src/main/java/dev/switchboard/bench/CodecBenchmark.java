package dev.switchboard.bench;

import dev.switchboard.api.protocol.Decoded;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.protocol.binary.wire.BinaryWire;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Encode and decode of the stanzas every message costs: the sent message, the delivered one, the ack. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {

    private final BinaryWire wire = new BinaryWire();
    private final Node sent = Node.withContent("message", "hello 1234".getBytes(StandardCharsets.UTF_8),
            "to", "15551234567/0", "id", "1042");
    private final Node delivered = Node.withContent("message", "hello 1234".getBytes(StandardCharsets.UTF_8),
            "from", "15557654321/0", "id", "1042", "seq", "1234567", "t", "1795800000000");
    private final Node ack = Node.of("ack", "id", "1042");
    private final byte[] sentFrame = wire.encode(sent, 1).array();
    private final byte[] deliveredFrame = wire.encode(delivered, 1).array();

    @Benchmark
    public ByteBuffer encodeSentMessage() {
        return wire.encode(sent, 1);
    }

    @Benchmark
    public ByteBuffer encodeDeliveredMessage() {
        return wire.encode(delivered, 1);
    }

    @Benchmark
    public ByteBuffer encodeAck() {
        return wire.encode(ack, 1);
    }

    @Benchmark
    public Decoded decodeSentMessage() {
        return wire.decode(ByteBuffer.wrap(sentFrame), 1, 1 << 20);
    }

    @Benchmark
    public Decoded decodeDeliveredMessage() {
        return wire.decode(ByteBuffer.wrap(deliveredFrame), 1, 1 << 20);
    }
}
