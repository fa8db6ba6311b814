package dev.switchboard.shell.internal;

import dev.switchboard.api.cluster.ClusterDirectory;
import dev.switchboard.api.cluster.DeviceLocation;
import dev.switchboard.api.stanza.Address;
import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** {@code sb:cluster}: the nodes alive, and where a user's devices are logged in across them. */
@Component(service = ClusterCommands.class, property = {"osgi.command.scope=sb", "osgi.command.function=cluster"})
public final class ClusterCommands {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ClusterDirectory cluster;

    @Descriptor("this node and the live nodes of its cluster")
    public String cluster() {
        ClusterDirectory c = cluster;
        if (c == null) {
            return "this node runs alone (no etc/dev.switchboard.cluster.cfg, or the cluster bundle is not running)";
        }
        return "node " + c.localNode() + "\nlive nodes " + String.join(" ", c.liveNodes());
    }

    @Descriptor("where the devices of a user are logged in, across the cluster")
    public String cluster(@Descriptor("user") String user) {
        ClusterDirectory c = cluster;
        if (c == null) {
            return cluster();
        }
        if (!Address.isUserId(user)) {
            return "error: '" + user + "' is not a user id (1 to " + Address.MAX_USER_DIGITS + " digits); usage: sb:cluster [user]";
        }
        List<DeviceLocation> at = c.locations(user);
        if (at.isEmpty()) {
            return user + " is not logged in on any live node";
        }
        StringBuilder out = new StringBuilder();
        for (DeviceLocation d : at) {
            out.append(d.device()).append(" on ").append(d.node()).append('\n');
        }
        return out.toString();
    }
}
