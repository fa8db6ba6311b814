package dev.switchboard.api.cluster;

import dev.switchboard.api.stanza.Address;

/**
 * A device's login as the shared directory holds it.
 *
 * @param device      the device
 * @param node        the node it is logged in on
 * @param incarnation that node's run (a new one each start), so a login held by a node that has
 *                    since restarted is recognised as stale
 * @param session     the id of the device's session on that node (its transport's, as given to the
 *                    router at the login there)
 * @param revision    the directory's revision of the entry: a later login anywhere has a higher one
 */
public record DeviceLocation(Address device, String node, String incarnation, long session, long revision) {
}
