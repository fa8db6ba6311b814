package dev.switchboard.store.sql.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedCredentialTest {

    private static Connection open(String url, String password) throws SQLException {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        ds.setUser(EmbeddedCredential.USER);
        ds.setPassword(password);
        return ds.getConnection();
    }

    @Test
    void anOlderDatabaseWithoutPasswordGetsAGeneratedOneKeptOwnerOnly(@TempDir Path home) throws Exception {
        Path data = DataSources.dataDirectory(home.toString());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
        String url = DataSources.embeddedUrl(data);
        try (Connection c = open(url, "")) {
            c.createStatement().execute("CREATE TABLE t (x INT)"); // made the old way: sa, no password
            c.createStatement().execute("SHUTDOWN");
        }
        String password = EmbeddedCredential.password(data, url);
        assertTrue(password.length() >= 32);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("h2.credential"))));
        assertEquals(password, EmbeddedCredential.password(data, url), "the same password from then on");
        assertThrows(SQLException.class, () -> open(url, "").close(), "the empty password no longer opens it");
        try (Connection c = open(url, password)) {
            assertTrue(c.createStatement().executeQuery("SELECT COUNT(*) FROM t").next());
            c.createStatement().execute("SHUTDOWN");
        }
        EmbeddedCredential.restrictFiles(data);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("switchboard.mv.db"))));
    }
}
