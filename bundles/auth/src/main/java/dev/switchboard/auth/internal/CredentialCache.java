package dev.switchboard.auth.internal;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.store.DeviceRecord;
import dev.switchboard.api.store.AccountStore;
import dev.switchboard.api.store.StoreException;
import dev.switchboard.api.store.StoredCredential;
import java.util.List;
import java.util.Optional;
import org.ehcache.Cache;
import org.ehcache.CacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;

/**
 * Ehcache 3 in front of the store's credential lookups. Holds only api types keyed by strings,
 * built with this bundle's class loader; every change through the auth bundle invalidates.
 */
final class CredentialCache implements AutoCloseable {

    private final AccountStore store;
    private final CacheManager manager;
    private final Cache<String, StoredCredential> cache;
    private final Cache<String, DeviceRecord[]> devices;

    CredentialCache(AccountStore store, int entries) {
        this.store = store;
        ClassLoader loader = CredentialCache.class.getClassLoader();
        this.manager = CacheManagerBuilder.newCacheManagerBuilder().withClassLoader(loader).build(true);
        this.cache = manager.createCache("credentials", CacheConfigurationBuilder
                .newCacheConfigurationBuilder(String.class, StoredCredential.class,
                        ResourcePoolsBuilder.heap(Math.max(1, entries)))
                .withClassLoader(loader));
        this.devices = manager.createCache("devices", CacheConfigurationBuilder
                .newCacheConfigurationBuilder(String.class, DeviceRecord[].class,
                        ResourcePoolsBuilder.heap(Math.max(1, entries)))
                .withClassLoader(loader));
    }

    /** An account's devices; routing asks for every message, so this is cached too. */
    List<DeviceRecord> devices(String user) throws StoreException {
        DeviceRecord[] hit = devices.get(user);
        if (hit != null) {
            return List.of(hit);
        }
        List<DeviceRecord> loaded = store.devices(user);
        devices.put(user, loaded.toArray(new DeviceRecord[0]));
        return loaded;
    }

    Optional<StoredCredential> credential(Address device) throws StoreException {
        String key = device.toString();
        StoredCredential hit = cache.get(key);
        if (hit != null) {
            return Optional.of(hit);
        }
        Optional<StoredCredential> loaded = store.credential(device);
        loaded.ifPresent(c -> cache.put(key, c));
        return loaded;
    }

    void invalidate(Address device) {
        cache.remove(device.toString());
        devices.remove(device.user());
    }

    void invalidateUser(String user) {
        devices.remove(user);
        for (int d = 0; d <= Address.MAX_DEVICE; d++) {
            cache.remove(user + "/" + d);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
