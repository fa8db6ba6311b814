package dev.switchboard.bench;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.store.QueuedMessage;
import dev.switchboard.journal.internal.LogJournal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The log journal's cost per message as the offline store's commit thread pays it at saturation:
 * a group commit of {@code batch} 64-byte messages for 1,000 devices (one write, one fsync when
 * {@code fsync}), then the delete of all of them; segments roll and are reclaimed as they empty.
 * The score is messages per second (written and deleted).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JournalBenchmark {

    private static final int BATCH = 1000;

    @Param({"true", "false"})
    public boolean fsync;

    private Path dir;
    private LogJournal journal;
    private long seq;
    private final Address from = new Address("15550000001", 0);
    private final Address[] devices = new Address[1000];

    @Setup(Level.Trial)
    public void open() throws Exception {
        dir = Files.createTempDirectory("sb-journal-bench");
        journal = new LogJournal(dir, 16L << 20, fsync);
        for (int i = 0; i < devices.length; i++) {
            devices[i] = new Address(Long.toString(15_560_000_000L + i), 0);
        }
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        journal.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void appendThenDelete() throws Exception {
        List<QueuedMessage> batch = new ArrayList<>(BATCH);
        long now = System.currentTimeMillis();
        for (int i = 0; i < BATCH; i++) {
            batch.add(new QueuedMessage(++seq, devices[i], from, "id-" + seq, "message", now, new byte[64]));
        }
        journal.append(batch);
        journal.remove(batch);
    }
}
