package dev.switchboard.store.sql.internal;

import javax.sql.DataSource;

/** The message journal on the real MariaDB server. */
class MariaDbMessageJournalTest extends MessageJournalContract {

    @Override
    protected DataSource emptyDatabase() throws Exception {
        return MariaDb.emptied();
    }
}
