package dev.switchboard.protocol.xmpp.internal;

import dev.switchboard.api.stanza.Node;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** XMPP's namespaces and small builders for the nodes the dialect writes. */
final class Xmpp {

    static final String SASL = "urn:ietf:params:xml:ns:xmpp-sasl";
    static final String TLS = "urn:ietf:params:xml:ns:xmpp-tls";
    static final String BIND = "urn:ietf:params:xml:ns:xmpp-bind";
    static final String SESSION = "urn:ietf:params:xml:ns:xmpp-session";
    static final String STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";
    static final String STREAMS = "urn:ietf:params:xml:ns:xmpp-streams";
    static final String PING = "urn:xmpp:ping";
    static final String DISCO_INFO = "http://jabber.org/protocol/disco#info";
    static final String DISCO_ITEMS = "http://jabber.org/protocol/disco#items";
    static final String ROSTER = "jabber:iq:roster";
    static final String RECEIPTS = "urn:xmpp:receipts";
    static final String MARKERS = "urn:xmpp:chat-markers:0";
    static final String CHATSTATES = "http://jabber.org/protocol/chatstates";
    static final String DELAY = "urn:xmpp:delay";
    /** Where a group message's group is named on a message to an XMPP client (groups are not offered over XMPP). */
    static final String SWITCHBOARD_GROUP = "urn:switchboard:group";

    /** The id of the server's keep-alive ping (XEP-0199); its result counts as the client's answer. */
    static final String PING_ID = "sb-ping";

    private Xmpp() {
    }

    static Node el(String tag, String namespace, Node... children) {
        return new Node(tag, namespace == null ? null : java.util.Map.of("xmlns", namespace), List.of(children), null);
    }

    static Node text(String tag, String text, String... namesAndValues) {
        return Node.withContent(tag, text.getBytes(StandardCharsets.UTF_8), namesAndValues);
    }

    static String text(Node node) {
        return node.content() == null ? "" : new String(node.content(), StandardCharsets.UTF_8);
    }

    /** The first child with this tag (and namespace, when given), or null. */
    static Node child(Node node, String tag, String namespace) {
        for (Node c : node.children()) {
            if (c.tag().equals(tag) && (namespace == null || namespace.equals(c.attr("xmlns")))) {
                return c;
            }
        }
        return null;
    }

    /** The first child in a namespace, or null. */
    static Node childIn(Node node, String namespace) {
        for (Node c : node.children()) {
            if (namespace.equals(c.attr("xmlns"))) {
                return c;
            }
        }
        return null;
    }

    /** A stanza error (RFC 6120 §8.3) answering {@code stanza}: same tag and id, addressed back. */
    static Node stanzaError(Node stanza, String from, String type, String condition) {
        java.util.LinkedHashMap<String, String> a = new java.util.LinkedHashMap<>();
        a.put("type", "error");
        if (stanza.attr("id") != null) {
            a.put("id", stanza.attr("id"));
        }
        a.put("from", from);
        Node error = new Node("error", java.util.Map.of("type", type), List.of(el(condition, STANZAS)), null);
        return new Node(stanza.tag(), a, List.of(error), null);
    }
}
