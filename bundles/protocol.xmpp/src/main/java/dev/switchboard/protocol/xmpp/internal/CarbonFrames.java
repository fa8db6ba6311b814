package dev.switchboard.protocol.xmpp.internal;

import static dev.switchboard.protocol.xmpp.internal.Xmpp.*;

import dev.switchboard.api.protocol.Link;
import dev.switchboard.api.stanza.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * XEP-0280 message carbons over routing's live copies ({@code carbon direction=sent|received}): a
 * connection that enabled carbons gets them wrapped as the XEP says; one that did not, nothing. A
 * message with {@code <private/>} is sent on marked {@code private}, and routing makes no copies.
 */
final class CarbonFrames {

    static final String NS = "urn:xmpp:carbons:2";
    static final String FORWARD = "urn:xmpp:forward:0";
    /** Connection state: carbons are on. */
    private static final String ON = "xmpp.carbons";

    private final Jids jids;

    CarbonFrames(Jids jids) {
        this.jids = jids;
    }

    /** A resumed stream keeps the earlier one's setting. */
    void resumed(Map<String, String> earlier, Link link) {
        link.state(ON, earlier.get(ON));
    }

    /** {@code <enable/>} or {@code <disable/>} (§4, §6), answered here. */
    Node toggle(Node iq, Node request, Link link) {
        if (!"set".equals(iq.attr("type"))) {
            return stanzaError(iq, jids.domain(), "modify", "bad-request");
        }
        link.state(ON, request.tag().equals("enable") ? "1" : null);
        Map<String, String> a = new LinkedHashMap<>();
        a.put("type", "result");
        a.put("id", iq.attr("id") == null ? "" : iq.attr("id"));
        return new Node("iq", a, List.of(), null);
    }

    static boolean isPrivate(Node message) {
        return child(message, "private", NS) != null;
    }

    /** A copy for this connection, or none when it did not enable carbons. */
    List<Node> outbound(Node carbon, Link link) {
        String direction = carbon.attr("direction");
        if (link.state(ON) == null || !("sent".equals(direction) || "received".equals(direction))) {
            return List.of();
        }
        Map<String, String> inner = new LinkedHashMap<>();
        inner.put("xmlns", "jabber:client"); // XEP-0297: the forwarded stanza keeps its own namespace
        inner.put("from", jids.full(dev.switchboard.api.stanza.Address.parse(carbon.attr("from"))));
        String to = carbon.attr("to");
        inner.put("to", to.indexOf('/') < 0 ? jids.bare(to)
                : jids.full(dev.switchboard.api.stanza.Address.parse(to)));
        inner.put("type", "chat");
        if (carbon.attr("id") != null) {
            inner.put("id", carbon.attr("id"));
        }
        List<Node> body = new ArrayList<>(2);
        if (carbon.content() != null) {
            body.add(Node.withContent("body", carbon.content()));
        }
        Node message = new Node("message", inner, body, null);
        Node forwarded = new Node("forwarded", Map.of("xmlns", FORWARD), List.of(message), null);
        Node wrapper = new Node(direction, Map.of("xmlns", NS), List.of(forwarded), null);
        Map<String, String> outer = new LinkedHashMap<>();
        outer.put("from", jids.bare(link.address().user()));
        outer.put("to", jids.full(link.address()));
        outer.put("type", "chat");
        return List.of(new Node("message", outer, List.of(wrapper), null));
    }
}
