package dev.switchboard.api.cluster;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.QueuedMessage;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Which node owns each user's lane, and the way to hand work to it (provided by the cluster
 * bundle; absent when the node runs alone, where every lane is this node's). All work for one
 * user runs on that user's lane, so its messages keep their order and are numbered by one node.
 */
@ProviderType
public interface LaneOwnership {

    /** The owner of a user's lane as this node knows it now, from memory; null when no live node owns it. */
    LaneOwner owner(String user);

    /**
     * Takes a user's lane for this node unless a live node owns it. Blocking (a round trip to the
     * cluster's store): never on an I/O thread.
     *
     * @return the owner afterwards, or null when that cannot be settled now (the cluster is
     *         unreachable): the caller answers "try again"
     */
    LaneOwner claim(String user);

    /**
     * Hands a stanza a connection of this node sent to the node that owns the lane it is for; that
     * node routes it as if the device were its own.
     *
     * @return completes with the sender's answer (its ack, or an error) for this node to hand to
     *         the connection, with null when that node did not take it (it is stopping, or owns the
     *         lane no longer), or fails when it could not be reached in time
     */
    CompletionStage<Node> forward(LaneOwner owner, Address from, Node stanza);

    /**
     * Queues copies (messages, receipts, notifications, numbered there) on the lane of the account
     * they are for, owned by another node, which hands them to its devices.
     *
     * @return completes once they are safe there (durable, or confirmed by their devices), or fails
     *         (that node refused them, or could not be reached in time): nothing of them is then queued
     */
    CompletionStage<Void> queue(LaneOwner owner, List<QueuedMessage> copies);
}
