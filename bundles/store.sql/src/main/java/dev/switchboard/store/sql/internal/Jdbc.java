package dev.switchboard.store.sql.internal;

import dev.switchboard.api.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Connection, transaction and statement plumbing, so the store's methods read as their SQL. */
final class Jdbc {

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    @FunctionalInterface
    interface Rows<T> {
        T read(ResultSet r) throws SQLException;
    }

    private final DataSource dataSource;
    private final Migrator migrator;

    Jdbc(DataSource dataSource, Migrator migrator) {
        this.dataSource = dataSource;
        this.migrator = migrator;
    }

    /** Brings the schema up to date unless already done. @throws MigrationFailure when it cannot */
    void migrate() {
        migrator.migrateOnce();
    }

    /** Runs work in one transaction, committed if it returns, rolled back if it throws. */
    <T> T transaction(String what, Work<T> work) throws StoreException {
        migrate();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot " + what + ": " + e.getMessage(), e);
        } catch (MigrationFailure e) {
            throw new StoreException("cannot " + what + ": " + e.getMessage(), e.getCause());
        }
    }

    static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement p = prepare(c, sql, args)) {
            return p.executeUpdate();
        }
    }

    static <T> T query(Connection c, String sql, Rows<T> rows, Object... args) throws SQLException {
        try (PreparedStatement p = prepare(c, sql, args); ResultSet r = p.executeQuery()) {
            return rows.read(r);
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement p = c.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            p.setObject(i + 1, args[i]);
        }
        return p;
    }

    /** The schema could not be brought up to date (the database may be unreachable). */
    static final class MigrationFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MigrationFailure(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
