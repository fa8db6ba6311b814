package dev.switchboard.api.cluster;

/**
 * The node a user's lane runs on: the one node that numbers, queues and hands out that user's
 * messages.
 *
 * @param node    the node's id
 * @param here    whether it is this node
 * @param address where clients reach that node's binary listener ({@code host:port}), or null when
 *                it did not say
 */
public record LaneOwner(String node, boolean here, String address) {
}
