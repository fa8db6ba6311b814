package dev.switchboard.bench;

import dev.switchboard.noise.CipherKey;
import dev.switchboard.noise.Handshake;
import dev.switchboard.noise.KeyPair25519;
import dev.switchboard.noise.NoiseException;
import dev.switchboard.noise.Pattern;
import dev.switchboard.noise.Preamble;
import dev.switchboard.noise.Records;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What Noise costs (docs/PROTOCOL.md §1a), one thread: the server's share of an IK handshake (the
 * client's first message made beforehand), whole handshakes with both sides in this thread, and
 * sealing one coalesced write of {@code bytes} as a record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class NoiseBenchmark {

    private static final byte[] IK_PROLOGUE = Preamble.of(1, Pattern.IK);
    private static final byte[] XX_PROLOGUE = Preamble.of(1, Pattern.XX);
    private static final byte[] NOTHING = new byte[0];

    private final KeyPair25519 server = KeyPair25519.generate();
    private final KeyPair25519 client = KeyPair25519.generate();
    private final byte[][] ikFirstMessages = new byte[64][];
    private int next;

    @Param({"1024"})
    public int bytes;
    private ByteBuffer batch;
    private ByteBuffer sealed;
    private CipherKey send;

    @Setup(Level.Trial)
    public void setUp() throws NoiseException {
        for (int i = 0; i < ikFirstMessages.length; i++) {
            ikFirstMessages[i] = new Handshake(Pattern.IK, true, client, server.publicKey(), IK_PROLOGUE).writeMessage(NOTHING);
        }
        batch = ByteBuffer.allocate(bytes);
        sealed = ByteBuffer.allocate(Records.sealedSize(bytes));
        send = handshake(Pattern.XX)[0].send();
    }

    /** The server's work for one IK connection: read the client's message, answer, split. */
    @Benchmark
    public Object ikServerSide() throws NoiseException {
        Handshake h = new Handshake(Pattern.IK, false, server, null, IK_PROLOGUE);
        h.readMessage(ikFirstMessages[next++ & (ikFirstMessages.length - 1)]);
        h.writeMessage(NOTHING);
        return h.split();
    }

    @Benchmark
    public Object ikBothSides() throws NoiseException {
        return handshake(Pattern.IK);
    }

    @Benchmark
    public Object xxBothSides() throws NoiseException {
        return handshake(Pattern.XX);
    }

    /** One coalesced write sealed as a record (the 2-byte length and the 16-byte tag). */
    @Benchmark
    public Object sealOneWrite() throws NoiseException {
        batch.clear();
        sealed.clear();
        Records.seal(send, batch, sealed);
        return sealed;
    }

    private Handshake.Keys[] handshake(Pattern pattern) throws NoiseException {
        byte[] prologue = pattern == Pattern.IK ? IK_PROLOGUE : XX_PROLOGUE;
        Handshake c = new Handshake(pattern, true, client, pattern == Pattern.IK ? server.publicKey() : null, prologue);
        Handshake s = new Handshake(pattern, false, server, null, prologue);
        while (!c.complete()) {
            Handshake w = c.writing() ? c : s;
            (w == c ? s : c).readMessage(w.writeMessage(NOTHING));
        }
        return new Handshake.Keys[] {c.split(), s.split()};
    }
}
