package dev.switchboard.cluster.internal;

import dev.switchboard.api.cluster.ClusterDirectory;
import dev.switchboard.api.cluster.DeviceLocation;
import dev.switchboard.api.cluster.LaneOwner;
import dev.switchboard.api.cluster.LaneOwnership;
import dev.switchboard.api.cluster.PeerWork;
import dev.switchboard.api.cluster.RemoteSessions;
import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.session.SessionListener;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.QueuedMessage;
import dev.switchboard.api.state.StateVault;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node as a member of a cluster: its heartbeat, the others' liveness, and the shared
 * directory of logins, on NATS JetStream. Only with etc/dev.switchboard.cluster.cfg; without it
 * nothing of this runs and the node needs no NATS.
 *
 * <p>The node's run (incarnation) is handed to the next revision of this bundle, so a swap is not
 * a restart to the other nodes: the logins this node holds stay valid across it.
 */
@Component(service = {ClusterDirectory.class, RemoteSessions.class, LaneOwnership.class, SessionListener.class}, immediate = true,
        configurationPid = "dev.switchboard.cluster", configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ClusterConfiguration.class)
public final class ClusterComponent implements ClusterDirectory, RemoteSessions, LaneOwnership, SessionListener {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterComponent.class);
    private static final String VAULT_KEY = "dev.switchboard.cluster";

    private final StateVault vault;
    private final BundleContext context;
    private final ClusterNode node;
    /** This node's router, for work other nodes hand to lanes owned here; null while it is replaced. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile PeerWork router;

    @Activate
    public ClusterComponent(@Reference SessionDirectory sessions, @Reference StateVault vault,
                            ClusterConfiguration config, BundleContext context) throws Exception {
        ClusterSettings settings = ClusterSettings.of(config);
        this.vault = vault;
        this.context = context;
        String incarnation = vault.take(VAULT_KEY)
                .map(s -> s.data().get("incarnation"))
                .filter(v -> v instanceof String)
                .map(String.class::cast)
                .orElseGet(() -> UUID.randomUUID().toString());
        this.node = new ClusterNode(settings, sessions, () -> router, incarnation, System::nanoTime);
        LOG.info("Cluster node {} (run {}) on NATS {}: live nodes {}", settings.node(), incarnation,
                settings.natsUrl(), node.membership.liveNodes());
        LOG.info("Messages this node acknowledges survive its death only if every node's offline store uses the SQL journal "
                + "on one shared database (journal.target=(journal=sql), docs/CLUSTER.md)");
    }

    @Deactivate
    void deactivate() {
        // A swap (the framework keeps running) hands the run on; a stop of the node leaves the cluster.
        boolean nodeStopping = context.getBundle(0).getState() == Bundle.STOPPING;
        if (!nodeStopping) {
            vault.put(VAULT_KEY, 1, Map.of("incarnation", node.membership.incarnation()));
        }
        node.stop(nodeStopping);
    }

    @Override
    public String localNode() {
        return node.membership.node();
    }

    @Override
    public Set<String> liveNodes() {
        return node.membership.liveNodes();
    }

    @Override
    public DeviceLocation locate(Address device) {
        return node.devices.locate(device);
    }

    @Override
    public List<DeviceLocation> locations(String user) {
        return node.devices.devicesOf(user);
    }

    @Override
    public void online(Address device) {
        node.devices.online(device);
    }

    @Override
    public void offline(Address device) {
        node.devices.offline(device);
    }

    @Override
    public boolean deliver(Address to, long session, Node stanza) {
        return node.remote.deliver(to, session, stanza);
    }

    @Override
    public List<Address> devicesOf(String user) {
        return node.remote.devicesOf(user);
    }

    @Override
    public boolean close(Address device, String reason) {
        return node.remote.close(device, reason);
    }

    private LaneOwner described(String owner) {
        if (owner == null) {
            return null;
        }
        boolean here = owner.equals(node.membership.node());
        return new LaneOwner(owner, here, here ? node.settings.address() : node.membership.addressOf(owner));
    }

    @Override
    public LaneOwner owner(String user) {
        return described(node.lanes.owner(user));
    }

    @Override
    public LaneOwner claim(String user) {
        return described(node.lanes.claim(user));
    }

    @Override
    public CompletionStage<Node> forward(LaneOwner owner, Address from, Node stanza) {
        return node.forwarding.forward(owner.node(), from, stanza);
    }

    @Override
    public CompletionStage<Void> queue(LaneOwner owner, List<QueuedMessage> copies) {
        return node.forwarding.queue(owner.node(), copies);
    }
}
