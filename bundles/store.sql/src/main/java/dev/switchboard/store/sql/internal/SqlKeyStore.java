package dev.switchboard.store.sql.internal;

import static dev.switchboard.store.sql.internal.Jdbc.query;
import static dev.switchboard.store.sql.internal.Jdbc.update;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.store.KeyStore;
import dev.switchboard.api.store.StoreException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** End-to-end encryption's public keys over plain JDBC; the same SQL runs on H2 and MariaDB. */
@Component(service = KeyStore.class, immediate = true)
public final class SqlKeyStore implements KeyStore {

    private static final int CLASSIC = 0;
    private static final int KYBER = 1;
    private static final String KEY_COLUMNS = "registration_id, identity_key, signed_id, signed_key, signed_sig,"
            + " kyber_id, kyber_key, kyber_sig, updated_at_ms";

    private final Jdbc jdbc;

    @Activate
    public SqlKeyStore(@Reference Database database) {
        this(database.jdbc);
    }

    SqlKeyStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean putDeviceKeys(DeviceKeys keys) throws StoreException {
        Address d = keys.device();
        PreKey kyber = keys.lastResortKyberKey();
        return jdbc.transaction("store a device's keys", c -> {
            if (!query(c, "SELECT 1 FROM devices WHERE user_id = ? AND device_id = ?", ResultSet::next, d.user(), d.device())) {
                return false;
            }
            Optional<DeviceKeys> old = read(c, d);
            if (old.isPresent() && !Arrays.equals(old.get().identityKey(), keys.identityKey())) {
                // a new identity (the app was reinstalled): the old identity's one-time prekeys are useless
                update(c, "DELETE FROM one_time_prekeys WHERE user_id = ? AND device_id = ?", d.user(), d.device());
            }
            update(c, "DELETE FROM device_keys WHERE user_id = ? AND device_id = ?", d.user(), d.device());
            update(c, "INSERT INTO device_keys (user_id, device_id, " + KEY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    d.user(), d.device(), keys.registrationId(), keys.identityKey(), keys.signedPreKey().id(),
                    keys.signedPreKey().publicKey(), keys.signedPreKey().signature(),
                    kyber == null ? null : kyber.id(), kyber == null ? null : kyber.publicKey(),
                    kyber == null ? null : kyber.signature(), keys.updatedAtMs());
            return true;
        });
    }

    @Override
    public int addOneTimePreKeys(Address device, List<PreKey> keys, boolean kyber) throws StoreException {
        int kind = kyber ? KYBER : CLASSIC;
        return jdbc.transaction("add one-time prekeys", c -> {
            for (PreKey k : keys) {
                if (!query(c, "SELECT 1 FROM one_time_prekeys WHERE user_id = ? AND device_id = ? AND kind = ? AND key_id = ?",
                        ResultSet::next, device.user(), device.device(), kind, k.id())) {
                    try {
                        update(c, "INSERT INTO one_time_prekeys (user_id, device_id, kind, key_id, public_key, signature)"
                                + " VALUES (?, ?, ?, ?, ?, ?)", device.user(), device.device(), kind, k.id(), k.publicKey(),
                                k.signature());
                    } catch (SQLIntegrityConstraintViolationException noSuchDevice) {
                        throw new SQLException("no such device: " + device, noSuchDevice);
                    }
                }
            }
            return count(c, device, kind);
        });
    }

    @Override
    public int[] oneTimePreKeyCount(Address device) throws StoreException {
        return jdbc.transaction("count one-time prekeys", c -> new int[] {count(c, device, CLASSIC), count(c, device, KYBER)});
    }

    @Override
    public int oneTimePreKeysLeft(Address device, int limit) throws StoreException {
        return jdbc.transaction("count one-time prekeys", c -> query(c,
                "SELECT COUNT(*) FROM (SELECT key_id FROM one_time_prekeys WHERE user_id = ? AND device_id = ? AND kind = ?"
                        + " ORDER BY user_id, device_id, kind, key_id LIMIT ?) firsts",
                r -> r.next() ? r.getInt(1) : 0, device.user(), device.device(), CLASSIC, limit));
    }

    @Override
    public Optional<Bundle> takeBundle(Address device) throws StoreException {
        // the common case, no one else taking from this device's pool at this moment, in one transaction
        Object[] first = jdbc.transaction("take a key bundle", c -> {
            Optional<DeviceKeys> keys = read(c, device);
            return keys.isEmpty() ? null : new Object[] {keys.get(), attempt(c, device, CLASSIC), attempt(c, device, KYBER)};
        });
        if (first == null) {
            return Optional.empty();
        }
        return Optional.of(new Bundle((DeviceKeys) first[0], taken(first[1], device, CLASSIC), taken(first[2], device, KYBER)));
    }

    /** The outcome of a first attempt; a key another taker got first is taken again, anew. */
    private PreKey taken(Object outcome, Address device, int kind) throws StoreException {
        return outcome == NONE_LEFT ? null : outcome instanceof PreKey k ? k : take(device, kind);
    }

    @Override
    public Optional<DeviceKeys> deviceKeys(Address device) throws StoreException {
        return jdbc.transaction("read a device's keys", c -> read(c, device));
    }

    @Override
    public java.util.SortedMap<Integer, Integer> devicesWithKeys(String user) throws StoreException {
        return jdbc.transaction("list the devices with keys", c -> query(c,
                "SELECT device_id, registration_id FROM device_keys WHERE user_id = ? ORDER BY device_id", r -> {
                    java.util.SortedMap<Integer, Integer> out = new java.util.TreeMap<>();
                    while (r.next()) {
                        out.put(r.getInt(1), r.getInt(2));
                    }
                    return out;
                }, user));
    }

    @Override
    public void putDeviceList(String user, byte[] signedList, long nowMs) throws StoreException {
        jdbc.transaction("store a device list", c -> {
            if (update(c, "UPDATE device_lists SET signed_list = ?, updated_at_ms = ? WHERE user_id = ?", signedList, nowMs, user) == 0) {
                update(c, "INSERT INTO device_lists (user_id, signed_list, updated_at_ms) VALUES (?, ?, ?)", user, signedList, nowMs);
            }
            return null;
        });
    }

    @Override
    public Optional<byte[]> deviceList(String user) throws StoreException {
        return jdbc.transaction("read a device list", c -> query(c, "SELECT signed_list FROM device_lists WHERE user_id = ?",
                r -> r.next() ? Optional.of(r.getBytes(1)) : Optional.empty(), user));
    }

    @Override
    public void addKeyContact(String user, String fetcher) throws StoreException {
        jdbc.transaction("remember a key contact", c -> {
            if (!query(c, "SELECT 1 FROM key_contacts WHERE user_id = ? AND fetcher_id = ?", ResultSet::next, user, fetcher)) {
                try {
                    update(c, "INSERT INTO key_contacts (user_id, fetcher_id) VALUES (?, ?)", user, fetcher);
                } catch (SQLIntegrityConstraintViolationException concurrentOrNoAccount) {
                    // fetched at the same moment by the same account, or the account is gone: nothing to remember
                }
            }
            return null;
        });
    }

    @Override
    public List<String> keyContacts(String user) throws StoreException {
        return jdbc.transaction("read key contacts", c -> query(c,
                "SELECT fetcher_id FROM key_contacts WHERE user_id = ? ORDER BY fetcher_id", r -> {
                    List<String> out = new ArrayList<>();
                    while (r.next()) {
                        out.add(r.getString(1));
                    }
                    return out;
                }, user));
    }

    private static int count(Connection c, Address device, int kind) throws SQLException {
        return query(c, "SELECT COUNT(*) FROM one_time_prekeys WHERE user_id = ? AND device_id = ? AND kind = ?",
                r -> r.next() ? r.getInt(1) : 0, device.user(), device.device(), kind);
    }

    /**
     * The lowest-numbered one-time prekey, deleted. Whoever deletes the row owns it: a DELETE acts
     * on the latest committed row in both databases (and waits for a concurrent one), so of two
     * takers that read the same key, one deletes it and the other deletes nothing and tries the
     * next, each attempt in a transaction of its own, so that MariaDB's repeatable-read snapshot
     * cannot keep showing it a row already taken. (A locking read would do the same in one
     * transaction, but H2 locks every row of the device's pool for it: 5 ms a fetch.)
     */
    private PreKey take(Address device, int kind) throws StoreException {
        for (int attempt = 0; attempt < 64; attempt++) {
            Object outcome = jdbc.transaction("take a one-time prekey", c -> attempt(c, device, kind));
            if (outcome == NONE_LEFT) {
                return null;
            }
            if (outcome instanceof PreKey k) {
                return k;
            }
        }
        throw new StoreException("one-time prekeys of " + device + " are contended; retry", null);
    }

    /** One try at the lowest key: it, {@link #NONE_LEFT}, or {@link #TAKEN_BY_ANOTHER}. */
    private static Object attempt(Connection c, Address device, int kind) throws SQLException {
        PreKey k = query(c, "SELECT key_id, public_key, signature FROM one_time_prekeys"
                        + " WHERE user_id = ? AND device_id = ? AND kind = ? ORDER BY user_id, device_id, kind, key_id LIMIT 1",
                r -> r.next() ? new PreKey(r.getInt(1), r.getBytes(2), r.getBytes(3)) : null, device.user(), device.device(), kind);
        if (k == null) {
            return NONE_LEFT;
        }
        return update(c, "DELETE FROM one_time_prekeys WHERE user_id = ? AND device_id = ? AND kind = ? AND key_id = ?",
                device.user(), device.device(), kind, k.id()) == 1 ? k : TAKEN_BY_ANOTHER;
    }

    private static final Object NONE_LEFT = new Object();
    private static final Object TAKEN_BY_ANOTHER = new Object();

    private static Optional<DeviceKeys> read(Connection c, Address device) throws SQLException {
        return query(c, "SELECT " + KEY_COLUMNS + " FROM device_keys WHERE user_id = ? AND device_id = ?", r -> {
            if (!r.next()) {
                return Optional.empty();
            }
            int kyberId = r.getInt(6);
            PreKey kyber = r.wasNull() ? null : new PreKey(kyberId, r.getBytes(7), r.getBytes(8));
            return Optional.of(new DeviceKeys(device, r.getInt(1), r.getBytes(2), new PreKey(r.getInt(3), r.getBytes(4), r.getBytes(5)),
                    kyber, r.getLong(9)));
        }, device.user(), device.device());
    }
}
