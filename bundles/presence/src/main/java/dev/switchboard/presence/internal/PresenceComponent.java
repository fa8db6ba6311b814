package dev.switchboard.presence.internal;

import dev.switchboard.api.auth.AccountException;
import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.routing.StanzaHandler;
import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.session.SessionListener;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.state.StateVault;
import dev.switchboard.api.store.PresenceStore;
import dev.switchboard.api.store.PresenceStore.Visibility;
import dev.switchboard.api.store.StoreException;
import java.util.HashMap;
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
 * Presence: who is online and who is told ({@link Availability}), the roster and its durable
 * subscriptions ({@link Rosters}), visibility, typing indicators (relayed to the recipient's
 * online devices and never stored), and requests between devices ({@link IqRelay}), which would
 * otherwise tell who is online past visibility. Everything runs on one presence thread, in the order it
 * arrived; watches and who was online are handed to the next revision through the state vault,
 * and a revision starting up catches up with logins and logouts it did not see.
 */
@Component(service = {StanzaHandler.class, SessionListener.class}, immediate = true,
        property = {StanzaHandler.TAGS + "=presence", StanzaHandler.TAGS + "=chatstate", StanzaHandler.TAGS + "=privacy",
                StanzaHandler.TAGS + "=contacts", StanzaHandler.TAGS + "=roster", StanzaHandler.TAGS + "=subscription",
                StanzaHandler.TAGS + "=iq"},
        configurationPid = "dev.switchboard.presence")
@Designate(ocd = PresenceConfiguration.class)
public final class PresenceComponent implements StanzaHandler, SessionListener {

    private static final Logger LOG = LoggerFactory.getLogger(PresenceComponent.class);
    private static final String VAULT_KEY = "dev.switchboard.presence";
    private static final int STATE_SHAPE = 1;
    private static final Set<String> CHAT_STATES = Set.of("composing", "recording", "paused", "active", "inactive", "gone");

    private final StateVault vault;
    private final PresenceStore store;
    private final PresenceConfiguration config;
    private final SettingsCache cache;
    private final Replies replies;
    private final Availability availability;
    private final Rosters rosters;
    private final IqRelay iqs;
    private final ExecutorService thread;
    private volatile AccountService accounts;

    @Activate
    public PresenceComponent(@Reference SessionDirectory directory, @Reference StateVault vault,
                             @Reference PresenceStore store, PresenceConfiguration config) {
        this.vault = vault;
        this.store = store;
        this.config = config;
        this.cache = new SettingsCache(store, config.cacheEntries());
        this.replies = new Replies(directory);
        this.availability = new Availability(directory, cache, new Subscriptions(), replies);
        this.rosters = new Rosters(store, cache, directory, availability, replies, config, () -> accounts);
        this.iqs = new IqRelay(directory, cache);
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sb-presence");
            t.setDaemon(true);
            return t;
        });
        Map<String, Object> handed = vault.take(VAULT_KEY).filter(s -> s.shapeVersion() == STATE_SHAPE)
                .map(s -> s.data()).orElse(Map.of());
        thread.execute(() -> availability.catchUp(handed));
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
        availability.handOver(state);
        vault.put(VAULT_KEY, STATE_SHAPE, state);
        cache.close();
    }

    @Override
    public void online(Address device) {
        run(() -> availability.online(device));
    }

    @Override
    public void offline(Address device) {
        run(() -> availability.offline(device));
    }

    @Override
    public boolean handle(Address from, Node stanza) {
        try {
            thread.execute(() -> {
                try {
                    request(from, stanza);
                } catch (RuntimeException e) {
                    LOG.error("Presence request {} from {} hit a fault", stanza.tag(), from, e);
                    replies.answer(from, stanza, "internal-error", "server fault; retry");
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
                case "presence" -> presence(from, r);
                case "privacy" -> {
                    Visibility v = visibility(r.attr("visibility"));
                    store.setVisibility(from.user(), v);
                    cache.invalidate(from.user());
                    replies.answer(from, r, null, null);
                }
                case "contacts" -> rosters.contacts(from, r);
                case "roster" -> rosters.roster(from, r);
                case "subscription" -> rosters.subscription(from, r);
                case "iq" -> iqs.relay(from, r);
                default -> replies.answer(from, r, "bad-request", "presence does not handle '" + r.tag() + "'");
            }
        } catch (IllegalArgumentException e) {
            replies.answer(from, r, "bad-request", e.getMessage());
        } catch (StoreException | AccountException e) {
            LOG.warn("Presence request {} from {} failed: {}", r.tag(), from, e.getMessage());
            replies.answer(from, r, "unavailable", "presence is unavailable now; retry");
        }
    }

    /** Relayed to the recipient's online devices, never stored: stale typing is worse than none. */
    private void chatState(Address from, Node r) {
        String to = r.attr("to");
        String state = r.attr("state");
        if (!Address.isUserId(to) || state == null || !CHAT_STATES.contains(state)) { // Set.of refuses null
            throw new IllegalArgumentException("chatstate needs to=<user id> and state=composing|recording|paused|active|inactive|gone");
        }
        replies.toDevicesOf(to, Node.of("chatstate", "from", from.toString(), "state", state));
    }

    /**
     * {@code presence type=available} (the device is present, with its show and status: it is sent
     * what waits for it), or a session's watch: {@code type=subscribe|unsubscribe to=}.
     */
    private void presence(Address from, Node r) throws StoreException, AccountException {
        String type = String.valueOf(r.attr("type"));
        if (type.equals("available")) {
            boolean first = availability.available(from, r);
            if (first) {
                rosters.present(from);
            }
            replies.answer(from, r, null, null);
            return;
        }
        String target = r.attr("to");
        if (!Address.isUserId(target)) {
            throw new IllegalArgumentException("presence needs to=<user id>");
        }
        switch (type) {
            case "subscribe" -> {
                if (!rosters.exists(from, r, target)) {
                    return;
                }
                if (!availability.watch(from, target, config.maxSubscriptionsPerDevice())) {
                    replies.answer(from, r, "limit", "a device watches at most " + config.maxSubscriptionsPerDevice() + " accounts");
                    return;
                }
                replies.answer(from, r, null, null);
                availability.show(from, target);
            }
            case "unsubscribe" -> {
                availability.unwatch(from, target);
                replies.answer(from, r, null, null);
            }
            default -> throw new IllegalArgumentException("presence type must be available, subscribe or unsubscribe");
        }
    }

    private static Visibility visibility(String text) {
        try {
            return Visibility.valueOf(String.valueOf(text).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("visibility must be everyone, contacts or nobody");
        }
    }
}
