package dev.switchboard.store.sql.internal;

import dev.switchboard.api.store.MessageJournal;
import dev.switchboard.api.store.MessageJournalContract;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;

/** The message journal on the embedded H2 file database. */
class H2MessageJournalTest extends MessageJournalContract {

    @TempDir
    Path dir;

    @Override
    protected MessageJournal emptyJournal() throws Exception {
        DataSource ds = H2.in(dir);
        return new SqlMessageJournal(new Jdbc(ds, new Migrator(ds, getClass().getSimpleName())), true);
    }
}
