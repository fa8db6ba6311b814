package dev.switchboard.journal.internal;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.store.MessageJournal;
import dev.switchboard.api.store.QueuedMessage;
import dev.switchboard.api.store.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import dev.switchboard.journal.internal.Locations.Location;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable tier as an append-only log on the local disk (docs/OFFLINE.md, "The journal"). A
 * batch of messages is one write and, with fsync, one force; a delivery is a few bytes in a delete
 * record; whole segments are deleted once nothing in them waits, oldest first, and the few
 * messages still waiting in the oldest segment are copied forward so that it can go. In memory
 * it keeps only where each waiting message is. Every method holds the journal's lock: the
 * offline store calls it from its one commit thread, and reads (replays) are rare beside that.
 */
@Component(service = MessageJournal.class, immediate = true, property = "journal=log",
        configurationPid = "dev.switchboard.journal")
@Designate(ocd = JournalConfiguration.class)
public final class LogJournal implements MessageJournal, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogJournal.class);

    private final Segments segments;
    private final SequenceMark mark;
    /** Where each waiting message is, per device. */
    private final Locations locations = new Locations();
    private long highestStored;
    private ByteBuffer scratch = ByteBuffer.allocate(1 << 16);

    @Activate
    public LogJournal(BundleContext context, JournalConfiguration config) throws StoreException {
        this(directory(context.getProperty("switchboard.home"), config.directory()),
                Math.max(1, config.segmentMegabytes()) * (1L << 20), config.fsync());
    }

    /** The configured directory, or {@code data/journal} under the home; created owner-only. */
    private static Path directory(String home, String configured) throws StoreException {
        Path dir = configured == null || configured.isBlank()
                ? Path.of(home == null ? "." : home, "data", "journal") : Path.of(configured);
        dir = dir.toAbsolutePath().normalize();
        try {
            for (Path p : new Path[] {dir.getParent(), dir}) {
                if (!java.nio.file.Files.isDirectory(p)) {
                    java.nio.file.Files.createDirectories(p);
                    // set after creating: a permission attribute at creation would be narrowed by the umask only
                    java.nio.file.Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
                }
            }
        } catch (IOException e) {
            throw new StoreException("cannot create the journal directory " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    @Deactivate
    void deactivate() throws IOException {
        close();
    }

    /**
     * Opens (or creates) the log in a directory, reading it once to learn what waits.
     *
     * @param segmentBytes a segment is closed for writing past this size
     * @param fsync        force every batch to the disk before returning (survives power loss,
     *                     not only a crash of the process)
     */
    public LogJournal(Path dir, long segmentBytes, boolean fsync) throws StoreException {
        try {
            this.segments = new Segments(dir, segmentBytes, fsync);
            this.mark = new SequenceMark(dir.resolve("sequence"));
            segments.replay(this::replayed);
            segments.startWriting();
        } catch (IOException | RuntimeException e) {
            throw new StoreException("cannot open the message journal in " + dir + ": " + e.getMessage(), e);
        }
        LOG.info("Message journal in {}: {} messages waiting in {} segments", dir, locations.count(), segments.count());
    }

    private void replayed(Segments.Found f) {
        ByteBuffer p = f.payload();
        byte type = p.get(p.position());
        if (type == Records.MESSAGE) {
            QueuedMessage m = Records.message(p.duplicate());
            put(m.to(), new Location(m.seq(), f.segment(), f.offset(), f.length(), m.acceptedAtMs()));
            highestStored = Math.max(highestStored, m.seq());
        } else if (type == Records.DELETE) {
            for (long seq : Records.deleted(p.duplicate())) {
                forgetSeq(seq);
            }
        }
    }

    /** Replay only: a delete names a seq without its device. */
    private final Map<Long, Address> deviceOfSeq = new HashMap<>();

    private void put(Address device, Location at) {
        Location before = locations.put(device, at);
        if (before != null) {
            segments.addLive(before.segment(), -1); // a copy moved forward supersedes the original
        }
        segments.addLive(at.segment(), 1);
        if (!writing) {
            deviceOfSeq.put(at.seq(), device);
        }
    }

    private boolean writing;

    private void forgetSeq(long seq) {
        Address device = deviceOfSeq.remove(seq);
        if (device != null) {
            drop(device, seq);
        }
    }

    /** @return whether it was waiting */
    private boolean drop(Address device, long seq) {
        Location at = locations.remove(device, seq);
        if (at == null) {
            return false;
        }
        segments.addLive(at.segment(), -1);
        return true;
    }

    @Override
    public synchronized void append(List<QueuedMessage> batch) throws StoreException {
        startWrites();
        appendRecords(batch);
        reclaim();
    }

    private void appendRecords(List<QueuedMessage> batch) throws StoreException {
        ByteBuffer out = scratch.clear();
        int segment = segments.currentNumber();
        long base = segments.currentSize();
        List<Location> placed = new ArrayList<>(batch.size());
        for (QueuedMessage m : batch) {
            int start = out.position();
            out = Records.putMessage(out, m);
            placed.add(new Location(m.seq(), segment, base + start, out.position() - start - Records.HEADER, m.acceptedAtMs()));
        }
        write(out);
        for (int i = 0; i < batch.size(); i++) {
            QueuedMessage m = batch.get(i);
            put(m.to(), placed.get(i));
            highestStored = Math.max(highestStored, m.seq());
        }
        segments.countWritten(segment, batch.size());
    }

    @Override
    public synchronized void remove(List<QueuedMessage> delivered) throws StoreException {
        startWrites();
        long[] seqs = new long[delivered.size()];
        int n = 0;
        for (QueuedMessage m : delivered) {
            if (drop(m.to(), m.seq())) {
                seqs[n++] = m.seq();
            }
        }
        deleteRecord(seqs, n);
        reclaim();
    }

    private void deleteRecord(long[] seqs, int n) throws StoreException {
        if (n > 0) {
            write(Records.putDelete(scratch.clear(), seqs, n));
        }
    }

    /** After the replay, seqs are deleted by device: the replay's seq-to-device map is let go. */
    private void startWrites() {
        if (!writing) {
            writing = true;
            deviceOfSeq.clear();
        }
    }

    private void write(ByteBuffer out) throws StoreException {
        out.flip();
        try {
            segments.write(out);
        } catch (IOException e) {
            throw new StoreException("cannot write the message journal: " + e.getMessage(), e);
        } finally {
            if (out.capacity() <= 1 << 20) {
                scratch = out; // keep a grown buffer for the next batch, up to a bound
            }
        }
    }

    /** Past this many segments the oldest is emptied whatever it holds: the log's size stays bounded. */
    static final int MAX_SEGMENTS = 8;

    /**
     * Rolls a full segment and deletes the oldest ones that hold nothing. When the oldest still
     * holds some waiting messages (at most half of what was written to it, or any number once
     * there are more than {@value #MAX_SEGMENTS} segments), they are written again at the head, so
     * messages waiting for days do not pin the log; each is copied once per pass over the log.
     */
    private void reclaim() throws StoreException {
        try {
            segments.rollIfFull();
            int oldest;
            while ((oldest = segments.oldest()) >= 0) {
                int live = segments.live(oldest);
                boolean worthCopying = segments.count() >= 3 && live * 2L <= segments.written(oldest);
                if (live > 0 && !worthCopying && segments.count() <= MAX_SEGMENTS) {
                    return;
                }
                if (live > 0) {
                    copyForward(oldest);
                }
                segments.deleteOldest();
            }
        } catch (IOException e) {
            throw new StoreException("cannot reclaim journal segments: " + e.getMessage(), e);
        }
    }

    private void copyForward(int segment) throws IOException, StoreException {
        List<Location> old = new ArrayList<>();
        locations.forEach((device, at) -> {
            if (at.segment() == segment) {
                old.add(at);
            }
        });
        List<QueuedMessage> moving = new ArrayList<>(old.size());
        for (Location at : old) {
            moving.add(Records.message(segments.read(at.segment(), at.offset(), at.length())));
        }
        moving.sort(Comparator.comparingLong(QueuedMessage::seq));
        LOG.info("Copying {} waiting messages out of journal segment {} so that it can be deleted", moving.size(), segment);
        appendRecords(moving); // put() moves each location to the head: the old segment empties
    }

    @Override
    public synchronized List<QueuedMessage> load(Address device, long afterSeq, int max) throws StoreException {
        List<Location> where = locations.after(device, afterSeq, max);
        List<QueuedMessage> out = new ArrayList<>(where.size());
        try {
            for (Location at : where) {
                out.add(Records.message(segments.read(at.segment(), at.offset(), at.length())));
            }
        } catch (IOException e) {
            throw new StoreException("cannot read the message journal: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public synchronized List<QueuedMessage> index() throws StoreException {
        List<QueuedMessage> out = new ArrayList<>((int) Math.min(Integer.MAX_VALUE, locations.count()));
        for (Address device : locations.devices()) {
            out.addAll(load(device, Long.MIN_VALUE, Integer.MAX_VALUE));
        }
        out.sort(Comparator.comparingLong(QueuedMessage::seq));
        return out;
    }

    @Override
    public synchronized long maxSeq() throws StoreException {
        return Math.max(highestStored, mark.value());
    }

    @Override
    public synchronized long reserveSequences(long above, int count) throws StoreException {
        if (count < 1) {
            throw new IllegalArgumentException("reserve at least one number");
        }
        long first = Math.max(Math.max(above, highestStored), mark.value()) + 1;
        mark.set(first + count - 1);
        return first;
    }

    @Override
    public synchronized int expire(long acceptedBeforeMs) throws StoreException {
        return removeWhere((device, at) -> at.acceptedAtMs() < acceptedBeforeMs);
    }

    @Override
    public synchronized int removeUser(String user) throws StoreException {
        return removeWhere((device, at) -> device.user().equals(user));
    }

    private int removeWhere(java.util.function.BiPredicate<Address, Location> doomed) throws StoreException {
        startWrites();
        List<QueuedMessage> gone = new ArrayList<>();
        locations.forEach((device, at) -> {
            if (doomed.test(device, at)) {
                gone.add(new QueuedMessage(at.seq(), device, device, "", "gone", 0, null));
            }
        });
        remove(gone);
        return gone.size();
    }

    /** How many messages wait (for tests and the log line at start). */
    synchronized long waiting() {
        return locations.count();
    }

    synchronized int segmentCount() {
        return segments.count();
    }

    @Override
    public synchronized void close() throws IOException {
        segments.close();
    }
}
