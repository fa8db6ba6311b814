package dev.switchboard.routing.internal;

import dev.switchboard.api.routing.StanzaHandler;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * The feature bundles' stanza handlers by tag. Like {@link ServiceGate}, a handler is never called
 * after it was unbound: calls hold a read lock, unbinding waits for them.
 */
final class HandlerTable {

    /** Tags whose stanzas wait while their feature bundle is being replaced, instead of being refused. */
    static final Set<String> FEATURE_TAGS = Set.of("group", "keys", "presence", "chatstate", "contacts", "privacy", "media",
            "roster", "subscription", "iq");

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, StanzaHandler> byTag = new HashMap<>();

    void bind(StanzaHandler handler, Map<String, Object> properties) {
        lock.writeLock().lock();
        try {
            for (String tag : tags(properties.get(StanzaHandler.TAGS))) {
                byTag.put(tag, handler);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    void unbind(StanzaHandler handler) {
        lock.writeLock().lock();
        try {
            byTag.values().removeIf(h -> h == handler);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Runs work with the tag's handler, or returns {@code ifMissing} when there is none. */
    <R> R with(String tag, Function<StanzaHandler, R> work, R ifMissing) {
        lock.readLock().lock();
        try {
            StanzaHandler h = byTag.get(tag);
            return h == null ? ifMissing : work.apply(h);
        } finally {
            lock.readLock().unlock();
        }
    }

    private static String[] tags(Object property) {
        if (property instanceof String s) {
            return new String[] {s};
        }
        if (property instanceof String[] a) {
            return a;
        }
        return new String[0];
    }
}
