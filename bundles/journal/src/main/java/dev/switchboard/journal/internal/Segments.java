package dev.switchboard.journal.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log's files: numbered segments, appended to one at a time, read at any offset, deleted
 * whole. Tracks how many live messages each segment holds, so a segment can go once it has none.
 * Not thread-safe: the journal calls it under its lock.
 */
final class Segments implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Segments.class);
    private static final String SUFFIX = ".log";

    /** One record as found by {@link #replay}: where it is and its payload (valid during the callback). */
    record Found(int segment, long offset, int length, ByteBuffer payload) {
    }

    private final Path dir;
    private final long segmentBytes;
    private final boolean fsync;
    /** Open segments by number, with their live message counts. */
    private final TreeMap<Integer, Segment> segments = new TreeMap<>();
    private Segment current;

    private static final class Segment {
        final int number;
        final FileChannel channel;
        long size;
        int live;
        int written;

        Segment(int number, FileChannel channel, long size) {
            this.number = number;
            this.channel = channel;
            this.size = size;
        }
    }

    Segments(Path dir, long segmentBytes, boolean fsync) throws IOException {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.fsync = fsync;
        Files.createDirectories(dir);
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).toList()) {
                String name = p.getFileName().toString();
                int number = Integer.parseInt(name.substring(0, name.length() - SUFFIX.length()));
                FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
                segments.put(number, new Segment(number, ch, ch.size()));
            }
        }
    }

    /**
     * Reads every record of every segment in order. A record cut short or failing its checksum
     * ends its segment: in the last one that is the tail of a write a crash interrupted, and it is
     * cut off; anywhere else it is reported.
     */
    void replay(Consumer<Found> visit) throws IOException {
        for (Segment s : segments.values()) {
            Reader in = new Reader(s.channel);
            long validEnd = 0;
            boolean damaged = false;
            while (true) {
                if (!in.have(Records.HEADER)) {
                    damaged = in.buf.hasRemaining();
                    break;
                }
                int start = in.buf.position();
                int length = in.buf.getInt(start);
                int crc = in.buf.getInt(start + 4);
                if (length <= 0 || length > Records.MAX_PAYLOAD || !in.have(Records.HEADER + length)) {
                    damaged = true;
                    break;
                }
                start = in.buf.position(); // have() may have moved the data to the front
                ByteBuffer payload = in.buf.duplicate().position(start + Records.HEADER).limit(start + Records.HEADER + length);
                if (!Records.intact(payload, crc)) {
                    damaged = true;
                    break;
                }
                visit.accept(new Found(s.number, validEnd, length, payload.slice()));
                s.written++;
                in.buf.position(start + Records.HEADER + length);
                validEnd += Records.HEADER + length;
            }
            if (damaged || validEnd != s.size) {
                if (s == segments.lastEntry().getValue()) {
                    // the tail of a write a crash interrupted: cut it, nothing acknowledged is in it
                    LOG.warn("Journal segment {} ends in a partial record (a write cut short): cut at byte {} of {}",
                            s.number, validEnd, s.size);
                    s.channel.truncate(validEnd);
                    s.size = validEnd;
                } else {
                    // damage inside an older segment is not a crash: keep the file as it is for inspection
                    LOG.error("Journal segment {} is damaged at byte {} of {}; the records after it are skipped",
                            s.number, validEnd, s.size);
                }
            }
        }
    }

    /** Sequential reading through a buffer that grows for a large record. */
    private static final class Reader {
        private final FileChannel channel;
        ByteBuffer buf = ByteBuffer.allocate(1 << 20).limit(0);
        private long readPos;

        Reader(FileChannel channel) {
            this.channel = channel;
        }

        /** @return whether {@code n} bytes are buffered from the position on (reading more if needed) */
        boolean have(int n) throws IOException {
            if (buf.remaining() >= n) {
                return true;
            }
            if (buf.capacity() < n) {
                buf = ByteBuffer.allocate(n).put(buf).flip();
            }
            buf.compact();
            while (buf.hasRemaining()) {
                int read = channel.read(buf, readPos);
                if (read <= 0) {
                    break;
                }
                readPos += read;
            }
            buf.flip();
            return buf.remaining() >= n;
        }
    }

    /** Starts a fresh segment after every existing one: a restart never writes into an old file. */
    void startWriting() throws IOException {
        roll();
    }

    private void roll() throws IOException {
        int number = segments.isEmpty() ? 1 : segments.lastKey() + 1;
        Path p = dir.resolve(String.format("%010d%s", number, SUFFIX));
        FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        ownerOnly(p);
        if (fsync) {
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true); // the new file's name is durable before anything in it is relied on
            } catch (IOException e) {
                // some file systems cannot sync a directory; the data itself is still forced
            }
        }
        current = new Segment(number, ch, 0);
        segments.put(number, current);
    }

    /** Message bodies are in these files: the owner's only, as everything under data/ (0600). */
    static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // a file system without POSIX permissions: the directory's access rules apply
        }
    }

    int currentNumber() {
        return current.number;
    }

    /** Where the next append lands in the current segment. */
    long currentSize() {
        return current.size;
    }

    /** Writes whole records to the current segment and, with fsync, forces them to the disk. */
    void write(ByteBuffer records) throws IOException {
        int bytes = records.remaining();
        long at = current.size;
        while (records.hasRemaining()) {
            at += current.channel.write(records, at);
        }
        current.size += bytes;
        if (fsync) {
            current.channel.force(false);
        }
    }

    /** Rolls to a new segment when the current one is full; call between batches. */
    void rollIfFull() throws IOException {
        if (current.size >= segmentBytes) {
            roll();
        }
    }

    /** Reads a record's payload. */
    ByteBuffer read(int segment, long offset, int length) throws IOException {
        Segment s = segments.get(segment);
        if (s == null) {
            throw new IOException("journal segment " + segment + " is gone");
        }
        ByteBuffer buf = ByteBuffer.allocate(length);
        long at = offset + Records.HEADER;
        while (buf.hasRemaining()) {
            int n = s.channel.read(buf, at);
            if (n < 0) {
                throw new IOException("journal segment " + segment + " ends before byte " + (offset + length));
            }
            at += n;
        }
        return buf.flip();
    }

    void addLive(int segment, int delta) {
        Segment s = segments.get(segment);
        if (s != null) {
            s.live += delta;
        }
    }

    void countWritten(int segment, int records) {
        Segment s = segments.get(segment);
        if (s != null) {
            s.written += records;
        }
    }

    /** The oldest segment when it is not the current one, else -1. */
    int oldest() {
        int first = segments.firstKey();
        return first == current.number ? -1 : first;
    }

    int live(int segment) {
        Segment s = segments.get(segment);
        return s == null ? 0 : s.live;
    }

    int written(int segment) {
        Segment s = segments.get(segment);
        return s == null ? 0 : s.written;
    }

    int count() {
        return segments.size();
    }

    /**
     * Deletes the oldest segment. Only ever the oldest: a delete record kills messages in its own
     * or an older segment, so while an older segment exists, the newer ones' deletes must stay.
     */
    void deleteOldest() throws IOException {
        Segment s = segments.pollFirstEntry().getValue();
        s.channel.close();
        Files.deleteIfExists(dir.resolve(String.format("%010d%s", s.number, SUFFIX)));
    }

    List<Integer> numbers() {
        return new ArrayList<>(segments.keySet());
    }

    @Override
    public void close() throws IOException {
        for (Segment s : segments.values()) {
            s.channel.close();
        }
        segments.clear();
    }
}
