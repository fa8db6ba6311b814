package dev.switchboard.api.offline;

import dev.switchboard.api.stanza.Address;

/** A device's queue is at its count or byte limit; the sender is told instead of anything being dropped. */
public class QueueFullException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final transient Address device;

    public QueueFullException(Address device, String message) {
        super(message);
        this.device = device;
    }

    /** The device whose queue is full. */
    public Address device() {
        return device;
    }
}
