package dev.switchboard.api.cluster;

import dev.switchboard.api.stanza.Address;
import java.util.List;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The cluster's view of itself: the nodes alive and where every logged-in device is, across
 * nodes. Answers come from memory (a mirror the cluster bundle keeps of the shared directory), so
 * they are cheap enough for the message path, and may trail a change elsewhere by the time it
 * takes to reach this node. Not registered when the node runs alone.
 */
@ProviderType
public interface ClusterDirectory {

    /** This node's id, as configured. */
    String localNode();

    /** The nodes whose heartbeats this node currently sees, itself included. */
    Set<String> liveNodes();

    /**
     * Where a device is logged in, on a node that is alive, or null: not logged in anywhere, or
     * only on a node that has stopped beating (its entry is stale).
     */
    DeviceLocation locate(Address device);

    /** Where the devices of a user are logged in, on live nodes, in device order. */
    List<DeviceLocation> locations(String user);
}
