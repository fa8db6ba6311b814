package dev.switchboard.protocol.xmpp.internal;

import static dev.switchboard.protocol.xmpp.internal.Xmpp.*;

import dev.switchboard.api.protocol.Link;
import dev.switchboard.api.stanza.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * RFC 6121 over Switchboard's presence bundle (docs/XMPP.md, "Roster and presence"): roster iqs
 * become {@code roster op=get|set|remove}, subscription presence becomes {@code subscription
 * type=}, broadcast presence becomes {@code presence type=available show= status=}, and the
 * answers and pushes come back as iqs and presence ({@link Pending} keeps what an answer needs).
 */
final class RosterFrames {

    private static final Set<String> SUBSCRIPTION_TYPES = Set.of("subscribe", "subscribed", "unsubscribe", "unsubscribed");
    private static final Set<String> SHOWS = Set.of("away", "chat", "dnd", "xa");
    /** Connection state: the show and status of the client's last presence (a resumed stream announces them again). */
    private static final String SHOW = "xmpp.show";
    private static final String STATUS = "xmpp.status";

    private final Jids jids;

    RosterFrames(Jids jids) {
        this.jids = jids;
    }

    // --- client to server

    /** A presence stanza from the client; null when it is not one of RFC 6121's (the caller answers it). */
    List<Node> presence(Node p, Link link) {
        String type = p.attr("type");
        if (type == null && p.attr("to") == null) {
            List<Node> out = new ArrayList<>(2);
            if (link.state(Streams.PRESENT) == null) {
                link.state(Streams.PRESENT, "1");
                out.add(Node.of("online")); // initial presence: the device's queue may come now (RFC 6121 §4.2)
            }
            Node show = child(p, "show", null);
            Node status = child(p, "status", null);
            String s = show == null ? null : text(show).strip();
            link.state(SHOW, s != null && SHOWS.contains(s) ? s : null);
            link.state(STATUS, status == null ? null : text(status));
            out.add(available(link));
            return out;
        }
        if (type != null && SUBSCRIPTION_TYPES.contains(type)) {
            String to = jids.recipient(p.attr("to"));
            if (to == null) {
                link.reply(stanzaError(p, p.attr("to") == null ? jids.domain() : p.attr("to"), "modify", "jid-malformed"));
                return List.of();
            }
            String user = to.indexOf('/') < 0 ? to : to.substring(0, to.indexOf('/')); // subscriptions are between accounts
            return List.of(Node.of("subscription", "type", type, "to", user, "id", Pending.put(link, "presence:" + jids.bare(user))));
        }
        return List.of(); // unavailable (the session's end says it), probes (servers only) and directed presence
    }

    /** Switchboard's form of the client's presence, as it last sent it. */
    private Node available(Link link) {
        return Node.of("presence", "type", "available", "id", Pending.put(link, "presence:" + jids.domain()),
                "show", link.state(SHOW), "status", link.state(STATUS));
    }

    /**
     * A resumed stream (XEP-0198): when the earlier one had sent its initial presence, the device's
     * queue flows again and its presence is announced as it was (its end had announced it gone).
     */
    List<Node> resumed(java.util.Map<String, String> earlier, Link link) {
        if (earlier.get(Streams.PRESENT) == null) {
            return List.of();
        }
        link.state(Streams.PRESENT, "1");
        link.state(SHOW, earlier.get(SHOW));
        link.state(STATUS, earlier.get(STATUS));
        return List.of(Node.of("online"), available(link));
    }

    /** A roster iq (RFC 6121 §2): get, or a set of one item (to add, change or remove). */
    List<Node> rosterIq(Node iq, Node query, Link link) {
        String type = iq.attr("type");
        String id = iq.attr("id") == null ? "" : iq.attr("id");
        if ("get".equals(type)) {
            return List.of(Node.of("roster", "op", "get", "id", Pending.put(link, "iq:" + id)));
        }
        List<Node> items = new ArrayList<>();
        for (Node c : query.children()) {
            if (c.tag().equals("item")) {
                items.add(c);
            }
        }
        String user = items.size() == 1 ? jids.recipient(items.get(0).attr("jid")) : null;
        if (!"set".equals(type) || user == null || user.indexOf('/') >= 0) {
            link.reply(stanzaError(iq, jids.bare(link.address().user()), "modify", "bad-request")); // one item, a bare JID (§2.3.3)
            return List.of();
        }
        Node item = items.get(0);
        if ("remove".equals(item.attr("subscription"))) {
            return List.of(Node.of("roster", "op", "remove", "user", user, "id", Pending.put(link, "iq:" + id)));
        }
        List<Node> groups = new ArrayList<>();
        for (Node g : item.children()) {
            if (g.tag().equals("group")) {
                groups.add(Node.of("group", "name", text(g)));
            }
        }
        Node sbItem = new Node("item", Node.of("item", "user", user, "name", item.attr("name")).attributes(), groups, null);
        return List.of(new Node("roster", Map.of("op", "set", "id", Pending.put(link, "iq:" + id)), List.of(sbItem), null));
    }

    // --- server to client

    /** The presence bundle's answer to a request sent on above ({@code what}: its {@link Pending} entry). */
    List<Node> answer(Node result, String what, Link link) {
        String error = result.attr("error");
        if (what.startsWith("iq:")) {
            Map<String, String> a = attrs("type", error == null ? "result" : "error", "id", what.substring(3),
                    "to", jids.full(link.address()));
            List<Node> children = new ArrayList<>(1);
            if (result.tag().equals("roster")) {
                children.add(query(result.children()));
            }
            if (error != null) {
                children.add(error(error));
            }
            return List.of(new Node("iq", a, children, null));
        }
        if (error == null) {
            return List.of();
        }
        return List.of(new Node("presence", attrs("type", "error", "from", what.substring("presence:".length())),
                List.of(error(error)), null));
    }

    /** A roster push (RFC 6121 §2.1.6). */
    List<Node> push(Node roster, Link link) {
        Map<String, String> a = attrs("type", "set", "id", "push" + Long.toHexString(System.nanoTime()),
                "to", jids.full(link.address()));
        return List.of(new Node("iq", a, List.of(query(roster.children())), null));
    }

    /** A subscription request or answer, from the other account's bare JID (§3.1.3, §3.1.5). */
    List<Node> subscription(Node s) {
        String type = s.attr("type");
        if (!SUBSCRIPTION_TYPES.contains(String.valueOf(type)) || s.attr("from") == null) {
            return List.of();
        }
        return List.of(new Node("presence", attrs("type", type, "from", jids.bare(s.attr("from"))), List.of(), null));
    }

    /** An account's presence, with what its devices last said of it. */
    List<Node> presence(Node p) {
        String from = p.attr("from");
        if (from == null || !dev.switchboard.api.stanza.Address.isUserId(from)) {
            return List.of();
        }
        Map<String, String> a = attrs("from", jids.bare(from));
        List<Node> children = new ArrayList<>(2);
        if ("unavailable".equals(p.attr("type"))) {
            a.put("type", "unavailable");
        } else {
            if (p.attr("show") != null) {
                children.add(Xmpp.text("show", p.attr("show")));
            }
            if (p.attr("status") != null) {
                children.add(Xmpp.text("status", p.attr("status")));
            }
        }
        return List.of(new Node("presence", a, children, null));
    }

    private Node query(List<Node> items) {
        List<Node> out = new ArrayList<>(items.size());
        for (Node item : items) {
            Map<String, String> a = attrs("jid", jids.bare(item.attr("user")));
            for (String name : List.of("name", "subscription", "ask")) {
                if (item.attr(name) != null) {
                    a.put(name, item.attr(name));
                }
            }
            List<Node> groups = new ArrayList<>(item.children().size());
            for (Node g : item.children()) {
                groups.add(Xmpp.text("group", String.valueOf(g.attr("name"))));
            }
            out.add(new Node("item", a, groups, null));
        }
        return new Node("query", Map.of("xmlns", ROSTER), out, null);
    }

    /** Switchboard's error codes (docs/PROTOCOL.md) as stanza errors (RFC 6120 §8.3.3). */
    static Node error(String code) {
        String[] typeAndCondition = switch (code) {
            case "bad-request" -> new String[] {"modify", "bad-request"};
            case "no-such-user" -> new String[] {"cancel", "item-not-found"};
            case "item-not-found" -> new String[] {"cancel", "item-not-found"};
            case "limit" -> new String[] {"wait", "resource-constraint"};
            case "unavailable" -> new String[] {"wait", "service-unavailable"};
            default -> new String[] {"cancel", "internal-server-error"};
        };
        return new Node("error", Map.of("type", typeAndCondition[0]), List.of(el(typeAndCondition[1], STANZAS)), null);
    }

    private static Map<String, String> attrs(String... namesAndValues) {
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            out.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return out;
    }
}
