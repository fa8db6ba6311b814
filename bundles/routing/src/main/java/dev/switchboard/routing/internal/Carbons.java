package dev.switchboard.routing.internal;

import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies of a direct message for the other devices of the accounts in it (XMPP's XEP-0280
 * carbons): the sender's other online devices see what it sent, and when the message was addressed
 * to one device, that account's other online devices see what it received. Live only, never
 * stored: the message itself is what is queued and confirmed. A message marked {@code private}
 * gets no copies.
 */
final class Carbons {

    private final SessionDirectory directory;

    Carbons(SessionDirectory directory) {
        this.directory = directory;
    }

    void copy(Address from, Node message) {
        if (message.attr("private") != null) {
            return;
        }
        List<Address> mine = directory.devicesOf(from.user());
        if (mine.size() > 1) {
            Node sent = carbon("sent", from, message);
            for (Address device : mine) {
                if (!device.equals(from)) {
                    directory.deliver(device, sent);
                }
            }
        }
        String to = message.attr("to");
        if (to != null && to.indexOf('/') > 0) {
            Address addressed = Address.parse(to);
            List<Address> theirs = directory.devicesOf(addressed.user());
            if (theirs.size() > 1) {
                Node received = carbon("received", from, message);
                for (Address device : theirs) {
                    if (!device.equals(addressed) && !device.equals(from)) {
                        directory.deliver(device, received);
                    }
                }
            }
        }
    }

    private static Node carbon(String direction, Address from, Node message) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("direction", direction);
        a.put("from", from.toString());
        message.attributes().forEach(a::putIfAbsent);
        return new Node("carbon", a, List.of(), message.content());
    }
}
