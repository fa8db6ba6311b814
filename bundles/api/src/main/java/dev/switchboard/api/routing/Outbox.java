package dev.switchboard.api.routing;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * How feature bundles send: live stanzas, and notifications stored and forwarded like messages.
 * Provided by the router; while it is being replaced there is none, and a revision that is stopping
 * refuses notifications with {@link IllegalStateException} so the caller uses the next one.
 */
@ProviderType
public interface Outbox {

    /**
     * Hands a stanza to a device if it is online now; nothing is stored.
     *
     * @return whether the device had a session
     */
    boolean live(Address to, Node stanza);

    /**
     * Queues a notification for every device of each user (stored until each confirms it, exactly
     * as a message). Delivered as {@code <notification type=... from=... seq=... t=... k=v...>}.
     *
     * @param type       what happened, e.g. {@code group-add}
     * @param attributes the notification's other attributes
     * @return completes when every copy is durable (or confirmed), exceptionally when it could not be stored
     * @throws IllegalStateException when this router is stopping: nothing was queued, use the next one
     */
    CompletionStage<Void> notify(Collection<String> users, Address actor, String type, Map<String, String> attributes);
}
