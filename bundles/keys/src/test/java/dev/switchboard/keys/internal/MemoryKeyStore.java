package dev.switchboard.keys.internal;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.store.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The key store's behaviour in memory, for the request logic's tests (the SQL store has its own
 * contract tests on H2 and MariaDB). Knows which devices are linked, as the SQL store does.
 */
final class MemoryKeyStore implements KeyStore {

    private final Set<Address> linked;
    private final Map<Address, DeviceKeys> keys = new HashMap<>();
    private final Map<Address, TreeMap<Integer, PreKey>> classic = new HashMap<>();
    private final Map<Address, TreeMap<Integer, PreKey>> kyber = new HashMap<>();
    private final Map<String, byte[]> lists = new HashMap<>();
    private final Map<String, Set<String>> contacts = new HashMap<>();

    MemoryKeyStore(Set<Address> linked) {
        this.linked = linked;
    }

    @Override
    public boolean putDeviceKeys(DeviceKeys k) {
        if (!linked.contains(k.device())) {
            return false;
        }
        DeviceKeys old = keys.put(k.device(), k);
        if (old != null && !Arrays.equals(old.identityKey(), k.identityKey())) {
            classic.remove(k.device());
            kyber.remove(k.device());
        }
        return true;
    }

    @Override
    public int addOneTimePreKeys(Address device, List<PreKey> add, boolean isKyber) {
        TreeMap<Integer, PreKey> pool = (isKyber ? kyber : classic).computeIfAbsent(device, d -> new TreeMap<>());
        add.forEach(k -> pool.putIfAbsent(k.id(), k));
        return pool.size();
    }

    @Override
    public int[] oneTimePreKeyCount(Address device) {
        return new int[] {classic.getOrDefault(device, new TreeMap<>()).size(), kyber.getOrDefault(device, new TreeMap<>()).size()};
    }

    @Override
    public int oneTimePreKeysLeft(Address device, int limit) {
        return Math.min(limit, classic.getOrDefault(device, new TreeMap<>()).size());
    }

    @Override
    public Optional<Bundle> takeBundle(Address device) {
        DeviceKeys k = keys.get(device);
        if (k == null) {
            return Optional.empty();
        }
        return Optional.of(new Bundle(k, take(classic.get(device)), take(kyber.get(device))));
    }

    private static PreKey take(TreeMap<Integer, PreKey> pool) {
        return pool == null || pool.isEmpty() ? null : pool.pollFirstEntry().getValue();
    }

    @Override
    public Optional<DeviceKeys> deviceKeys(Address device) {
        return Optional.ofNullable(keys.get(device));
    }

    @Override
    public java.util.SortedMap<Integer, Integer> devicesWithKeys(String user) {
        java.util.SortedMap<Integer, Integer> out = new TreeMap<>();
        keys.forEach((d, k) -> {
            if (d.user().equals(user)) {
                out.put(d.device(), k.registrationId());
            }
        });
        return out;
    }

    @Override
    public void putDeviceList(String user, byte[] signedList, long nowMs) {
        lists.put(user, signedList);
    }

    @Override
    public Optional<byte[]> deviceList(String user) {
        return Optional.ofNullable(lists.get(user));
    }

    @Override
    public void addKeyContact(String user, String fetcher) {
        contacts.computeIfAbsent(user, u -> new TreeSet<>()).add(fetcher);
    }

    @Override
    public List<String> keyContacts(String user) {
        return new ArrayList<>(contacts.getOrDefault(user, Set.of()));
    }
}
