package dev.switchboard.api.cluster;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.QueuedMessage;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Work another node hands to this one for lanes this node owns (provided by routing, called by
 * the cluster bundle with what arrives from other nodes). Never reachable by clients.
 */
@ProviderType
public interface PeerWork {

    /**
     * A stanza a device logged in on another node sent, for a lane owned here: routed as if the
     * device were logged in here, except that the sender's answer (its ack, or an error) is given
     * to {@code answer}, once, for the other node to hand to the connection it came from.
     *
     * @return whether it was taken (false: this router is stopping, or the lane is not this node's)
     */
    boolean forwarded(Address from, Node stanza, Consumer<Node> answer);

    /**
     * Queues copies another node made for accounts whose lanes are owned here (a group message's,
     * a receipt, a notification). @return completes once they are safe (durable, or confirmed)
     */
    CompletionStage<Void> queue(List<QueuedMessage> copies);

    /**
     * This node has just taken the lane of a user another node served (or none did): its queues
     * are read from the shared durable tier before any work for it runs here. Blocking.
     *
     * @return false when that could not be done (no offline store or accounts now): the lane is
     *         given up again rather than served without what waits for it
     */
    boolean adopt(String user);
}
