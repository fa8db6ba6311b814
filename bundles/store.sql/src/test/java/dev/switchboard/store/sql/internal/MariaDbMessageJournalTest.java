package dev.switchboard.store.sql.internal;

import dev.switchboard.api.store.MessageJournal;
import dev.switchboard.api.store.MessageJournalContract;
import javax.sql.DataSource;

/** The message journal on the real MariaDB server. */
class MariaDbMessageJournalTest extends MessageJournalContract {

    @Override
    protected MessageJournal emptyJournal() throws Exception {
        DataSource ds = MariaDb.emptied();
        return new SqlMessageJournal(new Jdbc(ds, new Migrator(ds, getClass().getSimpleName())), false);
    }
}
