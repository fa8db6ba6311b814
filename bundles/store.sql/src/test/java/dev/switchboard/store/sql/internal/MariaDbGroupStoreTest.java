package dev.switchboard.store.sql.internal;

import javax.sql.DataSource;

/** The group store on the real MariaDB server. */
class MariaDbGroupStoreTest extends GroupStoreContract {

    @Override
    protected DataSource emptyDatabase() throws Exception {
        return MariaDb.emptied();
    }
}
