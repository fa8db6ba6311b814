package dev.switchboard.store.sql.internal;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;

/** The group store on the embedded H2 file database. */
class H2GroupStoreTest extends GroupStoreContract {

    @TempDir
    Path dir;

    @Override
    protected DataSource emptyDatabase() throws Exception {
        return H2.in(dir);
    }
}
