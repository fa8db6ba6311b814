package dev.switchboard.presence.internal;

import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.StoreException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Requests between devices ({@code iq to=user/device type=get|set|result|error id=}, XMPP's iq
 * between full JIDs: a ping, a version query): relayed to the one device as they are, with the
 * sender stamped as {@code from}, and never stored; a request to a device that is not online is
 * answered with {@code service-unavailable} (RFC 6121 §8.5.3.1), an answer to one is dropped. An
 * account whose visibility hides it from the sender is treated as not online: an answering client
 * would otherwise tell a stranger that a hidden account is there. Used on the presence thread.
 */
final class IqRelay {

    private static final Set<String> TYPES = Set.of("get", "set", "result", "error");
    static final String STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";

    private final SessionDirectory directory;
    private final SettingsCache settings;

    IqRelay(SessionDirectory directory, SettingsCache settings) {
        this.directory = directory;
        this.settings = settings;
    }

    void relay(Address from, Node iq) throws StoreException {
        String type = iq.attr("type");
        String id = iq.attr("id");
        Address to = device(iq.attr("to"));
        if (to == null || id == null || !TYPES.contains(String.valueOf(type))) {
            directory.deliver(from, Node.of("error", "code", "bad-request",
                    "text", "iq needs to=<user>/<device>, an id and type=get|set|result|error", "id", id));
            return;
        }
        Map<String, String> a = new LinkedHashMap<>();
        a.put("from", from.toString());
        a.put("id", id);
        a.put("type", type);
        boolean shown = to.user().equals(from.user()) || settings.settings(to.user()).shows(from.user());
        boolean delivered = shown && directory.deliver(to, new Node("iq", a, iq.children(), iq.content()));
        if (!delivered && (type.equals("get") || type.equals("set"))) {
            directory.deliver(from, unavailable(to, id));
        }
    }

    /** The error answer a request gets from the server for a device that is not there. */
    static Node unavailable(Address to, String id) {
        Node condition = Node.of("service-unavailable", "xmlns", STANZAS);
        Node error = new Node("error", Map.of("type", "cancel"), List.of(condition), null);
        return new Node("iq", Map.of("from", to.toString(), "id", id, "type", "error"), List.of(error), null);
    }

    private static Address device(String text) {
        if (text == null || text.indexOf('/') < 0) {
            return null;
        }
        try {
            return Address.parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
