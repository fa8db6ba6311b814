package dev.switchboard.store.sql.internal;

import javax.sql.DataSource;

/** The presence store on the real MariaDB server. */
class MariaDbPresenceStoreTest extends PresenceStoreContract {

    @Override
    protected DataSource emptyDatabase() throws Exception {
        return MariaDb.emptied();
    }
}
