package dev.switchboard.keys.internal;

import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.auth.DeviceListener;
import dev.switchboard.api.keys.KeyDirectory;
import dev.switchboard.api.routing.Outbox;
import dev.switchboard.api.routing.StanzaHandler;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.state.StateVault;
import dev.switchboard.api.store.KeyStore;
import dev.switchboard.api.store.StoreException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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
 * The key directory for end-to-end encryption: handles the {@code keys} stanza on its own thread
 * (every request touches SQL; the I/O threads must not wait for it). A revision being replaced
 * hands the requests it has not started to the next one through the state vault. Tells the router
 * which devices have keys ({@link KeyDirectory}), from a cache.
 */
@Component(service = {StanzaHandler.class, DeviceListener.class, KeyDirectory.class}, immediate = true,
        property = StanzaHandler.TAGS + "=keys", configurationPid = "dev.switchboard.keys")
@Designate(ocd = KeysConfiguration.class)
public final class KeysComponent implements StanzaHandler, DeviceListener, KeyDirectory {

    /** The tag of a task this component gives itself when an account's devices change (no client stanza has it). */
    private static final String DEVICES_CHANGED = "sb-devices-changed";

    private static final Logger LOG = LoggerFactory.getLogger(KeysComponent.class);
    private static final String VAULT_KEY = "dev.switchboard.keys";
    private static final int STATE_SHAPE = 1;

    private record Task(Address from, Node request) {
    }

    private final StateVault vault;
    private final KeyStore store;
    private final KeyRequests requests;
    private final DevicesWithKeys devicesWithKeys;
    private final BlockingDeque<Task> tasks = new LinkedBlockingDeque<>();
    private final Thread worker;
    private final Object bound = new Object();
    private volatile boolean stopping;
    private volatile Task unfinished;
    private volatile AccountService accounts;
    private volatile Outbox outbox;

    @Activate
    public KeysComponent(@Reference KeyStore store, @Reference StateVault vault, KeysConfiguration config) {
        if (config.fetchBurst() < 1 || config.fetchesPerMinute() < 1 || config.maxPreKeysPerUpload() < 1 || config.maxPreKeys() < 1
                || config.lowWater() < 0 || config.maxDeviceListBytes() < 1 || config.cacheEntries() < 1) {
            throw new IllegalArgumentException("dev.switchboard.keys: fetchBurst, fetchesPerMinute, maxPreKeysPerUpload, maxPreKeys,"
                    + " maxDeviceListBytes and cacheEntries must be at least 1, lowWater at least 0");
        }
        this.store = store;
        this.vault = vault;
        this.requests = new KeyRequests(store, config);
        this.devicesWithKeys = new DevicesWithKeys(store, config.cacheEntries());
        int handed = takeOver();
        this.worker = new Thread(this::work, "sb-keys");
        worker.setDaemon(true);
        worker.start();
        LOG.info("Key directory ready ({} requests taken over)", handed);
    }

    @SuppressWarnings("unchecked")
    private int takeOver() {
        Map<String, Object> data = vault.take(VAULT_KEY).filter(s -> s.shapeVersion() == STATE_SHAPE).map(s -> s.data()).orElse(Map.of());
        int n = 0;
        if (data.get("tasks") instanceof List<?> list) {
            for (Object o : list) {
                Map<String, Object> t = (Map<String, Object>) o;
                tasks.add(new Task(Address.parse((String) t.get("from")), (Node) t.get("request")));
                n++;
            }
        }
        return n;
    }

    private void work() {
        while (!stopping) {
            Task t;
            try {
                t = tasks.take();
            } catch (InterruptedException e) {
                return;
            }
            unfinished = t;
            if (DEVICES_CHANGED.equals(t.request().tag())) {
                Outbox out = await(() -> outbox, 2);
                if (out != null) {
                    tellContacts(out, t.from(), t.from().user(), t.request().attr("change"));
                }
                unfinished = null;
                continue;
            }
            AccountService accountService = await(() -> accounts, 10);
            if (accountService == null) {
                if (stopping) {
                    return; // stopping while auth is being replaced: the request goes to the next revision
                }
                // auth has been away for ten seconds (failing, not swapping): say so, and stay ready
                unfinished = null;
                Outbox out = await(() -> outbox, 2);
                if (out != null) {
                    out.live(t.from(), Node.of("result", "id", t.request().attr("id"), "error", "unavailable",
                            "text", "accounts are unavailable; retry"));
                }
                continue;
            }
            KeyRequests.Outcome outcome = requests.perform(t.from(), t.request(), accountService);
            if ("upload".equals(t.request().attr("op"))) {
                devicesWithKeys.invalidate(t.from().user()); // this device may have keys now: encrypt for it from here on
            }
            unfinished = null; // done: an answer lost to a swap now is a client's retry, not a double take
            Outbox out = await(() -> outbox, 2);
            if (out == null) {
                continue;
            }
            out.live(t.from(), outcome.answer());
            outcome.notices().forEach(out::live);
            for (String user : outcome.tellContactsOf()) {
                tellContacts(out, t.from(), user, "upload".equals(t.request().attr("op")) ? "identity" : "device-list");
            }
        }
    }

    /**
     * Tells every account that fetched the user's keys that its keys or devices changed (stored, like
     * a message), so their clients fetch again before they next encrypt to it.
     */
    private void tellContacts(Outbox out, Address actor, String user, String reason) {
        try {
            List<String> contacts = store.keyContacts(user);
            if (!contacts.isEmpty()) {
                out.notify(contacts, actor, "keys-change", Map.of("user", user, "reason", reason));
            }
        } catch (StoreException | IllegalStateException e) {
            LOG.warn("Could not tell {}'s contacts that its keys changed: {}", user, e.getMessage());
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindAccounts(AccountService service) {
        accounts = service;
        signalBound();
    }

    void unbindAccounts(AccountService service) {
        if (accounts == service) {
            accounts = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindOutbox(Outbox service) {
        outbox = service;
        signalBound();
    }

    void unbindOutbox(Outbox service) {
        if (outbox == service) {
            outbox = null;
        }
    }

    private void signalBound() {
        synchronized (bound) {
            bound.notifyAll();
        }
    }

    /** Waits (interruptibly) until the service is bound or the time is up. @return it, or null */
    private <S> S await(Supplier<S> service, long seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        synchronized (bound) {
            S s;
            long left;
            while ((s = service.get()) == null && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(bound, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            return s;
        }
    }

    /** A linked or unlinked device: its account's contacts are told, on the keys thread (a deleted account has none left). */
    @Override
    public void devicesChanged(Address device, Change change) {
        devicesWithKeys.invalidate(device.user()); // an unlinked device's keys went with it
        if (change != Change.ACCOUNT_DELETED) {
            tasks.add(new Task(device, Node.of(DEVICES_CHANGED, "change", change == Change.LINKED ? "linked" : "unlinked")));
        }
    }

    @Override
    public Map<Integer, Integer> devicesWithKeys(String user) throws StoreException {
        return devicesWithKeys.of(user);
    }

    @Override
    public boolean handle(Address from, Node stanza) {
        if (stopping) {
            return false; // the stanza waits for the next revision
        }
        tasks.add(new Task(from, stanza));
        return true;
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        stopping = true;
        worker.interrupt();
        worker.join(TimeUnit.SECONDS.toMillis(10));
        List<Object> handover = new ArrayList<>();
        Task current = unfinished;
        if (current != null) {
            handover.add(Map.of("from", current.from().toString(), "request", current.request()));
        }
        for (Task t : tasks) {
            handover.add(Map.of("from", t.from().toString(), "request", t.request()));
        }
        Map<String, Object> state = new HashMap<>();
        state.put("tasks", handover);
        vault.put(VAULT_KEY, STATE_SHAPE, state);
        devicesWithKeys.close();
        if (!handover.isEmpty()) {
            LOG.info("Handing {} key requests to the next revision", handover.size());
        }
    }
}
