package dev.switchboard.groups.internal;

import dev.switchboard.api.store.GroupStore;
import dev.switchboard.api.store.StoreException;
import java.util.Optional;
import org.ehcache.Cache;
import org.ehcache.CacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;

/**
 * Ehcache 3 in front of the store's group lookups: every group message asks who is in the group.
 * Holds only api records, built with this bundle's class loader; every change made through this
 * bundle invalidates its group.
 */
final class MembershipCache implements AutoCloseable {

    private final GroupStore store;
    private final CacheManager manager;
    private final Cache<String, GroupStore.Group> groups;

    MembershipCache(GroupStore store, int entries) {
        this.store = store;
        ClassLoader loader = MembershipCache.class.getClassLoader();
        this.manager = CacheManagerBuilder.newCacheManagerBuilder().withClassLoader(loader).build(true);
        this.groups = manager.createCache("groups", CacheConfigurationBuilder
                .newCacheConfigurationBuilder(String.class, GroupStore.Group.class, ResourcePoolsBuilder.heap(Math.max(1, entries)))
                .withClassLoader(loader));
    }

    Optional<GroupStore.Group> group(String id) throws StoreException {
        GroupStore.Group hit = groups.get(id);
        if (hit != null) {
            return Optional.of(hit);
        }
        Optional<GroupStore.Group> loaded = store.group(id);
        loaded.ifPresent(g -> groups.put(id, g));
        return loaded;
    }

    void invalidate(String id) {
        groups.remove(id);
    }

    @Override
    public void close() {
        manager.close();
    }
}
