package dev.switchboard.store.sql.internal;

import dev.switchboard.api.store.AccountStore;
import dev.switchboard.api.store.StoreException;
import dev.switchboard.api.store.StoredCredential;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.util.Optional;
import javax.sql.DataSource;

/** Accounts and device credentials over plain JDBC; portable between H2 and MariaDB. */
final class SqlAccountStore implements AccountStore {

    private final DataSource dataSource;

    SqlAccountStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public boolean createAccount(String user, StoredCredential primary) throws StoreException {
        long now = System.currentTimeMillis();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (exists(c, user)) {
                    c.rollback();
                    return false;
                }
                try (PreparedStatement p = c.prepareStatement(
                        "INSERT INTO accounts (user_id, created_at_ms) VALUES (?, ?)")) {
                    p.setString(1, user);
                    p.setLong(2, now);
                    p.executeUpdate();
                }
                insertDevice(c, user, 0, now, primary);
                c.commit();
                return true;
            } catch (SQLIntegrityConstraintViolationException raced) {
                c.rollback();
                return false;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot create account: " + e.getMessage(), e);
        }
    }

    private static boolean exists(Connection c, String user) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM accounts WHERE user_id = ?")) {
            p.setString(1, user);
            try (ResultSet r = p.executeQuery()) {
                return r.next();
            }
        }
    }

    private static void insertDevice(Connection c, String user, int device, long now, StoredCredential cred)
            throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO devices (user_id, device_id, registered_at_ms,"
                + " algorithm, iterations, salt, hash) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            p.setString(1, user);
            p.setInt(2, device);
            p.setLong(3, now);
            p.setString(4, cred.algorithm());
            p.setInt(5, cred.iterations());
            p.setBytes(6, cred.salt());
            p.setBytes(7, cred.hash());
            p.executeUpdate();
        }
    }

    @Override
    public Optional<StoredCredential> credential(String user, int device) throws StoreException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement p = c.prepareStatement(
                     "SELECT algorithm, iterations, salt, hash FROM devices WHERE user_id = ? AND device_id = ?")) {
            p.setString(1, user);
            p.setInt(2, device);
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                return Optional.of(new StoredCredential(r.getString(1), r.getInt(2), r.getBytes(3), r.getBytes(4)));
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read credential: " + e.getMessage(), e);
        }
    }

    @Override
    public long accountCount() throws StoreException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM accounts");
             ResultSet r = p.executeQuery()) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw new StoreException("cannot count accounts: " + e.getMessage(), e);
        }
    }
}
