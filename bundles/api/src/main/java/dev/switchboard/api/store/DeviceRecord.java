package dev.switchboard.api.store;

import dev.switchboard.api.stanza.Address;

/**
 * A registered device of an account.
 *
 * @param address        the device
 * @param registeredAtMs when it was registered or linked, epoch milliseconds
 */
public record DeviceRecord(Address address, long registeredAtMs) {
}
