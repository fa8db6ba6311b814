package dev.switchboard.store.sql.internal;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * The MariaDB the tests run against: {@code SB_MARIADB_URL}, {@code SB_MARIADB_USER},
 * {@code SB_MARIADB_PASSWORD}, defaulting to root with no password on 127.0.0.1:3306/test.
 * Unreachable: under CI ({@code CI=true}) the tests fail; elsewhere they are skipped, loudly.
 */
final class MariaDb {

    static final String URL = env("SB_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/test");
    static final String USER = env("SB_MARIADB_USER", "root");
    static final String PASSWORD = env("SB_MARIADB_PASSWORD", "");

    private MariaDb() {
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null ? fallback : v;
    }

    static MariaDbDataSource dataSource() throws SQLException {
        MariaDbDataSource ds = new MariaDbDataSource(URL);
        ds.setUser(USER);
        ds.setPassword(PASSWORD);
        return ds;
    }

    /** Every table the migrations create, newest first (so a later table goes before what it refers to). */
    static List<String> switchboardTables() throws SQLException {
        List<String> tables = new ArrayList<>();
        Matcher m = Pattern.compile("CREATE TABLE (?:IF NOT EXISTS )?(\\w+)", Pattern.CASE_INSENSITIVE).matcher("");
        for (String script : Migrations.SCRIPTS) {
            m.reset(Migrations.load(script));
            while (m.find()) {
                tables.add(0, m.group(1));
            }
        }
        tables.add("schema_version");
        return tables;
    }

    /** A data source over the test database with switchboard's tables dropped, or a skip/failure. */
    static MariaDbDataSource emptied() throws SQLException {
        MariaDbDataSource ds = dataSource();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + String.join(", ", switchboardTables()));
        } catch (SQLException e) {
            String message = "MariaDB at " + URL + " is unreachable (" + e.getMessage() + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message + ": under CI the MariaDB tests must run");
            }
            System.err.println("\n*** SKIPPING MariaDB tests: " + message + " ***\n");
            Assumptions.abort(message);
        }
        return ds;
    }
}
