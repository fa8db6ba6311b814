package dev.switchboard.cluster.internal;

import java.util.regex.Pattern;

/** The configuration, checked: an invalid file is refused with a message naming what is wrong. */
record ClusterSettings(String node, String natsUrl, String bucketPrefix, String address, long heartbeatMillis, long deadAfterMillis) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    ClusterSettings {
        if (node == null || !NAME.matcher(node).matches()) {
            throw new IllegalArgumentException("node must be 1 to 32 letters, digits, '-' or '_' (got " + node + ")");
        }
        if (bucketPrefix == null || !NAME.matcher(bucketPrefix).matches()) {
            throw new IllegalArgumentException("bucketPrefix must be 1 to 32 letters, digits, '-' or '_' (got " + bucketPrefix + ")");
        }
        if (address == null || !(address.isEmpty() || address.matches("[^\\s/]+:\\d{1,5}"))) {
            throw new IllegalArgumentException("address must be host:port, where clients reach this node's binary listener (got " + address + ")");
        }
        if (natsUrl == null || natsUrl.isBlank()) {
            throw new IllegalArgumentException("natsUrl is empty");
        }
        if (heartbeatMillis < 50) {
            throw new IllegalArgumentException("heartbeatMillis must be at least 50 (got " + heartbeatMillis + ")");
        }
        if (deadAfterMillis < 3 * heartbeatMillis) {
            throw new IllegalArgumentException("deadAfterMillis (" + deadAfterMillis + ") must be at least three heartbeats ("
                    + 3 * heartbeatMillis + "): one late heartbeat must not make a node dead");
        }
    }

    static ClusterSettings of(ClusterConfiguration c) {
        return new ClusterSettings(c.node(), c.natsUrl(), c.bucketPrefix(), c.address(), c.heartbeatMillis(), c.deadAfterMillis());
    }

    String nodesBucket() {
        return bucketPrefix + "-nodes";
    }

    String devicesBucket() {
        return bucketPrefix + "-devices";
    }

    String lanesBucket() {
        return bucketPrefix + "-lanes";
    }
}
