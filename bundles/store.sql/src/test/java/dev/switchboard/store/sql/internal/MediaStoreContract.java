package dev.switchboard.store.sql.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.store.MediaStore.Blob;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The media index's behaviour, run against each real database by a subclass. */
abstract class MediaStoreContract {

    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);
    private static final String C = "c".repeat(64);

    protected SqlMediaStore store;

    protected abstract DataSource emptyDatabase() throws Exception;

    @BeforeEach
    void open() throws Exception {
        DataSource ds = emptyDatabase();
        store = new SqlMediaStore(new Jdbc(ds, new Migrator(ds, getClass().getSimpleName())));
    }

    @Test
    void aBlobIsRecordedOnceAndCountsForItsFirstUploader() throws Exception {
        assertTrue(store.insert(A, 100, "1001", 10));
        assertFalse(store.insert(A, 100, "2002", 20), "the same content again is not a second blob");
        assertTrue(store.insert(B, 50, "1001", 30));
        assertEquals(new Blob(A, 100, "1001", 10, 0), store.blob(A).orElseThrow());
        assertEquals(150, store.usage("1001"));
        assertEquals(0, store.usage("2002"));
        assertTrue(store.blob(C).isEmpty());
    }

    @Test
    void unreferencedAndExpiredBlobsAreCollectable() throws Exception {
        store.insert(A, 1, "1001", 100); // never referred to
        store.insert(B, 1, "1001", 100);
        store.touch(B, 500);
        store.touch(B, 400); // an older reference does not move it back
        store.insert(C, 1, "1001", 900);
        assertEquals(500, store.blob(B).orElseThrow().lastReferencedAtMs());
        assertEquals(List.of(A), store.collectable(200, 0, 10).stream().map(Blob::sha256).toList());
        assertEquals(List.of(A, B), store.collectable(200, 600, 10).stream().map(Blob::sha256).toList());
        assertTrue(store.delete(A));
        assertFalse(store.delete(A));
        assertEquals(List.of(B), store.collectable(200, 600, 10).stream().map(Blob::sha256).toList());
    }
}
