package dev.switchboard.api.routing;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A feature bundle's handler for the stanza tags it owns (presence, groups, ...). Registered as a
 * service with {@link #TAGS} naming those tags; the router hands it every such stanza a logged-in
 * device sends. While no handler for a known feature tag is registered, the stanza waits.
 */
@ConsumerType
public interface StanzaHandler {

    /** Service property: the stanza tags this handler takes (String or String[]). */
    String TAGS = "switchboard.stanza";

    /**
     * Handles a stanza. Must not block for long: slow work goes to the handler's own threads, which
     * answer through the {@link Outbox} service.
     *
     * @return {@code false} when it cannot take the stanza now; the caller keeps it and retries
     */
    boolean handle(Address from, Node stanza);
}
