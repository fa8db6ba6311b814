package dev.switchboard.api.routing;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Takes a stanza a logged-in device sent and sees it to its recipients, answering the sender
 * through the {@link dev.switchboard.api.session.SessionDirectory}. Stanzas from one sender to one
 * recipient are handled in the order they were accepted.
 */
@ProviderType
public interface Router {

    /**
     * Accepts a stanza for routing.
     *
     * @return {@code false} when this router is shutting down and took nothing: the caller keeps
     *         the stanza and offers it again to the next router (ARCHITECTURE.md rule 4)
     */
    boolean route(Address from, Node stanza);

    /** A device logged in: start handing it what waits in its queue. */
    void deviceOnline(Address device);

    /**
     * A device logged in on the session with this id (see
     * {@link dev.switchboard.api.session.SessionDirectory#deliver(Address, long, Node)}): hand it
     * its queue from the head, to that session only. @since 1.2
     */
    default void deviceOnline(Address device, long session) {
        deviceOnline(device);
    }

    /** Messages routed since this router started, summed over every revision that handed state over. */
    long routedCount();
}
