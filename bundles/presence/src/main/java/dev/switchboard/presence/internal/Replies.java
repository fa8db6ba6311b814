package dev.switchboard.presence.internal;

import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;

/** How the presence bundle answers a device: one form for every request it handles. */
final class Replies {

    private final SessionDirectory directory;

    Replies(SessionDirectory directory) {
        this.directory = directory;
    }

    /** A {@code result} for a request with an id; an {@code error} stanza (the connection stays) for one without. */
    void answer(Address to, Node request, String error, String text) {
        String id = request.attr("id");
        if (id != null) {
            directory.deliver(to, Node.of("result", "id", id, "error", error, "text", text));
        } else if (error != null) {
            directory.deliver(to, Node.of("error", "code", error, "text", text));
        }
    }

    /** To every device of the account that is online now. */
    void toDevicesOf(String user, Node stanza) {
        for (Address device : directory.devicesOf(user)) {
            directory.deliver(device, stanza);
        }
    }

    void to(Address device, Node stanza) {
        directory.deliver(device, stanza);
    }
}
