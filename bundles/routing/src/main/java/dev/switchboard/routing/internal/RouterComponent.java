package dev.switchboard.routing.internal;

import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.cluster.LaneOwnership;
import dev.switchboard.api.cluster.PeerWork;
import dev.switchboard.api.groups.GroupDirectory;
import dev.switchboard.api.keys.KeyDirectory;
import dev.switchboard.api.media.MediaRegistry;
import dev.switchboard.api.offline.OfflineStore;
import dev.switchboard.api.routing.Outbox;
import dev.switchboard.api.routing.Router;
import dev.switchboard.api.routing.StanzaHandler;
import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.session.SessionInfo;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.state.StateVault;
import dev.switchboard.api.store.QueuedMessage;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
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
 * Store-and-forward routing. A message is queued durably for every device of its recipient and
 * only then acknowledged to its sender; each online device is handed its queue in order by the
 * {@link DeliveryPump}; a device's {@code received} deletes the message and sends the sender a
 * {@code delivered} receipt, itself queued like a message. Work for one recipient runs on one
 * lane, so nothing for a device overtakes anything else for it.
 */
@Component(service = {Router.class, Outbox.class, PeerWork.class}, immediate = true, configurationPid = "dev.switchboard.routing")
@Designate(ocd = RoutingConfiguration.class)
public final class RouterComponent implements Router, Outbox, PeerWork {

    private static final Logger LOG = LoggerFactory.getLogger(RouterComponent.class);
    private static final String VAULT_KEY = "dev.switchboard.routing";
    private static final int STATE_SHAPE = 2;

    private final SessionDirectory directory;
    private final StateVault vault;
    private final Lanes lanes;
    private final int drainSeconds;
    private final AtomicLong routed = new AtomicLong();
    private final DeliveryPump pump;
    private final MessageIntake intake;
    private final Receipts receipts;
    private final CrossNode crossNode;
    /** The cluster's lane owners; null when the node runs alone. */
    private volatile LaneOwnership cluster;
    private volatile boolean closed;
    /** Identity of the offline store the handed-over cursors were kept against; 0 when unknown. */
    private volatile int cursorsStore;

    private final ServiceGate<OfflineStore> offline = new ServiceGate<>();
    private final ServiceGate<AccountService> accounts = new ServiceGate<>();
    private final ServiceGate<GroupDirectory> groups = new ServiceGate<>();
    private final ServiceGate<MediaRegistry> media = new ServiceGate<>();
    private final ServiceGate<KeyDirectory> keys = new ServiceGate<>();
    private final HandlerTable handlers = new HandlerTable();

    @Activate
    public RouterComponent(@Reference SessionDirectory directory, @Reference StateVault vault,
                           RoutingConfiguration config) {
        if (config.lanes() < 0 || config.drainSeconds() < 1) {
            throw new IllegalArgumentException("lanes >= 0 and drainSeconds >= 1");
        }
        this.directory = directory;
        this.vault = vault;
        this.drainSeconds = config.drainSeconds();
        this.lanes = new Lanes(config.lanes() == 0 ? Runtime.getRuntime().availableProcessors() : config.lanes(),
                directory::batch);
        this.pump = new DeliveryPump(directory, offline);
        LanePlacement placement = new LanePlacement();
        LaneQueueing queueing = new LaneQueueing(lanes, pump, placement);
        this.intake = new MessageIntake(directory, lanes, offline, accounts, groups, media, keys, routed, queueing, () -> cluster);
        this.receipts = new Receipts(directory, lanes, pump, offline, intake);
        this.crossNode = new CrossNode(directory, intake, lanes, offline, placement, queueing);

        vault.take(VAULT_KEY).ifPresent(s -> upgrade(s.shapeVersion(), s.data()));
        // Devices that logged in while no router ran, or whose queue grew during a swap.
        for (SessionInfo s : directory.sessions("")) {
            if (!pump.isOnline(s.address())) {
                pump.online(s.address(), directory.sessionOf(s.address()));
            }
        }
        pumpAll();
        LOG.info("Routing with {} lanes ({} routed before this revision)", lanes.size(), routed.get());
    }

    /** Erlang's code_change: reads any older shape of the hand-over state this revision knows. */
    @SuppressWarnings("unchecked")
    private void upgrade(int shape, Map<String, Object> data) {
        if (data.get("routed") instanceof Long n) {
            routed.set(n);
        }
        if (data.get("delivered") instanceof long[] keys) {
            receipts.delivered.restore(keys);
        }
        if (shape >= 2 && data.get("cursors") instanceof Map<?, ?> cursors) {
            pump.restore((Map<String, Object>) cursors,
                    data.get("cursorSessions") instanceof Map<?, ?> sessions ? sessions : Map.of());
            if (data.get("store") instanceof Integer identity) {
                cursorsStore = identity;
            }
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        closed = true;
        crossNode.close();
        if (!intake.awaitIdle(drainSeconds, TimeUnit.SECONDS) || !lanes.drain(drainSeconds, TimeUnit.SECONDS)) {
            LOG.error("Routing did not drain within {} s", drainSeconds);
        }
        Map<String, Object> state = new HashMap<>();
        state.put("routed", routed.get());
        state.put("cursors", pump.snapshot());
        state.put("cursorSessions", pump.sessionsSnapshot());
        state.put("delivered", receipts.delivered.snapshot());
        OfflineStore store = offline.peek();
        if (store != null) {
            state.put("store", System.identityHashCode(store));
        }
        vault.put(VAULT_KEY, STATE_SHAPE, state);
    }

    /** For framework-free tests in other modules. */
    public void deactivateForTest() throws InterruptedException {
        deactivate();
    }

    /**
     * An offline store came (back): every online device is handed its queue again from the start.
     * Its queue may have grown meanwhile, and confirmations that arrived while no store was bound
     * were lost, so what the device already had is sent again; the client drops repeated seqs and
     * confirms them, which deletes them.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindOffline(OfflineStore store) {
        offline.bind(store);
        int handedOver = cursorsStore;
        cursorsStore = 0;
        if (handedOver != 0 && handedOver == System.identityHashCode(store)) {
            return; // the store the handed-over cursors came from: nothing was confirmed behind its back
        }
        for (Address device : pump.onlineDevices()) {
            lanes.submit(device.user(), () -> {
                pump.rewind(device);
                pump.pump(device);
            });
        }
    }

    public void unbindOffline(OfflineStore store) {
        offline.unbind(store);
    }

    /** Account lookups (the recipient's devices); without them messages wait. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindAccounts(AccountService service) {
        accounts.bind(service);
    }

    public void unbindAccounts(AccountService service) {
        accounts.unbind(service);
    }

    /** Group membership, for messages addressed to a group; without it such messages wait. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindGroups(GroupDirectory directory) {
        groups.bind(directory);
    }

    public void unbindGroups(GroupDirectory directory) {
        groups.unbind(directory);
    }

    /** Which media blobs exist, for media messages; without it such messages wait. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindMedia(MediaRegistry registry) {
        media.bind(registry);
    }

    public void unbindMedia(MediaRegistry registry) {
        media.unbind(registry);
    }

    /** Which devices have keys, for encrypted messages; without it such messages wait. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindKeys(KeyDirectory directory) {
        keys.bind(directory);
    }

    public void unbindKeys(KeyDirectory directory) {
        keys.unbind(directory);
    }

    /** The cluster's lane owners, when this node is one of several: messages go to their recipient's lane. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    public void bindCluster(LaneOwnership lanes) {
        cluster = lanes;
    }

    public void unbindCluster(LaneOwnership lanes) {
        if (cluster == lanes) {
            cluster = null;
        }
    }

    /** Feature bundles' handlers for their stanza tags (presence, groups, ...). */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void bindHandler(StanzaHandler handler, Map<String, Object> properties) {
        handlers.bind(handler, properties);
    }

    public void unbindHandler(StanzaHandler handler) {
        handlers.unbind(handler);
    }

    private void pumpAll() {
        for (Address device : pump.onlineDevices()) {
            lanes.submit(device.user(), () -> pump.pump(device));
        }
    }

    @Override
    public boolean route(Address from, Node stanza) {
        if (closed) {
            return false;
        }
        switch (stanza.tag()) {
            case "message":
                LaneOwnership c = cluster;
                return c == null ? intake.message(from, stanza) : crossNode.message(c, from, stanza);
            case "received":
                return receipts.received(from, stanza);
            case "receipt":
                return receipts.readReceipt(from, stanza);
            default:
                Boolean handled = handlers.with(stanza.tag(), h -> h.handle(from, stanza), null);
                if (handled != null) {
                    return handled;
                }
                if (HandlerTable.FEATURE_TAGS.contains(stanza.tag())) {
                    return false; // its bundle is being replaced: the stanza waits for the next revision
                }
                directory.deliver(from, Node.of("error", "code", "bad-request", "text",
                        "unsupported stanza '" + stanza.tag() + "'", "id", stanza.attr("id")));
                return true;
        }
    }

    @Override
    public void deviceOnline(Address device) {
        deviceOnline(device, directory.sessionOf(device));
    }

    @Override
    public void deviceOnline(Address device, long session) {
        pump.online(device, session);
        lanes.submit(device.user(), () -> pump.pump(device));
    }

    @Override
    public boolean live(Address to, Node stanza) {
        return directory.deliver(to, stanza);
    }

    @Override
    public CompletionStage<Void> notify(Collection<String> users, Address actor, String type, Map<String, String> attributes) {
        if (closed) {
            throw new IllegalStateException("this router is stopping");
        }
        return intake.notify(users, actor, type, attributes, TimeUnit.SECONDS.toMillis(drainSeconds));
    }

    /** A message another node's device sent, for a lane owned here; refused when the lane is not (or no longer) this node's. */
    @Override
    public boolean forwarded(Address from, Node stanza, Consumer<Node> answer) {
        return !closed && crossNode.forwarded(cluster, from, stanza, answer);
    }

    /** Copies another node made for accounts whose lanes are this node's (a group message's, a receipt, a notification). */
    @Override
    public CompletionStage<Void> queue(List<QueuedMessage> copies) {
        return crossNode.queue(cluster, closed, copies);
    }

    /** This node has just taken the lane of a user: its queues are read from the shared journal first. */
    @Override
    public boolean adopt(String user) {
        return !closed && crossNode.adopt(accounts, user);
    }

    @Override
    public long routedCount() {
        return routed.get();
    }
}
