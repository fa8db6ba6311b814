package dev.switchboard.api.auth;

import dev.switchboard.api.stanza.Address;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told when an account's devices change, after the change is stored (whiteboard: register as a
 * service). Bundles that keep something per device (keys, queues) or tell others about an
 * account's devices act on it. Called on the thread that made the change: a listener must return
 * quickly and do slow work on its own thread; one that throws does not undo the change.
 *
 * @since 1.1
 */
@ConsumerType
public interface DeviceListener {

    /** What happened to a device. */
    enum Change {
        /** A device was linked to the account. */
        LINKED,
        /** A device was unlinked: its credential, tokens and keys are gone. */
        UNLINKED,
        /** The account was deleted with every device. */
        ACCOUNT_DELETED
    }

    /**
     * @param device the device linked or unlinked; for {@link Change#ACCOUNT_DELETED}, the primary device
     */
    void devicesChanged(Address device, Change change);
}
