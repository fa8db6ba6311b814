package dev.switchboard.store.sql.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thread interrupted while it commits (a bundle's executor shut down mid-request during a swap)
 * must not take the embedded database down for everyone: commits are written on the committing
 * thread, and an interruptible file channel would be closed under the whole database.
 */
class H2InterruptTest {

    @TempDir
    Path dir;

    @Test
    void anInterruptedCommitLeavesTheDatabaseOpen() throws Exception {
        DataSource ds = H2.in(dir);
        SqlPresenceStore store = new SqlPresenceStore(new Jdbc(ds, new Migrator(ds, "H2InterruptTest")));
        store.addContacts("1001", List.of("2002"));
        AtomicReference<Throwable> interrupted = new AtomicReference<>();
        java.util.concurrent.CountDownLatch underWay = new java.util.concurrent.CountDownLatch(50);
        Thread writer = new Thread(() -> {
            for (int i = 0; i < 3_000; i++) { // goes on interrupted, as a task does when its executor is shut down
                try {
                    store.addContacts("1001", List.of(Integer.toString(10_000 + i)));
                    underWay.countDown();
                } catch (Throwable e) {
                    interrupted.set(e); // failing the interrupted write is fine; losing the database is not
                    return;
                }
            }
        });
        writer.start();
        assertTrue(underWay.await(30, java.util.concurrent.TimeUnit.SECONDS), "the writer got going");
        writer.interrupt();
        writer.join(30_000);
        assertFalse(writer.isAlive());
        Throwable e = interrupted.get();
        assertFalse(e != null && String.valueOf(e.getMessage()).contains("has been closed"),
                "the interrupt closed the database for everyone: " + e);
        store.addContacts("1001", List.of("4004"));
        Set<String> contacts = store.contacts("1001");
        assertTrue(contacts.containsAll(Set.of("2002", "4004")), contacts + " (interrupted write: " + interrupted.get() + ")");
    }
}
