package dev.switchboard.store.sql.internal;

import javax.sql.DataSource;

/** The key directory's storage on the real MariaDB server. */
class MariaDbKeyStoreTest extends KeyStoreContract {

    @Override
    protected DataSource emptyDatabase() throws Exception {
        return MariaDb.emptied();
    }
}
