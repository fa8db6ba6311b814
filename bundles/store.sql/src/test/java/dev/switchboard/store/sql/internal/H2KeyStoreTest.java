package dev.switchboard.store.sql.internal;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;

/** The key directory's storage on the embedded H2 file database. */
class H2KeyStoreTest extends KeyStoreContract {

    @TempDir
    Path dir;

    @Override
    protected DataSource emptyDatabase() throws Exception {
        return H2.in(dir);
    }
}
