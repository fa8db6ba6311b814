package dev.switchboard.store.sql.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the versioned SQL scripts under {@code migration/} in order, once each, recording them in
 * {@code schema_version}. Safe to run at every start: applied versions are skipped.
 */
final class Migrations {

    /** Append-only: a released script is never edited, a change is a new version. */
    static final List<String> SCRIPTS = List.of("V1__accounts.sql", "V2__scram_and_tokens.sql",
            "V3__offline_messages.sql", "V4__groups.sql", "V5__presence.sql", "V6__media.sql",
            "V7__roster.sql", "V8__keys.sql");

    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    private Migrations() {
    }

    /** Brings the schema up to date. @return the number of scripts applied now */
    static int apply(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                    + "version INT NOT NULL PRIMARY KEY, name VARCHAR(200) NOT NULL, applied_at_ms BIGINT NOT NULL)");
        }
        int applied = 0;
        for (int i = 0; i < SCRIPTS.size(); i++) {
            int version = i + 1;
            if (isApplied(c, version)) {
                continue;
            }
            String name = SCRIPTS.get(i);
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (String sql : statements(load(name))) {
                    s.execute(sql);
                }
                try (PreparedStatement p = c.prepareStatement(
                        "INSERT INTO schema_version (version, name, applied_at_ms) VALUES (?, ?, ?)")) {
                    p.setInt(1, version);
                    p.setString(2, name);
                    p.setLong(3, System.currentTimeMillis());
                    p.executeUpdate();
                }
                c.commit();
                applied++;
                LOG.info("Applied schema migration {}", name);
            } catch (SQLException e) {
                c.rollback();
                throw new SQLException("migration " + name + " failed: " + e.getMessage(), e);
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
        return applied;
    }

    private static boolean isApplied(Connection c, int version) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM schema_version WHERE version = ?")) {
            p.setInt(1, version);
            try (ResultSet r = p.executeQuery()) {
                return r.next();
            }
        }
    }

    static String load(String name) throws SQLException {
        try (InputStream in = Migrations.class.getResourceAsStream("/dev/switchboard/store/sql/migration/" + name)) {
            if (in == null) {
                throw new SQLException("migration script missing from the bundle: " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SQLException("cannot read migration " + name, e);
        }
    }

    /** Splits a script on semicolons ending a line, dropping {@code --} comment lines. */
    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                out.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }
}
