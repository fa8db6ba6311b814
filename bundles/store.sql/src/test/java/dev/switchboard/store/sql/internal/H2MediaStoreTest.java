package dev.switchboard.store.sql.internal;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.io.TempDir;

/** The media index on the embedded H2 file database. */
class H2MediaStoreTest extends MediaStoreContract {

    @TempDir
    Path dir;

    @Override
    protected DataSource emptyDatabase() throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(DataSources.embeddedUrl(dir.toString()));
        ds.setUser("sa");
        return ds;
    }
}
