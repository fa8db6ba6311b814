package dev.switchboard.store.sql.internal;

import javax.sql.DataSource;

/** The media index on the real MariaDB server. */
class MariaDbMediaStoreTest extends MediaStoreContract {

    @Override
    protected DataSource emptyDatabase() throws Exception {
        return MariaDb.emptied();
    }
}
