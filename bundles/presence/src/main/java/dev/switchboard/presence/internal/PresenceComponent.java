package dev.switchboard.presence.internal;

import dev.switchboard.api.auth.AccountException;
import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.routing.StanzaHandler;
import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.session.SessionInfo;
import dev.switchboard.api.session.SessionListener;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.state.StateVault;
import dev.switchboard.api.store.PresenceStore;
import dev.switchboard.api.store.PresenceStore.Visibility;
import dev.switchboard.api.store.StoreException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence: an account is online while any of its devices is (the session directory is the truth);
 * when its last device leaves, its last-seen time is stored. Devices subscribe to accounts and are
 * told of their changes, as far as each account's visibility (everyone, contacts, nobody) allows.
 * Typing and recording indicators are relayed to the recipient's online devices and never stored.
 * Everything runs on one presence thread, in the order it arrived; subscriptions and who was online
 * are handed to the next revision through the state vault, and a revision starting up catches up
 * with logins and logouts it did not see.
 */
@Component(service = {StanzaHandler.class, SessionListener.class}, immediate = true,
        property = {StanzaHandler.TAGS + "=presence", StanzaHandler.TAGS + "=chatstate", StanzaHandler.TAGS + "=privacy",
                StanzaHandler.TAGS + "=contacts"},
        configurationPid = "dev.switchboard.presence")
@Designate(ocd = PresenceConfiguration.class)
public final class PresenceComponent implements StanzaHandler, SessionListener {

    private static final Logger LOG = LoggerFactory.getLogger(PresenceComponent.class);
    private static final String VAULT_KEY = "dev.switchboard.presence";
    private static final int STATE_SHAPE = 1;
    private static final Set<String> CHAT_STATES = Set.of("composing", "recording", "paused");

    private final SessionDirectory directory;
    private final StateVault vault;
    private final PresenceStore store;
    private final PresenceConfiguration config;
    private final SettingsCache cache;
    private final Subscriptions subscriptions = new Subscriptions();
    /** Accounts this revision has announced as online; compared with the directory to see changes. */
    private final Set<String> online = new HashSet<>();
    private final ExecutorService thread;
    private volatile AccountService accounts;

    @Activate
    public PresenceComponent(@Reference SessionDirectory directory, @Reference StateVault vault,
                             @Reference PresenceStore store, PresenceConfiguration config) {
        this.directory = directory;
        this.vault = vault;
        this.store = store;
        this.config = config;
        this.cache = new SettingsCache(store, config.cacheEntries());
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sb-presence");
            t.setDaemon(true);
            return t;
        });
        Map<String, Object> handed = vault.take(VAULT_KEY).filter(s -> s.shapeVersion() == STATE_SHAPE)
                .map(s -> s.data()).orElse(Map.of());
        thread.execute(() -> catchUp(handed));
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindAccounts(AccountService service) {
        accounts = service;
    }

    public void unbindAccounts(AccountService service) {
        if (accounts == service) {
            accounts = null;
        }
    }

    @Deactivate
    public void deactivate() throws InterruptedException {
        thread.shutdown();
        if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
            LOG.error("Presence work did not finish within 30 s");
        }
        Map<String, Object> state = new HashMap<>();
        state.put("subscriptions", subscriptions.snapshot());
        state.put("online", new ArrayList<>(online));
        vault.put(VAULT_KEY, STATE_SHAPE, state);
        cache.close();
    }

    /** Takes over the previous revision's state and announces what changed while nobody watched. */
    private void catchUp(Map<String, Object> handed) {
        if (handed.get("subscriptions") instanceof Map<?, ?> subs) {
            subscriptions.restore(subs);
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
                announce(user, Node.of("presence", "from", user, "type", "available"));
            }
        }
        LOG.info("Presence ready: {} accounts online, {} subscriptions", online.size(), subscriptions.size());
    }

    @Override
    public void online(Address device) {
        run(() -> {
            if (!directory.devicesOf(device.user()).isEmpty() && online.add(device.user())) {
                announce(device.user(), Node.of("presence", "from", device.user(), "type", "available"));
            }
        });
    }

    @Override
    public void offline(Address device) {
        run(() -> {
            subscriptions.removeWatcher(device);
            if (directory.devicesOf(device.user()).isEmpty() && online.contains(device.user())) {
                wentOffline(device.user());
            }
        });
    }

    private void wentOffline(String user) {
        online.remove(user);
        long now = System.currentTimeMillis();
        try {
            cache.lastSeen(user, now);
        } catch (StoreException e) {
            LOG.warn("Cannot store when {} was last seen: {}", user, e.getMessage());
        }
        announce(user, Node.of("presence", "from", user, "type", "unavailable", "last", Long.toString(now)));
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
                directory.deliver(watcher, presence);
            }
        }
    }

    @Override
    public boolean handle(Address from, Node stanza) {
        try {
            thread.execute(() -> {
                try {
                    request(from, stanza);
                } catch (RuntimeException e) {
                    LOG.error("Presence request {} from {} hit a fault", stanza.tag(), from, e);
                    answer(from, stanza, "internal-error", "server fault; retry");
                }
            });
            return true;
        } catch (RejectedExecutionException stopping) {
            return false; // being replaced: the next revision takes it
        }
    }

    private void run(Runnable work) {
        try {
            thread.execute(work);
        } catch (RejectedExecutionException stopping) {
            // being replaced: the next revision catches up from the session directory
        }
    }

    private void request(Address from, Node r) {
        try {
            switch (r.tag()) {
                case "chatstate" -> chatState(from, r);
                case "presence" -> subscription(from, r);
                case "privacy" -> {
                    Visibility v = visibility(r.attr("visibility"));
                    store.setVisibility(from.user(), v);
                    cache.invalidate(from.user());
                    answer(from, r, null, null);
                }
                case "contacts" -> contacts(from, r);
                default -> answer(from, r, "bad-request", "presence does not handle '" + r.tag() + "'");
            }
        } catch (IllegalArgumentException e) {
            answer(from, r, "bad-request", e.getMessage());
        } catch (StoreException | AccountException e) {
            LOG.warn("Presence request {} from {} failed: {}", r.tag(), from, e.getMessage());
            answer(from, r, "unavailable", "presence is unavailable now; retry");
        }
    }

    /** Relayed to the recipient's online devices, never stored: stale typing is worse than none. */
    private void chatState(Address from, Node r) {
        String to = r.attr("to");
        String state = r.attr("state");
        if (!Address.isUserId(to) || state == null || !CHAT_STATES.contains(state)) { // Set.of refuses null
            throw new IllegalArgumentException("chatstate needs to=<user id> and state=composing|recording|paused");
        }
        Node relayed = Node.of("chatstate", "from", from.toString(), "state", state);
        for (Address device : directory.devicesOf(to)) {
            directory.deliver(device, relayed);
        }
    }

    private void subscription(Address from, Node r) throws StoreException, AccountException {
        String target = r.attr("to");
        if (!Address.isUserId(target)) {
            throw new IllegalArgumentException("presence needs to=<user id>");
        }
        switch (String.valueOf(r.attr("type"))) {
            case "subscribe" -> {
                AccountService service = accounts;
                if (service == null) {
                    answer(from, r, "unavailable", "accounts are unavailable now; retry");
                    return;
                }
                if (service.devices(target).isEmpty()) {
                    answer(from, r, "no-such-user", "no such user: " + target);
                    return;
                }
                if (!subscriptions.add(from, target, config.maxSubscriptionsPerDevice())) {
                    answer(from, r, "limit", "a device watches at most " + config.maxSubscriptionsPerDevice() + " accounts");
                    return;
                }
                answer(from, r, null, null);
                directory.deliver(from, current(target, from.user()));
            }
            case "unsubscribe" -> {
                subscriptions.remove(from, target);
                answer(from, r, null, null);
            }
            default -> throw new IllegalArgumentException("presence type must be subscribe or unsubscribe");
        }
    }

    /** The account's presence as a viewer may see it: hidden accounts look offline, with no time. */
    private Node current(String target, String viewer) throws StoreException {
        if (!cache.settings(target).shows(viewer)) {
            return Node.of("presence", "from", target, "type", "unavailable");
        }
        if (!directory.devicesOf(target).isEmpty()) {
            return Node.of("presence", "from", target, "type", "available");
        }
        long last = cache.lastSeen(target);
        return Node.of("presence", "from", target, "type", "unavailable", "last", last == 0 ? null : Long.toString(last));
    }

    private void contacts(Address from, Node r) throws StoreException {
        String op = String.valueOf(r.attr("op"));
        if (op.equals("list")) {
            directory.deliver(from, Node.of("result", "id", r.attr("id"), "users", String.join(",", store.contacts(from.user()))));
            return;
        }
        List<String> users = users(r.attr("users"));
        switch (op) {
            case "add" -> {
                if (store.contacts(from.user()).size() + users.size() > config.maxContacts()) {
                    answer(from, r, "limit", "an account has at most " + config.maxContacts() + " contacts");
                    return;
                }
                store.addContacts(from.user(), users);
            }
            case "remove" -> store.removeContacts(from.user(), users);
            default -> throw new IllegalArgumentException("contacts op must be add, remove or list");
        }
        cache.invalidate(from.user());
        answer(from, r, null, null);
    }

    private static List<String> users(String csv) {
        if (csv == null || csv.isBlank()) {
            throw new IllegalArgumentException("name the users, comma-separated");
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String u : csv.split(",")) {
            String user = u.trim();
            if (!Address.isUserId(user)) {
                throw new IllegalArgumentException("not a user id: '" + user + "'");
            }
            out.add(user);
        }
        return List.copyOf(out);
    }

    private static Visibility visibility(String text) {
        try {
            return Visibility.valueOf(String.valueOf(text).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("visibility must be everyone, contacts or nobody");
        }
    }

    /** A {@code result} for a request with an id; an {@code error} stanza (the connection stays) for one without. */
    private void answer(Address to, Node request, String error, String text) {
        String id = request.attr("id");
        if (id != null) {
            directory.deliver(to, Node.of("result", "id", id, "error", error, "text", text));
        } else if (error != null) {
            directory.deliver(to, Node.of("error", "code", error, "text", text));
        }
    }
}
