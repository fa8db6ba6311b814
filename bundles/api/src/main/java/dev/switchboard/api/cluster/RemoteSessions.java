package dev.switchboard.api.cluster;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The sessions of other nodes, as this node's transport reaches them: what the transport cannot
 * hand to a session of its own it offers here (provided by the cluster bundle; absent when the
 * node runs alone). Delivery to another node is a one-way hand-over, like a write to a socket: a
 * stanza that is lost on the way is lost as a write to a dropped connection is, so whatever must
 * not be lost stays queued until its device confirms it.
 */
@ProviderType
public interface RemoteSessions {

    /**
     * Hands a stanza to a device logged in on another live node, for the session of it that
     * {@code session} names there (0: whichever it has).
     *
     * @return {@code false} when the device is logged in on no other live node
     */
    boolean deliver(Address to, long session, Node stanza);

    /** The devices of a user logged in on other live nodes, in device order. */
    List<Address> devicesOf(String user);

    /** Closes the session a device has on another node, with a reason. @return whether it had one */
    boolean close(Address device, String reason);
}
