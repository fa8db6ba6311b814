package dev.switchboard.journal.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.store.QueuedMessage;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the log must survive: restarts, a write cut short by a crash, and months of churn. */
class LogJournalTest {

    @TempDir
    Path dir;

    private final Address bob = new Address("2002", 0);
    private final Address carol = new Address("3003", 1);
    private final Address alice = new Address("1001", 0);

    private QueuedMessage message(long seq, Address to, int bodySize) {
        return new QueuedMessage(seq, to, alice, "m" + seq, "message", 1000 + seq, new byte[bodySize], seq % 2 == 0 ? "g1" : null);
    }

    private static List<Long> seqs(List<QueuedMessage> ms) {
        return ms.stream().map(QueuedMessage::seq).toList();
    }

    @Test
    void whatWaitsSurvivesARestartAndDeliveredStaysDeleted() throws Exception {
        try (LogJournal j = new LogJournal(dir, 1 << 20, true)) {
            j.append(List.of(message(1, bob, 10), message(2, carol, 10), message(3, bob, 10)));
            j.remove(List.of(message(1, bob, 0)));
            j.reserveSequences(0, 1000);
        }
        try (LogJournal j = new LogJournal(dir, 1 << 20, true)) {
            assertEquals(List.of(3L), seqs(j.load(bob, 0, 10)));
            assertEquals(List.of(2L), seqs(j.load(carol, 0, 10)));
            QueuedMessage back = j.load(carol, 0, 10).get(0);
            assertEquals("g1", back.group());
            assertEquals(alice, back.from());
            assertEquals(1002, back.acceptedAtMs());
            assertEquals(1003, j.maxSeq(), "the reservation (4 to 1003) outlives the restart");
            assertEquals(1004, j.reserveSequences(0, 10));
            j.remove(List.of(message(2, carol, 0)));
        }
        try (LogJournal j = new LogJournal(dir, 1 << 20, true)) {
            assertEquals(List.of(3L), seqs(j.index()), "a delete after a restart holds too");
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(f)), f + " holds message bodies: the owner's only");
            }
        }
    }

    @Test
    void aRecordCutShortByACrashIsDroppedAndTheRestKept() throws Exception {
        try (LogJournal j = new LogJournal(dir, 1 << 20, false)) {
            j.append(List.of(message(1, bob, 100), message(2, bob, 100)));
            j.append(List.of(message(3, bob, 100)));
        }
        Path segment = Files.list(dir).filter(p -> p.toString().endsWith(".log")).sorted().findFirst().orElseThrow();
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 7); // the last record's tail never reached the disk
        }
        try (LogJournal j = new LogJournal(dir, 1 << 20, false)) {
            assertEquals(List.of(1L, 2L), seqs(j.load(bob, 0, 10)));
            j.append(List.of(message(4, bob, 100)));
        }
        try (LogJournal j = new LogJournal(dir, 1 << 20, false)) {
            assertEquals(List.of(1L, 2L, 4L), seqs(j.load(bob, 0, 10)), "writing goes on in a new segment after the cut");
        }
    }

    @Test
    void aFlippedByteFailsTheChecksumInsteadOfComingBackWrong() throws Exception {
        try (LogJournal j = new LogJournal(dir, 1 << 20, false)) {
            j.append(List.of(message(1, bob, 100)));
            j.append(List.of(message(2, bob, 100)));
        }
        Path segment = Files.list(dir).filter(p -> p.toString().endsWith(".log")).sorted().findFirst().orElseThrow();
        byte[] bytes = Files.readAllBytes(segment);
        bytes[bytes.length - 3] ^= 0x40; // inside the second record's body
        Files.write(segment, bytes);
        try (LogJournal j = new LogJournal(dir, 1 << 20, false)) {
            assertEquals(List.of(1L), seqs(j.index()));
        }
    }

    @Test
    void churnKeepsTheLogSmallAndALongWaitingMessageIsCarriedAlong() throws Exception {
        long seq = 0;
        try (LogJournal j = new LogJournal(dir, 16 * 1024, false)) {
            j.append(List.of(message(++seq, carol, 50))); // carol is away for the whole test
            for (int round = 0; round < 500; round++) {
                List<QueuedMessage> batch = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    batch.add(message(++seq, bob, 200));
                }
                j.append(batch);
                j.remove(batch);
                assertTrue(j.segmentCount() <= LogJournal.MAX_SEGMENTS + 1, "segments: " + j.segmentCount());
            }
            assertEquals(1, j.waiting());
        }
        long onDisk;
        try (var files = Files.list(dir)) {
            onDisk = files.mapToLong(p -> p.toFile().length()).sum();
        }
        assertTrue(onDisk < (LogJournal.MAX_SEGMENTS + 2) * 20 * 1024, "2 MB written, " + onDisk + " bytes kept");
        try (LogJournal j = new LogJournal(dir, 16 * 1024, false)) {
            assertEquals(List.of(1L), seqs(j.load(carol, 0, 10)), "the waiting message survived every copy");
            assertEquals(List.of(), j.load(bob, 0, 10));
            assertEquals(seq, j.maxSeq());
        }
    }
}
