package dev.switchboard.auth.internal;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.store.AccountStore;
import dev.switchboard.api.store.DeviceRecord;
import dev.switchboard.api.store.StoreException;
import dev.switchboard.api.store.StoredCredential;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory account store for testing the authenticator's logic (the SQL store has its own
 * tests against H2 and MariaDB). {@link #down} makes every call fail as an unreachable database would.
 */
public final class MemoryAccountStore implements AccountStore {

    public volatile boolean down;
    private final Map<String, TreeMap<Integer, StoredCredential>> accounts = new ConcurrentHashMap<>();
    private final Map<ByteBuffer, Object[]> tokens = new ConcurrentHashMap<>();

    private void check() throws StoreException {
        if (down) {
            throw new StoreException("connection refused", null);
        }
    }

    @Override
    public synchronized boolean createAccount(String user, StoredCredential primary) throws StoreException {
        check();
        if (accounts.containsKey(user)) {
            return false;
        }
        TreeMap<Integer, StoredCredential> devices = new TreeMap<>();
        devices.put(0, primary);
        accounts.put(user, devices);
        return true;
    }

    @Override
    public synchronized AddDevice addDevice(Address device, StoredCredential credential, int maxDevices) throws StoreException {
        check();
        TreeMap<Integer, StoredCredential> devices = accounts.get(device.user());
        if (devices == null) {
            return AddDevice.NO_ACCOUNT;
        }
        if (devices.containsKey(device.device())) {
            return AddDevice.EXISTS;
        }
        if (devices.size() >= maxDevices) {
            return AddDevice.LIMIT;
        }
        devices.put(device.device(), credential);
        return AddDevice.ADDED;
    }

    @Override
    public synchronized boolean removeDevice(Address device) throws StoreException {
        check();
        TreeMap<Integer, StoredCredential> devices = accounts.get(device.user());
        revokeTokens(device);
        return devices != null && devices.remove(device.device()) != null;
    }

    @Override
    public synchronized boolean updateCredential(Address device, StoredCredential credential) throws StoreException {
        check();
        TreeMap<Integer, StoredCredential> devices = accounts.get(device.user());
        return devices != null && devices.replace(device.device(), credential) != null;
    }

    @Override
    public synchronized boolean deleteAccount(String user) throws StoreException {
        check();
        tokens.values().removeIf(t -> ((Address) t[0]).user().equals(user));
        return accounts.remove(user) != null;
    }

    @Override
    public synchronized Optional<StoredCredential> credential(Address device) throws StoreException {
        check();
        TreeMap<Integer, StoredCredential> devices = accounts.get(device.user());
        return Optional.ofNullable(devices == null ? null : devices.get(device.device()));
    }

    @Override
    public synchronized List<DeviceRecord> devices(String user) throws StoreException {
        check();
        List<DeviceRecord> out = new ArrayList<>();
        accounts.getOrDefault(user, new TreeMap<>()).keySet().forEach(d -> out.add(new DeviceRecord(new Address(user, d), 1)));
        return out;
    }

    @Override
    public void storeToken(byte[] tokenHash, Address device, long expiresAtMs) throws StoreException {
        check();
        tokens.put(ByteBuffer.wrap(tokenHash.clone()), new Object[] {device, expiresAtMs});
    }

    @Override
    public Optional<Address> tokenDevice(byte[] tokenHash, long nowMs) throws StoreException {
        check();
        Object[] t = tokens.get(ByteBuffer.wrap(tokenHash));
        return t == null || (long) t[1] <= nowMs ? Optional.empty() : Optional.of((Address) t[0]);
    }

    @Override
    public int revokeTokens(Address device) throws StoreException {
        check();
        int before = tokens.size();
        tokens.values().removeIf(t -> t[0].equals(device));
        return before - tokens.size();
    }

    @Override
    public long accountCount() throws StoreException {
        check();
        return accounts.size();
    }
}
