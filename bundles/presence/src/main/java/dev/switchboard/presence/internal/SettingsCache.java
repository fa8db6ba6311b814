package dev.switchboard.presence.internal;

import dev.switchboard.api.store.PresenceStore;
import dev.switchboard.api.store.PresenceStore.Visibility;
import dev.switchboard.api.store.StoreException;
import java.util.Set;
import org.ehcache.Cache;
import org.ehcache.CacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;

/**
 * Ehcache 3 in front of the store's presence settings: a presence change checks the target's
 * visibility (and contacts) once per subscriber, so it must not go to SQL. Changes made through this
 * bundle update or invalidate the entry.
 */
final class SettingsCache implements AutoCloseable {

    /** What decides who may see an account. */
    record Settings(Visibility visibility, Set<String> contacts) {
        boolean shows(String viewer) {
            return switch (visibility) {
                case EVERYONE -> true;
                case CONTACTS -> contacts.contains(viewer);
                case NOBODY -> false;
            };
        }
    }

    private final PresenceStore store;
    private final CacheManager manager;
    private final Cache<String, Settings> settings;
    private final Cache<String, Long> lastSeen;

    SettingsCache(PresenceStore store, int entries) {
        this.store = store;
        ClassLoader loader = SettingsCache.class.getClassLoader();
        this.manager = CacheManagerBuilder.newCacheManagerBuilder().withClassLoader(loader).build(true);
        this.settings = manager.createCache("presence-settings", CacheConfigurationBuilder
                .newCacheConfigurationBuilder(String.class, Settings.class, ResourcePoolsBuilder.heap(Math.max(1, entries)))
                .withClassLoader(loader));
        this.lastSeen = manager.createCache("last-seen", CacheConfigurationBuilder
                .newCacheConfigurationBuilder(String.class, Long.class, ResourcePoolsBuilder.heap(Math.max(1, entries)))
                .withClassLoader(loader));
    }

    Settings settings(String user) throws StoreException {
        Settings hit = settings.get(user);
        if (hit != null) {
            return hit;
        }
        Visibility v = store.visibility(user);
        Settings loaded = new Settings(v, v == Visibility.CONTACTS ? Set.copyOf(store.contacts(user)) : Set.of());
        settings.put(user, loaded);
        return loaded;
    }

    void invalidate(String user) {
        settings.remove(user);
    }

    long lastSeen(String user) throws StoreException {
        Long hit = lastSeen.get(user);
        if (hit != null) {
            return hit;
        }
        long loaded = store.lastSeen(user);
        lastSeen.put(user, loaded);
        return loaded;
    }

    void lastSeen(String user, long atMs) throws StoreException {
        lastSeen.put(user, atMs);
        store.setLastSeen(user, atMs);
    }

    @Override
    public void close() {
        manager.close();
    }
}
