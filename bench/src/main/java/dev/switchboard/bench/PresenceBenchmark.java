package dev.switchboard.bench;

import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.session.SessionInfo;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.PresenceStore;
import dev.switchboard.presence.internal.PresenceComponent;
import dev.switchboard.presence.internal.PresenceConfiguration;
import dev.switchboard.transport.internal.StateVaultComponent;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one presence change with 1,000 subscribers, without sockets: the watched account's
 * device logs in (1,000 "available" handed to the watchers' sessions), then out (its last-seen time
 * stored, 1,000 "unavailable"). The score is the time for both changes, waiting until every watcher
 * was handed each one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PresenceBenchmark {

    private static final int WATCHERS = 1000;
    private static final Address TARGET = new Address("1570000000", 0);

    private final Semaphore handed = new Semaphore(0);
    private final Set<Address> online = ConcurrentHashMap.newKeySet();
    private PresenceComponent presence;

    @Setup(Level.Trial)
    public void start() throws Exception {
        presence = new PresenceComponent(new Sessions(), new StateVaultComponent(), new MemoryPresenceStore(),
                Fakes.defaults(PresenceConfiguration.class));
        presence.bindAccounts(Fakes.oneDeviceAccounts());
        for (int i = 1; i <= WATCHERS; i++) {
            Address watcher = new Address(String.valueOf(1_570_000_000L + i), 0);
            online.add(watcher);
            presence.handle(watcher, Node.of("presence", "type", "subscribe", "to", TARGET.user(), "id", "s"));
        }
        // each subscription is answered with a result and the current presence
        if (!handed.tryAcquire(2 * WATCHERS, 30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("subscriptions not answered");
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        presence.deactivate();
    }

    @Benchmark
    public void loginAndLogoutWith1000Watchers() throws InterruptedException {
        online.add(TARGET);
        presence.online(TARGET);
        awaitEveryWatcher();
        online.remove(TARGET);
        presence.offline(TARGET);
        awaitEveryWatcher();
    }

    private void awaitEveryWatcher() throws InterruptedException {
        if (!handed.tryAcquire(WATCHERS, 30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("presence not handed to every watcher");
        }
    }

    /** Sessions that take every stanza at once (the transport's queueing is measured elsewhere). */
    private final class Sessions implements SessionDirectory {
        @Override
        public boolean deliver(Address to, Node stanza) {
            handed.release();
            return true;
        }

        @Override
        public List<Address> devicesOf(String user) {
            Address a = new Address(user, 0);
            return online.contains(a) ? List.of(a) : List.of();
        }

        @Override
        public List<SessionInfo> sessions(String userPrefix) {
            return List.of();
        }

        @Override
        public Map<String, Long> counters() {
            return Map.of();
        }

        @Override
        public int connectionCount() {
            return online.size();
        }

        @Override
        public boolean close(Address device, String reason) {
            return false;
        }
    }

    /** Settings in memory: the store's SQL is measured by the store tests, not here. */
    private static final class MemoryPresenceStore implements PresenceStore {
        private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();

        @Override
        public Visibility visibility(String user) {
            return Visibility.EVERYONE;
        }

        @Override
        public void setVisibility(String user, Visibility visibility) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Set<String> contacts(String owner) {
            return Set.of();
        }

        @Override
        public void addContacts(String owner, Collection<String> contacts) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void removeContacts(String owner, Collection<String> contacts) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.List<dev.switchboard.api.store.RosterItem> roster(String owner) {
            return java.util.List.of();
        }

        @Override
        public java.util.Optional<dev.switchboard.api.store.RosterItem> rosterItem(String owner, String contact) {
            return java.util.Optional.empty();
        }

        @Override
        public void putRosterItem(String owner, dev.switchboard.api.store.RosterItem item) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.List<String> subscriptionRequests(String owner) {
            return java.util.List.of();
        }

        @Override
        public void addSubscriptionRequest(String owner, String requester, long atMs) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean removeSubscriptionRequest(String owner, String requester) {
            return false;
        }

        @Override
        public long lastSeen(String user) {
            return lastSeen.getOrDefault(user, 0L);
        }

        @Override
        public void setLastSeen(String user, long atMs) {
            lastSeen.put(user, atMs);
        }
    }
}
