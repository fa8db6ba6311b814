package dev.switchboard.store.sql.internal;

import javax.sql.DataSource;

/** The account store on the real MariaDB server, as production runs it. */
class MariaDbAccountStoreTest extends AccountStoreContract {

    @Override
    protected DataSource emptyDatabase() throws Exception {
        return MariaDb.emptied();
    }

    @Override
    protected DataSource emptyDatabaseWithoutReset() throws Exception {
        return MariaDb.dataSource();
    }
}
