package dev.switchboard.store.sql.internal;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;

/** The account store on the embedded H2 file database, as a default installation runs it. */
class H2AccountStoreTest extends AccountStoreContract {

    @TempDir
    Path dir;

    @Override
    protected DataSource emptyDatabase() throws Exception {
        return emptyDatabaseWithoutReset();
    }

    @Override
    protected DataSource emptyDatabaseWithoutReset() throws Exception {
        return H2.in(dir);
    }
}
