package dev.switchboard.store.sql.internal;

import static dev.switchboard.store.sql.internal.Jdbc.query;
import static dev.switchboard.store.sql.internal.Jdbc.update;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.store.AccountStore;
import dev.switchboard.api.store.DeviceRecord;
import dev.switchboard.api.store.StoreException;
import dev.switchboard.api.store.StoredCredential;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Accounts, devices and tokens over plain JDBC; the same SQL runs on H2 and MariaDB. */
@Component(service = AccountStore.class, immediate = true)
public final class SqlAccountStore implements AccountStore {

    private static final String INSERT_DEVICE = "INSERT INTO devices (user_id, device_id, registered_at_ms,"
            + " algorithm, iterations, salt, hash, server_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

    private final Jdbc jdbc;

    @Activate
    public SqlAccountStore(@Reference Database database) {
        this(database.jdbc);
    }

    /** For tests: a store over a given connection source. */
    SqlAccountStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean createAccount(String user, StoredCredential primary) throws StoreException {
        return jdbc.transaction("create account", c -> {
            if (accountExists(c, user)) {
                return false;
            }
            long now = System.currentTimeMillis();
            try {
                update(c, "INSERT INTO accounts (user_id, created_at_ms) VALUES (?, ?)", user, now);
            } catch (SQLIntegrityConstraintViolationException createdConcurrently) {
                return false;
            }
            insertDevice(c, new Address(user, 0), primary, now);
            return true;
        });
    }

    @Override
    public AddDevice addDevice(Address device, StoredCredential credential, int maxDevices) throws StoreException {
        return jdbc.transaction("add device", c -> {
            // Lock the account row so two concurrent links cannot both pass the limit check.
            Boolean exists = query(c, "SELECT user_id FROM accounts WHERE user_id = ? FOR UPDATE", r -> r.next(), device.user());
            if (!exists) {
                return AddDevice.NO_ACCOUNT;
            }
            List<DeviceRecord> devices = devices(c, device.user());
            if (devices.stream().anyMatch(d -> d.address().equals(device))) {
                return AddDevice.EXISTS;
            }
            if (devices.size() >= maxDevices) {
                return AddDevice.LIMIT;
            }
            try {
                insertDevice(c, device, credential, System.currentTimeMillis());
            } catch (SQLIntegrityConstraintViolationException linkedConcurrently) {
                return AddDevice.EXISTS;
            }
            return AddDevice.ADDED;
        });
    }

    @Override
    public boolean removeDevice(Address device) throws StoreException {
        return jdbc.transaction("remove device", c -> {
            update(c, "DELETE FROM resume_tokens WHERE user_id = ? AND device_id = ?", device.user(), device.device());
            return update(c, "DELETE FROM devices WHERE user_id = ? AND device_id = ?", device.user(), device.device()) > 0;
        });
    }

    @Override
    public boolean updateCredential(Address device, StoredCredential cred) throws StoreException {
        return jdbc.transaction("update credential", c -> update(c,
                "UPDATE devices SET algorithm = ?, iterations = ?, salt = ?, hash = ?, server_key = ?"
                        + " WHERE user_id = ? AND device_id = ?",
                cred.mechanism(), cred.iterations(), cred.salt(), cred.storedKey(), cred.serverKey(),
                device.user(), device.device()) > 0);
    }

    @Override
    public boolean deleteAccount(String user) throws StoreException {
        return jdbc.transaction("delete account", c -> {
            update(c, "DELETE FROM resume_tokens WHERE user_id = ?", user);
            update(c, "DELETE FROM key_contacts WHERE fetcher_id = ?", user);
            update(c, "DELETE FROM offline_messages WHERE to_user = ?", user);
            update(c, "DELETE FROM devices WHERE user_id = ?", user);
            return update(c, "DELETE FROM accounts WHERE user_id = ?", user) > 0;
        });
    }

    @Override
    public Optional<StoredCredential> credential(Address device) throws StoreException {
        return jdbc.transaction("read credential", c -> query(c,
                "SELECT algorithm, iterations, salt, hash, server_key FROM devices WHERE user_id = ? AND device_id = ?",
                r -> r.next() ? Optional.of(new StoredCredential(r.getString(1), r.getInt(2), r.getBytes(3),
                        r.getBytes(4), r.getBytes(5) == null ? new byte[0] : r.getBytes(5))) : Optional.empty(),
                device.user(), device.device()));
    }

    @Override
    public List<DeviceRecord> devices(String user) throws StoreException {
        return jdbc.transaction("list devices", c -> devices(c, user));
    }

    private static List<DeviceRecord> devices(Connection c, String user) throws SQLException {
        return query(c, "SELECT device_id, registered_at_ms FROM devices WHERE user_id = ? ORDER BY device_id", r -> {
            List<DeviceRecord> out = new ArrayList<>();
            while (r.next()) {
                out.add(new DeviceRecord(new Address(user, r.getInt(1)), r.getLong(2)));
            }
            return out;
        }, user);
    }

    @Override
    public void storeToken(byte[] tokenHash, Address device, long expiresAtMs) throws StoreException {
        jdbc.transaction("store token", c -> update(c,
                "INSERT INTO resume_tokens (token_hash, user_id, device_id, expires_at_ms) VALUES (?, ?, ?, ?)",
                tokenHash, device.user(), device.device(), expiresAtMs));
    }

    @Override
    public Optional<Address> tokenDevice(byte[] tokenHash, long nowMs) throws StoreException {
        return jdbc.transaction("check token", c -> query(c,
                "SELECT user_id, device_id FROM resume_tokens WHERE token_hash = ? AND expires_at_ms > ?",
                r -> r.next() ? Optional.of(new Address(r.getString(1), r.getInt(2))) : Optional.empty(),
                tokenHash, nowMs));
    }

    @Override
    public int revokeTokens(Address device) throws StoreException {
        return jdbc.transaction("revoke tokens", c -> update(c,
                "DELETE FROM resume_tokens WHERE user_id = ? AND device_id = ?", device.user(), device.device()));
    }

    @Override
    public long accountCount() throws StoreException {
        return jdbc.transaction("count accounts", c -> query(c, "SELECT COUNT(*) FROM accounts", r -> {
            r.next();
            return r.getLong(1);
        }));
    }

    private static boolean accountExists(Connection c, String user) throws SQLException {
        return query(c, "SELECT 1 FROM accounts WHERE user_id = ?", r -> r.next(), user);
    }

    private static void insertDevice(Connection c, Address device, StoredCredential cred, long now) throws SQLException {
        update(c, INSERT_DEVICE, device.user(), device.device(), now, cred.mechanism(), cred.iterations(),
                cred.salt(), cred.storedKey(), cred.serverKey());
    }
}
