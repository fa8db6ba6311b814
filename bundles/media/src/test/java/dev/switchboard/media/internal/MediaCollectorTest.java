package dev.switchboard.media.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.store.MediaStore;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector's decisions about files. The index here is a map: the SQL index has its own tests
 * on H2 and MariaDB (store.sql); what is tested here is which files go and which stay.
 */
class MediaCollectorTest {

    private static final long HOUR = 3_600_000L;

    @TempDir
    Path dir;

    private final Map<String, MediaStore.Blob> index = new ConcurrentHashMap<>();

    @Test
    void anOrphanFileGoesOnceItIsAnHourOldAndIndexedOrRecentFilesStay() throws Exception {
        BlobFiles files = new BlobFiles(dir);
        long now = System.currentTimeMillis();
        String indexed = stored(files, "indexed", now - 2 * HOUR, true);
        String orphan = stored(files, "orphan", now - 2 * HOUR, false);
        String recentOrphan = stored(files, "an upload whose row is being written", now, false);

        MediaCollector.Result r = new MediaCollector(files, index(), 24, 30).run(now);

        assertEquals(new MediaCollector.Result(0, 1), r);
        assertTrue(files.exists(indexed));
        assertFalse(files.exists(orphan), "a file no index entry names, an hour old, is deleted");
        assertTrue(files.exists(recentOrphan), "a file may be seconds from its index row: it stays");
    }

    @Test
    void uploadingAnOrphansContentAgainMakesItRecent() throws Exception {
        BlobFiles files = new BlobFiles(dir);
        long now = System.currentTimeMillis();
        String orphan = stored(files, "uploaded again", now - 2 * HOUR, false);
        files.store(new ByteArrayInputStream("uploaded again".getBytes()), 100);
        assertTrue(files.settledBlobs(HOUR, 10).isEmpty());
        assertEquals(new MediaCollector.Result(0, 0), new MediaCollector(files, index(), 24, 30).run(now));
        assertTrue(files.exists(orphan));
    }

    @Test
    void aBlobNeverReferencedGoesWithItsEntryAndStrayFilesAreNotTouched() throws Exception {
        BlobFiles files = new BlobFiles(dir);
        long now = System.currentTimeMillis();
        String unreferenced = stored(files, "never sent", now - 48 * HOUR, true);
        Path stray = Files.writeString(files.path(unreferenced).resolveSibling("README"), "not a blob");
        Files.setLastModifiedTime(stray, FileTime.fromMillis(now - 48 * HOUR));

        assertEquals(new MediaCollector.Result(1, 0), new MediaCollector(files, index(), 24, 30).run(now));
        assertFalse(files.exists(unreferenced));
        assertFalse(index.containsKey(unreferenced));
        assertTrue(Files.exists(stray));
    }

    private String stored(BlobFiles files, String content, long atMs, boolean indexed) throws Exception {
        BlobFiles.Stored s = files.store(new ByteArrayInputStream(content.getBytes()), 1000);
        Files.setLastModifiedTime(files.path(s.sha256()), FileTime.fromMillis(atMs));
        if (indexed) {
            index.put(s.sha256(), new MediaStore.Blob(s.sha256(), s.size(), "15550001", atMs, 0));
        }
        return s.sha256();
    }

    private MediaStore index() {
        return new MediaStore() {
            @Override
            public boolean insert(String sha256, long size, String owner, long nowMs) {
                return index.putIfAbsent(sha256, new MediaStore.Blob(sha256, size, owner, nowMs, 0)) == null;
            }

            @Override
            public Optional<Blob> blob(String sha256) {
                return Optional.ofNullable(index.get(sha256));
            }

            @Override
            public long usage(String owner) {
                return index.values().stream().filter(b -> b.owner().equals(owner)).mapToLong(Blob::size).sum();
            }

            @Override
            public void touch(String sha256, long atMs) {
                index.computeIfPresent(sha256, (k, b) -> new Blob(k, b.size(), b.owner(), b.createdAtMs(), atMs));
            }

            @Override
            public List<Blob> collectable(long unreferencedBeforeMs, long retainedBeforeMs, int max) {
                List<Blob> out = new ArrayList<>();
                for (Blob b : index.values()) {
                    boolean neverReferenced = b.lastReferencedAtMs() == 0 && b.createdAtMs() < unreferencedBeforeMs;
                    boolean expired = Math.max(b.createdAtMs(), b.lastReferencedAtMs()) < retainedBeforeMs;
                    if ((neverReferenced || expired) && out.size() < max) {
                        out.add(b);
                    }
                }
                return out;
            }

            @Override
            public boolean delete(String sha256) {
                return index.remove(sha256) != null;
            }
        };
    }
}
