package dev.switchboard.protocol.xmpp.internal;

import static dev.switchboard.protocol.xmpp.internal.Xmpp.*;

import dev.switchboard.api.protocol.Link;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.protocol.xmpp.wire.XmppFrames;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * What an XMPP client sends, as Switchboard's stanzas (docs/XMPP.md has the table): SASL becomes
 * the SCRAM login of docs/PROTOCOL.md §7, messages, chat states and read markers become their
 * Switchboard forms; stream negotiation, resource binding, disco and pings are answered here.
 */
final class ClientFrames {

    /** XEP-0085's chat states, which Switchboard's {@code chatstate} carries as they are. */
    static final java.util.Set<String> XEP_0085_STATES = java.util.Set.of("active", "composing", "paused", "inactive", "gone");

    private final Jids jids;
    private final StreamFeatures features;
    /** XEP-0077, or null where registration is off (the default). */
    private final InBandRegistration registration;
    private final RosterFrames roster;
    private final UploadFrames upload;
    private final CarbonFrames carbons;

    ClientFrames(Jids jids, StreamFeatures features, InBandRegistration registration, RosterFrames roster, UploadFrames upload,
                 CarbonFrames carbons) {
        this.jids = jids;
        this.features = features;
        this.registration = registration;
        this.roster = roster;
        this.upload = upload;
        this.carbons = carbons;
    }

    List<Node> inbound(Node frame, Link link) {
        switch (frame.tag()) {
            case XmppFrames.SPACE:
                return List.of(); // a keep-alive: reading it already counted
            case XmppFrames.OPEN:
                return open(frame, link);
            case XmppFrames.CLOSE:
                link.state(Link.RESUMABLE, null); // a stream ended on purpose is not resumed (XEP-0198 §5)
                link.reply(Node.of(XmppFrames.CLOSE));
                link.close();
                return List.of();
            default:
                break;
        }
        if (link.state(Streams.OPEN) == null) {
            link.fail("not-well-formed", "the stream must open with <stream:stream> first");
            return List.of();
        }
        if (link.address() == null) {
            return beforeLogin(frame, link);
        }
        switch (frame.tag()) {
            case "iq":
                StreamManagement.handled(link);
                return iq(frame, link);
            case "message":
                StreamManagement.handled(link);
                return bound(link) ? message(frame, link) : notBound(link);
            case "presence":
                StreamManagement.handled(link);
                return bound(link) ? presence(frame, link) : notBound(link);
            case "enable", "r", "a", "resume":
                return streamManagement(frame, link);
            case "auth", "response", "starttls":
                link.fail("policy-violation", "already authenticated");
                return List.of();
            default:
                link.fail("unsupported-stanza-type", "<" + frame.tag() + "> is not a stanza this server knows");
                return List.of();
        }
    }

    /** XEP-0198's nonzas: enabling (resumable on request), resumption, requests and acknowledgements. */
    private List<Node> streamManagement(Node frame, Link link) {
        if (!StreamManagement.NS.equals(frame.attr("xmlns"))) {
            link.fail("unsupported-stanza-type", "<" + frame.tag() + "> is not a stanza this server knows");
            return List.of();
        }
        switch (frame.tag()) {
            case "enable":
                if (bound(link)) {
                    StreamManagement.enable(link, "true".equals(frame.attr("resume")) || "1".equals(frame.attr("resume")));
                } else {
                    link.reply(StreamManagement.failed("unexpected-request"));
                }
                return List.of();
            case "resume":
                return bound(link) ? failedResume(link) : resume(frame, link);
            case "r":
                StreamManagement.request(link);
                return List.of();
            default: // "a"
                if (!StreamManagement.on(link)) {
                    return List.of();
                }
                String upto = StreamManagement.acknowledged(link, frame.attr("h"),
                        () -> link.fail("policy-violation", "acknowledged more stanzas than were sent"));
                return upto == null ? List.of() : List.of(Node.of("received", "upto", upto));
        }
    }

    private static List<Node> failedResume(Link link) {
        link.reply(StreamManagement.failed("unexpected-request")); // a bound stream is a new one: resume before binding
        return List.of();
    }

    /**
     * XEP-0198 §5: this connection continues an earlier one of its device. The client was told what
     * the server handled; what it handled is confirmed; its queue then flows again from the first
     * stanza it did not handle, and its presence is what it was.
     */
    private List<Node> resume(Node frame, Link link) {
        StreamManagement.Resumed resumed = StreamManagement.resume(link, frame.attr("previd"), frame.attr("h"),
                () -> link.fail("undefined-condition", "handled more stanzas than the stream sent"));
        if (resumed == null) {
            return List.of();
        }
        link.state(Streams.BOUND, "1");
        carbons.resumed(resumed.old(), link);
        link.reply(StreamManagement.resumed(link, frame.attr("previd")));
        List<Node> out = new java.util.ArrayList<>();
        for (String seq : resumed.handledSeqs()) {
            out.add(Node.of("received", "seq", seq));
        }
        out.addAll(roster.resumed(resumed.old(), link));
        return out;
    }

    /** A stanza the server answers with itself: counted for stream management like any it sends. */
    private static void reply(Link link, Node stanza) {
        link.reply(stanza);
        StreamManagement.sent(link, List.of(stanza), null);
    }

    private List<Node> open(Node frame, Link link) {
        if (!jids.server(frame.attr("to"))) {
            link.state(Streams.OPEN, "1"); // the error goes out on a stream of its own
            link.reply(Streams.header(jids, link));
            link.fail("host-unknown", "this server is " + jids.domain());
            return List.of();
        }
        link.state(Streams.OPEN, "1");
        link.reply(Streams.header(jids, link));
        link.reply(features.offered(link));
        return List.of();
    }

    private List<Node> beforeLogin(Node frame, Link link) {
        switch (frame.tag()) {
            case "auth":
                return auth(frame, link);
            case "response":
                return List.of(Node.withContent("response", base64(frame)));
            case "abort":
                link.reply(new Node("failure", Map.of("xmlns", SASL), List.of(Node.of("aborted")), null));
                link.close();
                return List.of();
            case "iq":
                Node query = Xmpp.child(frame, "query", InBandRegistration.NS);
                if (registration != null && query != null && (link.secure() || link.plainAllowed())) {
                    return registration.handle(frame, query, link);
                }
                link.fail("not-authorized", "authenticate first");
                return List.of();
            case "starttls":
                if (link.canStartTls()) {
                    link.reply(el("proceed", TLS));
                    link.startTls();
                    link.state(Streams.OPEN, null); // the client opens a new stream over TLS (RFC 6120 §5.4.3.3)
                } else {
                    link.reply(el("failure", TLS));
                    link.reply(Node.of(XmppFrames.CLOSE));
                    link.close();
                }
                return List.of();
            default:
                link.fail("not-authorized", "authenticate first");
                return List.of();
        }
    }

    /**
     * SASL SCRAM-SHA-256 (RFC 7677) is Switchboard's own login: the client's messages pass through.
     * PLAIN, under TLS only, becomes the same login played by the server ({@link PlainLogin}).
     */
    private List<Node> auth(Node frame, Link link) {
        String mechanism = String.valueOf(frame.attr("mechanism"));
        if (!link.secure() && !link.plainAllowed()) {
            link.reply(new Node("failure", Map.of("xmlns", SASL), List.of(Node.of("encryption-required")), null));
            return List.of();
        }
        if ("PLAIN".equals(mechanism) && link.secure()) {
            return plain(frame, link);
        }
        if (!"SCRAM-SHA-256".equals(mechanism)) {
            link.reply(new Node("failure", Map.of("xmlns", SASL), List.of(Node.of("invalid-mechanism")), null));
            return List.of();
        }
        byte[] clientFirst = base64(frame);
        String text = new String(clientFirst, StandardCharsets.UTF_8);
        String name = "";
        int n = text.indexOf(",n=");
        if ((text.startsWith("n,,") || text.startsWith("y,,")) && n >= 0) {
            int end = text.indexOf(',', n + 3);
            name = text.substring(n + 3, end < 0 ? text.length() : end).replace("=2C", ",").replace("=3D", "=");
        }
        String[] login = Jids.loginName(name);
        return List.of(Node.withContent("auth", clientFirst, "mechanism", "SCRAM-SHA-256", "user", login[0],
                "device", login[1], "deliveries", "later"));
    }

    private List<Node> plain(Node frame, Link link) {
        String[] parts = PlainLogin.parse(base64(frame));
        if (parts == null) {
            link.reply(new Node("failure", Map.of("xmlns", SASL), List.of(Node.of("malformed-request")), null));
            return List.of();
        }
        String[] login = Jids.loginName(parts[1]);
        String bare = PlainLogin.clientFirstBare(parts[1]);
        link.state(PlainLogin.PASSWORD, parts[2]);
        link.state(PlainLogin.FIRST_BARE, bare);
        return List.of(Node.withContent("auth", ("n,," + bare).getBytes(StandardCharsets.UTF_8), "mechanism", "SCRAM-SHA-256",
                "user", login[0], "device", login[1], "deliveries", "later"));
    }

    private static byte[] base64(Node frame) {
        String text = Xmpp.text(frame).strip();
        if (text.isEmpty() || text.equals("=")) {
            return new byte[0];
        }
        try {
            return Base64.getMimeDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return new byte[0]; // the login then fails as malformed
        }
    }

    private static boolean bound(Link link) {
        return link.state(Streams.BOUND) != null;
    }

    private static List<Node> notBound(Link link) {
        link.fail("not-authorized", "bind a resource first");
        return List.of();
    }

    private List<Node> iq(Node iq, Link link) {
        String type = iq.attr("type");
        String device = jids.recipient(iq.attr("to"));
        if (device != null && device.indexOf('/') > 0 && bound(link) && !device.equals(link.address().toString())) {
            return between(iq, device, link);
        }
        if ("result".equals(type) || "error".equals(type)) {
            return PING_ID.equals(iq.attr("id")) ? List.of(Node.of("pong", "id", "server")) : List.of();
        }
        Node query = iq.children().isEmpty() ? null : iq.children().get(0);
        String ns = query == null ? "" : String.valueOf(query.attr("xmlns"));
        String to = iq.attr("to");
        boolean toServer = jids.server(to) || to.equals(jids.bare(link.address().user()));
        if (!toServer) {
            reply(link, stanzaError(iq, to, "cancel", "service-unavailable"));
            return List.of();
        }
        if (BIND.equals(ns) && "set".equals(type) && !bound(link)) {
            link.state(Streams.BOUND, "1");
            Node jid = text("jid", jids.full(link.address()));
            reply(link, result(iq, el("bind", BIND, jid)));
        } else if ((SESSION.equals(ns) && "set".equals(type)) || (PING.equals(ns) && "get".equals(type))) {
            reply(link, result(iq));
        } else if (DISCO_INFO.equals(ns) && "get".equals(type)) {
            reply(link, result(iq, features.discoInfo(jids.server(to))));
        } else if (DISCO_ITEMS.equals(ns) && "get".equals(type)) {
            reply(link, result(iq, el("query", DISCO_ITEMS)));
        } else if (ROSTER.equals(ns)) {
            return roster.rosterIq(iq, query, link);
        } else if (CarbonFrames.NS.equals(ns)) {
            reply(link, carbons.toggle(iq, query, link));
        } else if (UploadFrames.NS.equals(ns) && jids.server(to)) {
            return upload.request(iq, query, link);
        } else {
            reply(link, stanzaError(iq, to == null ? jids.domain() : to, "cancel", "service-unavailable"));
        }
        return List.of();
    }

    /** An iq to another device's full JID: relayed to it by the server, the sender stamped (RFC 6120 §10.5.4). */
    private List<Node> between(Node iq, String device, Link link) {
        String type = iq.attr("type");
        if (iq.attr("id") == null || iq.attr("id").isEmpty() || !java.util.Set.of("get", "set", "result", "error").contains(type)) {
            reply(link, stanzaError(iq, iq.attr("to"), "modify", "bad-request"));
            return List.of();
        }
        java.util.LinkedHashMap<String, String> a = new java.util.LinkedHashMap<>();
        a.put("to", device);
        a.put("id", iq.attr("id"));
        a.put("type", type);
        return List.of(new Node("iq", a, iq.children(), null));
    }

    private Node result(Node iq, Node... children) {
        java.util.LinkedHashMap<String, String> a = new java.util.LinkedHashMap<>();
        a.put("type", "result");
        a.put("id", iq.attr("id") == null ? "" : iq.attr("id"));
        if (iq.attr("to") != null) {
            a.put("from", iq.attr("to"));
        }
        return new Node("iq", a, List.of(children), null);
    }

    private List<Node> message(Node message, Link link) {
        String to = jids.recipient(message.attr("to"));
        if (to == null) {
            reply(link, stanzaError(message, message.attr("to") == null ? jids.domain() : message.attr("to"), "cancel",
                    message.attr("to") == null ? "jid-malformed" : "item-not-found"));
            return List.of();
        }
        if ("groupchat".equals(message.attr("type"))) {
            reply(link, stanzaError(message, message.attr("to"), "cancel", "feature-not-implemented"));
            return List.of();
        }
        Node body = child(message, "body", null);
        if (body != null && body.content() != null) {
            String id = message.attr("id");
            if (id == null || id.isEmpty() || id.length() > 64) {
                id = "x" + Long.toHexString(System.nanoTime()); // Switchboard's message ids are 1-64 characters
            }
            return List.of(Node.withContent("message", body.content(), "to", to, "id", id,
                    "private", CarbonFrames.isPrivate(message) ? "1" : null));
        }
        Node state = childIn(message, CHATSTATES);
        if (state != null) {
            String s = XEP_0085_STATES.contains(state.tag()) ? state.tag() : "active";
            return List.of(Node.of("chatstate", "to", Address.isUserId(to) ? to : to.substring(0, to.indexOf('/')),
                    "state", s));
        }
        Node displayed = child(message, "displayed", MARKERS);
        if (displayed != null && displayed.attr("id") != null && to.indexOf('/') > 0) {
            return List.of(Node.of("receipt", "type", "read", "to", to, "id", displayed.attr("id")));
        }
        return List.of(); // a delivery receipt from the client: the server sends its own once the device confirmed
    }

    private List<Node> presence(Node presence, Link link) {
        return roster.presence(presence, link);
    }
}
