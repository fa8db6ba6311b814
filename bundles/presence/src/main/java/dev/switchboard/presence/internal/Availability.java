package dev.switchboard.presence.internal;

import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.session.SessionInfo;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.StoreException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is online and who is told: an account is online while any of its devices is (the session
 * directory is the truth); when its last device leaves, its last-seen time is stored. Watchers are
 * told of changes as far as the account's visibility allows, with the show and status text its
 * devices last gave. Used on the presence thread only.
 */
final class Availability {

    private static final Logger LOG = LoggerFactory.getLogger(Availability.class);
    private static final Set<String> SHOWS = Set.of("away", "chat", "dnd", "xa");
    static final int MAX_STATUS_CHARS = 1_000;

    /** What an online account's devices last said of it (XMPP's show and status). */
    record Status(String show, String text) {
    }

    private final SessionDirectory directory;
    private final SettingsCache cache;
    private final Subscriptions subscriptions;
    private final Replies replies;
    /** Accounts this revision has announced as online; compared with the directory to see changes. */
    private final Set<String> online = new HashSet<>();
    private final Map<String, Status> statuses = new HashMap<>();
    /** Devices that said they are available in this session (a swap forgets them: they are sent their roster's presence again). */
    private final Set<Address> present = new HashSet<>();

    Availability(SessionDirectory directory, SettingsCache cache, Subscriptions subscriptions, Replies replies) {
        this.directory = directory;
        this.cache = cache;
        this.subscriptions = subscriptions;
        this.replies = replies;
    }

    /** Takes over the previous revision's state and announces what changed while nobody watched. */
    void catchUp(Map<String, Object> handed) {
        if (handed.get("subscriptions") instanceof Map<?, ?> subs) {
            subscriptions.restore(subs);
        }
        if (handed.get("statuses") instanceof Map<?, ?> given) {
            given.forEach((user, s) -> {
                if (s instanceof List<?> pair && pair.size() == 2) {
                    String show = String.valueOf(pair.get(0));
                    String text = String.valueOf(pair.get(1));
                    statuses.put(String.valueOf(user), new Status(show.isEmpty() ? null : show, text.isEmpty() ? null : text));
                }
            });
        }
        Set<String> before = new HashSet<>();
        if (handed.get("online") instanceof List<?> users) {
            users.forEach(u -> before.add(String.valueOf(u)));
        }
        Set<String> now = new HashSet<>();
        for (SessionInfo s : directory.sessions("")) {
            now.add(s.address().user());
        }
        for (Address watcher : List.copyOf(subscriptions.watchers())) {
            if (!now.contains(watcher.user()) || !directory.devicesOf(watcher.user()).contains(watcher)) {
                subscriptions.removeWatcher(watcher); // left while no presence ran
            }
        }
        online.addAll(before);
        for (String user : before) {
            if (!now.contains(user)) {
                wentOffline(user);
            }
        }
        for (String user : now) {
            if (online.add(user)) {
                announce(user);
            }
        }
        LOG.info("Presence ready: {} accounts online, {} subscriptions", online.size(), subscriptions.size());
    }

    /** Plain data for the next revision. */
    void handOver(Map<String, Object> state) {
        state.put("subscriptions", subscriptions.snapshot());
        state.put("online", new ArrayList<>(online));
        Map<String, List<String>> given = new HashMap<>();
        statuses.forEach((user, s) -> given.put(user, List.of(s.show() == null ? "" : s.show(), s.text() == null ? "" : s.text())));
        state.put("statuses", given);
    }

    void online(Address device) {
        if (!directory.devicesOf(device.user()).isEmpty() && online.add(device.user())) {
            announce(device.user());
        }
    }

    void offline(Address device) {
        subscriptions.removeWatcher(device);
        present.remove(device);
        if (directory.devicesOf(device.user()).isEmpty() && online.contains(device.user())) {
            wentOffline(device.user());
        }
    }

    private void wentOffline(String user) {
        online.remove(user);
        statuses.remove(user);
        long now = System.currentTimeMillis();
        try {
            cache.lastSeen(user, now);
        } catch (StoreException e) {
            LOG.warn("Cannot store when {} was last seen: {}", user, e.getMessage());
        }
        announce(user, Node.of("presence", "from", user, "type", "unavailable", "last", Long.toString(now)));
    }

    /**
     * A device says it is available, with its show and status: its account's watchers are told what changed.
     *
     * @return whether this is the first time in this session (the device is present now)
     */
    boolean available(Address device, Node r) {
        String show = r.attr("show");
        String text = r.attr("status");
        if (show != null && !SHOWS.contains(show)) {
            throw new IllegalArgumentException("show must be away, chat, dnd or xa");
        }
        if (text != null && text.length() > MAX_STATUS_CHARS) {
            throw new IllegalArgumentException("a status is at most " + MAX_STATUS_CHARS + " characters");
        }
        Status status = show == null && (text == null || text.isEmpty()) ? null : new Status(show, text);
        if (status == null) {
            statuses.remove(device.user());
        } else {
            statuses.put(device.user(), status);
        }
        if (online.contains(device.user())) {
            announce(device.user()); // even unchanged: a client's presence may carry more than show and status (XEP-0115's caps)
        }
        return present.add(device);
    }

    /** A session's watch of an account (WhatsApp-style: the chats a client shows). @return false at the limit */
    boolean watch(Address watcher, String target, int limit) {
        return subscriptions.add(watcher, target, limit);
    }

    /** The target's current presence, to one watcher. */
    void show(Address watcher, String target) throws StoreException {
        replies.to(watcher, current(target, watcher.user()));
    }

    void unwatch(Address watcher, String target) {
        subscriptions.remove(watcher, target);
    }

    /** Every online device of {@code user} stops watching {@code target} and sees it go: a subscription ended. */
    void unwatchAll(String user, String target) {
        Node gone = Node.of("presence", "from", target, "type", "unavailable");
        for (Address device : directory.devicesOf(user)) {
            subscriptions.remove(device, target);
            replies.to(device, gone);
        }
    }

    private void announce(String user) {
        Status s = statuses.get(user);
        announce(user, Node.of("presence", "from", user, "type", "available", "show", s == null ? null : s.show(),
                "status", s == null ? null : s.text()));
    }

    /** Tells every watcher of the account that may see it. */
    private void announce(String user, Node presence) {
        Set<Address> watchers = subscriptions.watchersOf(user);
        if (watchers.isEmpty()) {
            return;
        }
        SettingsCache.Settings settings;
        try {
            settings = cache.settings(user);
        } catch (StoreException e) {
            LOG.warn("Cannot read who may see {}; its watchers are not told this change: {}", user, e.getMessage());
            return;
        }
        for (Address watcher : watchers) {
            if (settings.shows(watcher.user())) {
                replies.to(watcher, presence);
            }
        }
    }

    /** The account's presence as a viewer may see it: hidden accounts look offline, with no time. */
    Node current(String target, String viewer) throws StoreException {
        if (!cache.settings(target).shows(viewer)) {
            return Node.of("presence", "from", target, "type", "unavailable");
        }
        if (!directory.devicesOf(target).isEmpty()) {
            Status s = statuses.get(target);
            return Node.of("presence", "from", target, "type", "available", "show", s == null ? null : s.show(),
                    "status", s == null ? null : s.text());
        }
        long last = cache.lastSeen(target);
        return Node.of("presence", "from", target, "type", "unavailable", "last", last == 0 ? null : Long.toString(last));
    }

    int subscriptionCount() {
        return subscriptions.size();
    }
}
