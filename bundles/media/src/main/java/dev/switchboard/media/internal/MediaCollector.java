package dev.switchboard.media.internal;

import dev.switchboard.api.store.MediaStore;
import dev.switchboard.api.store.StoreException;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Deletes what no message can reach any more: blobs past their retention or never referred to
 * (the file first, then its index entry, so a crash in between leaves an orphan file, never an
 * entry without bytes), and orphan files an hour old (a crash between an upload's rename and its
 * index row; the uploader got no answer and uploads again).
 */
final class MediaCollector {

    /** What one run deleted. */
    record Result(int collected, int orphans) {
    }

    private static final long ORPHAN_AGE_MS = TimeUnit.HOURS.toMillis(1);
    private static final int BATCH = 10_000;

    private final BlobFiles files;
    private final MediaStore store;
    private final long unreferencedMs;
    private final long retentionMs;

    MediaCollector(BlobFiles files, MediaStore store, int unreferencedHours, int retentionDays) {
        this.files = files;
        this.store = store;
        this.unreferencedMs = TimeUnit.HOURS.toMillis(unreferencedHours);
        this.retentionMs = TimeUnit.DAYS.toMillis(retentionDays);
    }

    Result run(long nowMs) throws StoreException, IOException {
        int collected = 0;
        for (MediaStore.Blob b : store.collectable(nowMs - unreferencedMs, nowMs - retentionMs, BATCH)) {
            files.delete(b.sha256());
            store.delete(b.sha256());
            collected++;
        }
        int orphans = 0;
        for (String sha256 : files.settledBlobs(ORPHAN_AGE_MS, BATCH)) {
            if (store.blob(sha256).isEmpty()) {
                files.delete(sha256);
                orphans++;
            }
        }
        return new Result(collected, orphans);
    }
}
