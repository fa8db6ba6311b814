package dev.switchboard.transport.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids a one-shot connection sent (messages and requests), so the answers to them reach it
 * rather than the device's receiving session. A one-shot connection takes no queued stanzas and
 * replaces no session (docs/PROTOCOL.md §7, "One-shot logins"); it is meant for a handful of
 * requests, so the most recent {@value #REMEMBERED} ids are plenty.
 */
final class OneShotIds {

    static final int REMEMBERED = 1024;

    private final Map<String, Boolean> ids = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    };

    synchronized void sent(String id) {
        ids.put(id, Boolean.TRUE);
    }

    /** Whether an answer with this id belongs to this connection. */
    synchronized boolean awaits(String id) {
        return ids.containsKey(id);
    }
}
