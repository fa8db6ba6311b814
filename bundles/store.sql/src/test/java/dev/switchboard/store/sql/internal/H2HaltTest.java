package dev.switchboard.store.sql.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A commit the embedded database returned from is on disk when the process dies the next instant
 * (kill -9 does to the server what {@link Runtime#halt} does here: no shutdown hook, no close).
 */
class H2HaltTest {

    @TempDir
    Path dir;

    @Test
    void aCommitSurvivesTheProcessDyingAtOnce() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                CommitThenHalt.class.getName(), dir.toString()).inheritIO().start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child finished");
        assertEquals(9, p.exitValue(), "the child committed, then halted");
        assertEquals(Set.of("2002"), store(dir).contacts("1001"));
    }

    private static SqlPresenceStore store(Path dir) throws Exception {
        DataSource ds = H2.in(dir);
        return new SqlPresenceStore(new Jdbc(ds, new Migrator(ds, "H2HaltTest")));
    }

    /** The child: one committed write, then death without any of the JVM's shutdown. */
    public static final class CommitThenHalt {
        public static void main(String[] args) throws Exception {
            store(Path.of(args[0])).addContacts("1001", List.of("2002"));
            Runtime.getRuntime().halt(9);
        }
    }
}
