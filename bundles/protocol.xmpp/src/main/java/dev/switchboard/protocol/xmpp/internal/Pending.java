package dev.switchboard.protocol.xmpp.internal;

import dev.switchboard.api.protocol.Link;

/**
 * Requests the dialect sent on in Switchboard's vocabulary and whose answer it must turn back into
 * XMPP: each goes with an id of its own, and what the answer needs (the client's iq id, the JID a
 * presence went to, an upload's file) waits in the connection's state under that id until then.
 */
final class Pending {

    private static final String KEY = "q.";

    private Pending() {
    }

    /** @return the id to send the request with */
    static String put(Link link, String what) {
        String id = "x" + link.update(KEY + "n", n -> n == null ? "1" : Long.toString(Long.parseLong(n) + 1));
        link.state(KEY + id, what);
        return id;
    }

    /** What an answer with this id answers, taken (an answer comes once); null when it is none of these. */
    static String take(Link link, String id) {
        String what = id == null ? null : link.state(KEY + id);
        if (what != null) {
            link.state(KEY + id, null);
        }
        return what;
    }
}
