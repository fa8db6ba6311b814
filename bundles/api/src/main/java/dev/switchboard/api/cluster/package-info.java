/**
 * Switchboard contracts: several nodes as one service. Which nodes are alive, and on which node a
 * device is logged in, as the cluster bundle sees it; absent when the node runs alone.
 */
@Export
@Version("1.0.0")
package dev.switchboard.api.cluster;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
