package dev.switchboard.presence.internal;

import dev.switchboard.api.stanza.Address;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who watches whom, indexed both ways: a change of an account reaches its watchers by one lookup
 * (no scan of all sessions), and a watcher going offline drops its subscriptions by one lookup.
 * Used on the presence thread only. Subscriptions belong to a session, as in WhatsApp: a client
 * subscribes to the accounts whose chats it shows.
 */
final class Subscriptions {

    private final Map<String, Set<Address>> watchersOf = new HashMap<>();
    private final Map<Address, Set<String>> watchedBy = new HashMap<>();

    /** @return false when the watcher is at its limit (and was not watching the target already) */
    boolean add(Address watcher, String target, int limit) {
        Set<String> targets = watchedBy.computeIfAbsent(watcher, w -> new LinkedHashSet<>());
        if (!targets.contains(target) && targets.size() >= limit) {
            return false;
        }
        targets.add(target);
        watchersOf.computeIfAbsent(target, t -> new LinkedHashSet<>()).add(watcher);
        return true;
    }

    void remove(Address watcher, String target) {
        Set<String> targets = watchedBy.get(watcher);
        if (targets != null && targets.remove(target) && targets.isEmpty()) {
            watchedBy.remove(watcher);
        }
        Set<Address> watchers = watchersOf.get(target);
        if (watchers != null && watchers.remove(watcher) && watchers.isEmpty()) {
            watchersOf.remove(target);
        }
    }

    void removeWatcher(Address watcher) {
        Set<String> targets = watchedBy.remove(watcher);
        if (targets == null) {
            return;
        }
        for (String target : targets) {
            Set<Address> watchers = watchersOf.get(target);
            if (watchers != null && watchers.remove(watcher) && watchers.isEmpty()) {
                watchersOf.remove(target);
            }
        }
    }

    Set<Address> watchersOf(String target) {
        return watchersOf.getOrDefault(target, Set.of());
    }

    Set<Address> watchers() {
        return watchedBy.keySet();
    }

    /** Plain data for the next revision: target to watcher addresses. */
    Map<String, List<String>> snapshot() {
        Map<String, List<String>> out = new HashMap<>();
        watchersOf.forEach((target, watchers) -> {
            List<String> list = new ArrayList<>(watchers.size());
            watchers.forEach(w -> list.add(w.toString()));
            out.put(target, list);
        });
        return out;
    }

    void restore(Map<?, ?> snapshot) {
        snapshot.forEach((target, watchers) -> {
            if (target instanceof String t && watchers instanceof List<?> list) {
                for (Object w : list) {
                    add(Address.parse(String.valueOf(w)), t, Integer.MAX_VALUE);
                }
            }
        });
    }

    int size() {
        int n = 0;
        for (Set<String> targets : watchedBy.values()) {
            n += targets.size();
        }
        return n;
    }
}
