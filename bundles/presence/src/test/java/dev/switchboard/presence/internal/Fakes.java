package dev.switchboard.presence.internal;

import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.session.SessionInfo;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.DeviceRecord;
import dev.switchboard.api.store.PresenceStore;
import dev.switchboard.api.store.RosterItem;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Stand-ins for the presence bundle's collaborators: plain in-memory logic, for testing the
 * bundle's own rules (the SQL store's behaviour is tested against H2 and MariaDB in store.sql).
 */
final class Fakes {

    private Fakes() {
    }

    /** Online devices and what each was sent, in order. */
    static final class Directory implements SessionDirectory {
        final Map<String, List<Address>> online = new HashMap<>();
        final Map<Address, List<Node>> sent = new LinkedHashMap<>();

        void login(Address device) {
            online.computeIfAbsent(device.user(), u -> new ArrayList<>()).add(device);
        }

        void logout(Address device) {
            online.getOrDefault(device.user(), new ArrayList<>()).remove(device);
        }

        /** What the device was sent since the last call. */
        List<Node> take(Address device) {
            List<Node> out = sent.getOrDefault(device, List.of());
            sent.remove(device);
            return out;
        }

        @Override
        public boolean deliver(Address to, Node stanza) {
            if (!online.getOrDefault(to.user(), List.of()).contains(to)) {
                return false; // as the transport: only to a device that is logged in
            }
            sent.computeIfAbsent(to, a -> new ArrayList<>()).add(stanza);
            return true;
        }

        @Override
        public List<Address> devicesOf(String user) {
            return List.copyOf(online.getOrDefault(user, List.of()));
        }

        @Override
        public List<SessionInfo> sessions(String userPrefix) {
            List<SessionInfo> out = new ArrayList<>();
            online.values().forEach(ds -> ds.forEach(d -> out.add(new SessionInfo(d, "test", 0, 0, 0))));
            return out;
        }

        @Override
        public int connectionCount() {
            return sessions("").size();
        }

        @Override
        public Map<String, Long> counters() {
            return Map.of();
        }

        @Override
        public boolean close(Address device, String reason) {
            return false;
        }
    }

    /** The presence store's contract, in memory. */
    static final class Store implements PresenceStore {
        final Map<String, Visibility> visibility = new HashMap<>();
        final Map<String, TreeMap<String, RosterItem>> rosters = new HashMap<>();
        final Map<String, LinkedHashSet<String>> requests = new HashMap<>();

        @Override
        public Visibility visibility(String user) {
            return visibility.getOrDefault(user, Visibility.EVERYONE);
        }

        @Override
        public void setVisibility(String user, Visibility v) {
            visibility.put(user, v);
        }

        @Override
        public Set<String> contacts(String owner) {
            return Set.copyOf(rosters.getOrDefault(owner, new TreeMap<>()).keySet());
        }

        @Override
        public void addContacts(String owner, Collection<String> contacts) {
            contacts.forEach(c -> rosters.computeIfAbsent(owner, o -> new TreeMap<>()).putIfAbsent(c, RosterItem.plain(c)));
        }

        @Override
        public void removeContacts(String owner, Collection<String> contacts) {
            contacts.forEach(c -> rosters.getOrDefault(owner, new TreeMap<>()).remove(c));
        }

        @Override
        public List<RosterItem> roster(String owner) {
            return List.copyOf(rosters.getOrDefault(owner, new TreeMap<>()).values());
        }

        @Override
        public Optional<RosterItem> rosterItem(String owner, String contact) {
            return Optional.ofNullable(rosters.getOrDefault(owner, new TreeMap<>()).get(contact));
        }

        @Override
        public void putRosterItem(String owner, RosterItem item) {
            rosters.computeIfAbsent(owner, o -> new TreeMap<>()).put(item.contact(), item);
        }

        @Override
        public List<String> subscriptionRequests(String owner) {
            return List.copyOf(requests.getOrDefault(owner, new LinkedHashSet<>()));
        }

        @Override
        public void addSubscriptionRequest(String owner, String requester, long atMs) {
            requests.computeIfAbsent(owner, o -> new LinkedHashSet<>()).add(requester);
        }

        @Override
        public boolean removeSubscriptionRequest(String owner, String requester) {
            return requests.getOrDefault(owner, new LinkedHashSet<>()).remove(requester);
        }

        @Override
        public long lastSeen(String user) {
            return 0;
        }

        @Override
        public void setLastSeen(String user, long atMs) {
        }
    }

    /** Accounts that exist: each has its primary device. */
    static AccountService accounts(String... users) {
        Set<String> known = Set.of(users);
        return (AccountService) Proxy.newProxyInstance(Fakes.class.getClassLoader(), new Class<?>[] {AccountService.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("devices")) {
                        String user = (String) args[0];
                        return known.contains(user) ? List.of(new DeviceRecord(new Address(user, 0), 0)) : List.of();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** The configuration's defaults, with this many contacts at most. */
    static PresenceConfiguration config(int maxContacts) {
        return (PresenceConfiguration) Proxy.newProxyInstance(Fakes.class.getClassLoader(),
                new Class<?>[] {PresenceConfiguration.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "maxContacts" -> maxContacts;
                    case "maxSubscriptionsPerDevice" -> 5_000;
                    case "cacheEntries" -> 1_000;
                    default -> method.getDefaultValue();
                });
    }
}
