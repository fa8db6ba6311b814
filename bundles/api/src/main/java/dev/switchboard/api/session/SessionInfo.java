package dev.switchboard.api.session;

import dev.switchboard.api.stanza.Address;

/**
 * What an operator sees of one logged-in session.
 *
 * @param address       the device logged in
 * @param remote        the client's socket address
 * @param connectedAtMs when the connection opened, epoch milliseconds
 * @param framesIn      frames read from the client
 * @param framesOut     frames written to the client
 */
public record SessionInfo(Address address, String remote, long connectedAtMs, long framesIn, long framesOut) {
}
