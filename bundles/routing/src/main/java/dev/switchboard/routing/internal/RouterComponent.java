package dev.switchboard.routing.internal;

import dev.switchboard.api.routing.Router;
import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.state.StateVault;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes 1:1 messages to the recipient's online devices and acknowledges each to its sender with
 * the client's message id. Until the offline store exists (#4), a recipient with no online device
 * gets the sender an error ack {@code recipient-offline}: nothing is acknowledged as sent that was not.
 * On deactivation it takes no new work and finishes what it took, then leaves its counters in the vault.
 */
@Component(service = Router.class, configurationPid = "dev.switchboard.routing")
@Designate(ocd = RoutingConfiguration.class)
public final class RouterComponent implements Router {

    private static final Logger LOG = LoggerFactory.getLogger(RouterComponent.class);
    private static final String VAULT_KEY = "dev.switchboard.routing";
    private static final int STATE_SHAPE = 1;

    private final SessionDirectory directory;
    private final StateVault vault;
    private final Lanes lanes;
    private final int drainSeconds;
    private final AtomicLong routed = new AtomicLong();
    private volatile boolean closed;

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
        vault.take(VAULT_KEY).ifPresent(s -> routed.set(upgrade(s.shapeVersion(), s.data())));
        LOG.info("Routing with {} lanes ({} routed before this revision)", lanes.size(), routed.get());
    }

    /** Erlang's code_change: reads any older shape of the hand-over state this revision knows. */
    private static long upgrade(int shape, Map<String, Object> data) {
        return shape == STATE_SHAPE && data.get("routed") instanceof Long n ? n : 0L;
    }

    /** For framework-free tests in other modules. */
    public void deactivateForTest() throws InterruptedException {
        deactivate();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        closed = true;
        if (!lanes.drain(drainSeconds, TimeUnit.SECONDS)) {
            LOG.error("Routing lanes did not drain within {} s", drainSeconds);
        }
        vault.put(VAULT_KEY, STATE_SHAPE, Map.of("routed", routed.get()));
    }

    @Override
    public boolean route(Address from, Node stanza) {
        if (closed) {
            return false;
        }
        if (!"message".equals(stanza.tag())) {
            directory.deliver(from, Node.of("error", "code", "bad-request", "text",
                    "unsupported stanza '" + stanza.tag() + "'", "id", stanza.attr("id")));
            return true;
        }
        String id = stanza.attr("id");
        String to = stanza.attr("to");
        if (id == null || id.isEmpty() || id.length() > 64) {
            directory.deliver(from, Node.of("error", "code", "bad-request", "text", "message needs an id of 1-64 characters"));
            return true;
        }
        String recipient = to == null ? null : (to.indexOf('/') < 0 ? to : to.substring(0, to.indexOf('/')));
        if (recipient == null || !Address.isUserId(recipient)) {
            directory.deliver(from, ack(id, "bad-recipient", "'to' must be a user id or user/device"));
            return true;
        }
        return lanes.submit(recipient, () -> deliver(from, id, to, stanza));
    }

    private void deliver(Address from, String id, String to, Node stanza) {
        try {
            List<Address> targets = to.indexOf('/') < 0 ? directory.devicesOf(to) : List.of(Address.parse(to));
            Node out = Node.withContent("message", stanza.content(), "from", from.toString(), "id", id);
            boolean delivered = false;
            for (Address target : targets) {
                delivered |= directory.deliver(target, out);
            }
            directory.deliver(from, delivered ? ack(id, null, null) : ack(id, "recipient-offline",
                    "recipient " + to + " is not online; offline delivery is not available yet"));
            if (delivered) {
                routed.incrementAndGet();
            }
        } catch (IllegalArgumentException badAddress) {
            directory.deliver(from, ack(id, "bad-recipient", badAddress.getMessage()));
        }
    }

    private static Node ack(String id, String error, String text) {
        return Node.of("ack", "id", id, "error", error, "text", text);
    }

    @Override
    public long routedCount() {
        return routed.get();
    }
}
