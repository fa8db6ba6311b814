package dev.switchboard.routing.internal;

import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.offline.OfflineStore;
import dev.switchboard.api.routing.Router;
import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.session.SessionInfo;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.state.StateVault;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
@Component(service = Router.class, immediate = true, configurationPid = "dev.switchboard.routing")
@Designate(ocd = RoutingConfiguration.class)
public final class RouterComponent implements Router {

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
    private volatile boolean closed;

    private final ServiceGate<OfflineStore> offline = new ServiceGate<>();
    private final ServiceGate<AccountService> accounts = new ServiceGate<>();

    @Activate
    public RouterComponent(@Reference SessionDirectory directory, @Reference StateVault vault,
                           RoutingConfiguration config) {
        if (config.lanes() < 0 || config.drainSeconds() < 1) {
            throw new IllegalArgumentException("lanes >= 0 and drainSeconds >= 1");
        }
        this.directory = directory;
        this.vault = vault;
        this.drainSeconds = config.drainSeconds();
        this.lanes = new Lanes(config.lanes() == 0 ? Runtime.getRuntime().availableProcessors() : config.lanes());
        this.pump = new DeliveryPump(directory, offline);
        this.intake = new MessageIntake(directory, lanes, pump, offline, accounts, routed);
        vault.take(VAULT_KEY).ifPresent(s -> upgrade(s.shapeVersion(), s.data()));
        // Devices that logged in while no router ran, or whose queue grew during a swap.
        for (SessionInfo s : directory.sessions("")) {
            if (!pump.isOnline(s.address())) {
                pump.online(s.address());
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
        if (shape >= 2 && data.get("cursors") instanceof Map<?, ?> cursors) {
            pump.restore((Map<String, Object>) cursors);
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        closed = true;
        if (!intake.awaitIdle(drainSeconds, TimeUnit.SECONDS) || !lanes.drain(drainSeconds, TimeUnit.SECONDS)) {
            LOG.error("Routing did not drain within {} s", drainSeconds);
        }
        Map<String, Object> state = new HashMap<>();
        state.put("routed", routed.get());
        state.put("cursors", pump.snapshot());
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
                return intake.message(from, stanza);
            case "received":
                return intake.received(from, stanza);
            case "receipt":
                return intake.readReceipt(from, stanza);
            default:
                directory.deliver(from, Node.of("error", "code", "bad-request", "text",
                        "unsupported stanza '" + stanza.tag() + "'", "id", stanza.attr("id")));
                return true;
        }
    }

    @Override
    public void deviceOnline(Address device) {
        pump.online(device);
        lanes.submit(device.user(), () -> pump.pump(device));
    }

    @Override
    public long routedCount() {
        return routed.get();
    }
}
