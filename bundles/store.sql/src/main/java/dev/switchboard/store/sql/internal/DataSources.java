package dev.switchboard.store.sql.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * Builds the pooled DataSource for a URL. Driver DataSources are created directly (no
 * DriverManager, whose class loading does not work across bundles) and pooled by HikariCP.
 */
final class DataSources {

    private DataSources() {
    }

    /**
     * The URL of the embedded H2 file database under {@code home/data}. DB_CLOSE_DELAY=-1: only
     * {@link Database}'s SHUTDOWN closes it, never H2 on its own when a pool happens to hold no
     * connection, which could race with a new revision opening the same file. WRITE_DELAY=0: a
     * commit is written to the file before it returns; by default H2 writes commits up to half a
     * second later, so a kill -9 lost what the server had already acknowledged (an account, a
     * roster change). Since the committing thread then writes the file itself, the file is opened
     * with {@code async:} (an AsynchronousFileChannel): a plain FileChannel is closed when the thread
     * writing to it is interrupted, as a bundle's executor is when a swap stops it, which closed the
     * database for every bundle.
     */
    static String embeddedUrl(Path data) {
        return "jdbc:h2:async:" + data.resolve("switchboard") + ";DB_CLOSE_ON_EXIT=FALSE;DB_CLOSE_DELAY=-1;WRITE_DELAY=0";
    }

    /** {@code home/data}, created owner-only (0700) when missing. */
    static Path dataDirectory(String home) throws java.io.IOException {
        Path data = Path.of(home == null ? "." : home, "data").toAbsolutePath().normalize();
        if (!Files.isDirectory(data)) {
            Files.createDirectories(data);
            // set after creating: a permission attribute at creation would be narrowed by the umask only
            Files.setPosixFilePermissions(data, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        }
        return data;
    }

    /** A pool that starts without connecting, so an unreachable database does not stop activation. */
    static HikariDataSource pooled(String url, String user, String password, int maxConnections, long timeoutMs)
            throws SQLException {
        HikariConfig config = new HikariConfig();
        config.setDataSource(driverDataSource(url, user, password));
        config.setMaximumPoolSize(maxConnections);
        config.setMinimumIdle(Math.min(2, maxConnections));
        config.setConnectionTimeout(timeoutMs);
        config.setValidationTimeout(Math.max(250, timeoutMs / 2));
        config.setInitializationFailTimeout(-1);
        config.setPoolName("switchboard-store");
        return new HikariDataSource(config);
    }

    private static DataSource driverDataSource(String url, String user, String password) throws SQLException {
        if (url.startsWith("jdbc:h2:")) {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL(url);
            h2.setUser(user.isEmpty() ? "sa" : user);
            h2.setPassword(password);
            return h2;
        }
        if (url.startsWith("jdbc:mariadb:")) {
            MariaDbDataSource maria = new MariaDbDataSource(url);
            if (!user.isEmpty()) {
                maria.setUser(user);
            }
            maria.setPassword(password);
            return maria;
        }
        throw new IllegalArgumentException("unsupported database URL (use jdbc:h2: or jdbc:mariadb:): " + url);
    }

    /** The URL with any password parameter masked, for logs. */
    static String redact(String url) {
        return url.replaceAll("(?i)password=[^;&]*", "password=***");
    }
}
