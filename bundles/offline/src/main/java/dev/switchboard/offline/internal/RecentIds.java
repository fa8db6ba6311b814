package dev.switchboard.offline.internal;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.store.QueuedMessage;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The message ids senders used recently, to answer a resend (a reconnect cut off the ack) with
 * the same ack instead of a second copy. Bounded in count and age; handed to the next revision as
 * plain strings through the vault.
 */
final class RecentIds {

    /** A sender's message id: messages ids are unique per sending device. */
    private record Key(Address from, String id) {
    }

    private final long windowMs;
    private final LinkedHashMap<Key, Long> ids;

    RecentIds(int maxIds, long windowMs) {
        this.windowMs = windowMs;
        this.ids = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Long> eldest) {
                return size() > maxIds;
            }
        };
    }

    static boolean counts(QueuedMessage m) {
        return "message".equals(m.kind()) || "media".equals(m.kind());
    }

    synchronized void remember(Address from, String id, long atMs) {
        ids.put(new Key(from, id), atMs);
        var it = ids.values().iterator();
        while (it.hasNext() && it.next() < atMs - windowMs) {
            it.remove();
        }
    }

    /** Remembers without replacing an earlier time (a rebuild from the journal). */
    synchronized void rememberIfAbsent(Address from, String id, long atMs) {
        ids.putIfAbsent(new Key(from, id), atMs);
    }

    boolean seen(Address from, String id) {
        Long at;
        synchronized (this) {
            at = ids.get(new Key(from, id));
        }
        return at != null && at >= System.currentTimeMillis() - windowMs;
    }

    /** For the vault: {@code from|id} to time. */
    synchronized Map<String, Long> snapshot() {
        Map<String, Long> out = new HashMap<>();
        ids.forEach((k, at) -> out.put(k.from() + "|" + k.id(), at));
        return out;
    }

    /** From a vault snapshot, oldest first; entries it cannot read are skipped. */
    synchronized void restore(Map<?, ?> handed) {
        handed.entrySet().stream()
                .filter(e -> e.getKey() instanceof String && e.getValue() instanceof Long)
                .sorted(Map.Entry.comparingByValue((a, b) -> Long.compare((Long) a, (Long) b)))
                .forEach(e -> {
                    String key = (String) e.getKey();
                    int bar = key.indexOf('|');
                    try {
                        ids.put(new Key(Address.parse(key.substring(0, bar)), key.substring(bar + 1)), (Long) e.getValue());
                    } catch (RuntimeException malformed) {
                        // an entry from another shape: skipped, at worst a resend is queued twice
                    }
                });
    }
}
