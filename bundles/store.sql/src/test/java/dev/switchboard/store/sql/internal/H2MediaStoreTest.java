package dev.switchboard.store.sql.internal;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;

/** The media index on the embedded H2 file database. */
class H2MediaStoreTest extends MediaStoreContract {

    @TempDir
    Path dir;

    @Override
    protected DataSource emptyDatabase() throws Exception {
        return H2.in(dir);
    }
}
