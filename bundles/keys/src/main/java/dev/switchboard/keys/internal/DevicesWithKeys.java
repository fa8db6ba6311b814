package dev.switchboard.keys.internal;

import dev.switchboard.api.store.KeyStore;
import dev.switchboard.api.store.StoreException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.ehcache.Cache;
import org.ehcache.CacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;

/**
 * Ehcache 3 in front of "which of this account's devices have keys": the router asks for every
 * encrypted message, so it must not cost SQL each time. Changes through this bundle (an upload) and
 * the device-lifecycle events invalidate.
 *
 * <p>A load races an invalidation: it may read the database just before a change commits and put
 * the old answer after the change's invalidation. A generation counter, bumped before each
 * invalidation, tells the loader to drop what it put if anything was invalidated meanwhile.
 */
final class DevicesWithKeys implements AutoCloseable {

    private final KeyStore store;
    private final CacheManager manager;
    private final Cache<String, Map<Integer, Integer>> cache;
    private final AtomicLong generation = new AtomicLong();

    @SuppressWarnings({"unchecked", "rawtypes"})
    DevicesWithKeys(KeyStore store, int entries) {
        this.store = store;
        ClassLoader loader = DevicesWithKeys.class.getClassLoader();
        this.manager = CacheManagerBuilder.newCacheManagerBuilder().withClassLoader(loader).build(true);
        Class<Map<Integer, Integer>> type = (Class) Map.class;
        this.cache = manager.createCache("devices-with-keys", CacheConfigurationBuilder
                .newCacheConfigurationBuilder(String.class, type, ResourcePoolsBuilder.heap(Math.max(1, entries)))
                .withClassLoader(loader));
    }

    /** Device number to registration id. */
    Map<Integer, Integer> of(String user) throws StoreException {
        Map<Integer, Integer> hit = cache.get(user);
        if (hit != null) {
            return hit;
        }
        long before = generation.get();
        Map<Integer, Integer> loaded = Map.copyOf(store.devicesWithKeys(user));
        cache.put(user, loaded);
        if (generation.get() != before) {
            cache.remove(user); // something changed while it was read: the next ask reads again
        }
        return loaded;
    }

    /** The account's keys or devices changed (after the change is stored). */
    void invalidate(String user) {
        generation.incrementAndGet();
        cache.remove(user);
    }

    @Override
    public void close() {
        manager.close();
    }
}
