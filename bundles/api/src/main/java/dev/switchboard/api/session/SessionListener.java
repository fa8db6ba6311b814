package dev.switchboard.api.session;

import dev.switchboard.api.stanza.Address;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told when a device's session starts and ends (whiteboard: register it as a service). Called on
 * the transport's threads, so it must return at once; slow work goes to the listener's own thread.
 * A device that logs in again on a new connection, replacing its old one, is not reported offline.
 */
@ConsumerType
public interface SessionListener {

    /** The device logged in. */
    void online(Address device);

    /** The device's session ended. */
    void offline(Address device);
}
