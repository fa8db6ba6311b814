package dev.switchboard.store.sql.internal;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** A fresh embedded H2 file database in a folder, as the server opens it by default. */
final class H2 {

    private H2() {
    }

    static DataSource in(Path dir) throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(DataSources.embeddedUrl(DataSources.dataDirectory(dir.toString())));
        ds.setUser("sa");
        return ds;
    }
}
