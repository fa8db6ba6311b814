package dev.switchboard.protocol.xmpp.internal;

import static dev.switchboard.protocol.xmpp.internal.Xmpp.*;

import dev.switchboard.api.protocol.Link;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.protocol.xmpp.wire.XmppFrames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Switchboard's stanzas for an XMPP client (docs/XMPP.md has the table). A queued stanza (one with a
 * {@code seq}) is confirmed as soon as it is written: a client without stream management has no way
 * to confirm, so, as on any XMPP server without XEP-0198, what is written counts as delivered.
 */
final class ServerFrames {

    private final Jids jids;
    private final InBandRegistration registration;
    private final RosterFrames roster;
    private final UploadFrames upload;
    private final CarbonFrames carbons;

    ServerFrames(Jids jids, InBandRegistration registration, RosterFrames roster, UploadFrames upload, CarbonFrames carbons) {
        this.jids = jids;
        this.registration = registration;
        this.roster = roster;
        this.upload = upload;
        this.carbons = carbons;
    }

    List<Node> outbound(Node stanza, Link link) {
        List<Node> frames = switch (stanza.tag()) {
            case "error" -> streamError(stanza, link);
            case "challenge" -> challenge(stanza, link);
            case "success" -> {
                link.state(Streams.LOGIN_MS, Long.toString(System.currentTimeMillis()));
                boolean plain = link.state(PlainLogin.FIRST_BARE) != null;
                link.state(PlainLogin.FIRST_BARE, null);
                yield List.of(sasl("success", plain ? null : stanza.content())); // PLAIN's success carries nothing
            }
            case "failure" -> {
                link.state(PlainLogin.PASSWORD, null);
                link.state(PlainLogin.FIRST_BARE, null);
                yield List.of(saslFailure(stanza), Node.of(XmppFrames.CLOSE));
            }
            case "message" -> List.of(message(stanza, link));
            case "receipt" -> receipt(stanza, link);
            case "presence" -> roster.presence(stanza);
            case "subscription" -> roster.subscription(stanza);
            case "carbon" -> carbons.outbound(stanza, link);
            case "iq" -> List.of(new Node("iq", attrs("from", from(stanza.attr("from")), "to", jids.full(link.address()),
                    "id", String.valueOf(stanza.attr("id")), "type", String.valueOf(stanza.attr("type"))), stanza.children(), null));
            case "roster" -> {
                List<Node> answered = "push".equals(stanza.attr("op")) ? roster.push(stanza, link) : answer(stanza, link);
                yield answered == null ? List.of() : answered;
            }
            case "chatstate" -> chatState(stanza, link);
            case "ping" -> List.of(new Node("iq", attrs("type", "get", "id", PING_ID, "from", jids.domain()),
                    List.of(el("ping", PING)), null));
            case "ack" -> ackError(stanza);
            case "result" -> {
                List<Node> answered = answer(stanza, link);
                if (answered != null) {
                    yield answered;
                }
                Node answer = registration == null ? null : registration.answer(stanza, link);
                yield answer == null ? List.of() : List.of(answer);
            }
            default -> List.of(); // results and notifications have no XMPP form here yet
        };
        String seq = stanza.attr("seq");
        if (StreamManagement.on(link) && !frames.isEmpty()) {
            List<Node> counted = StreamManagement.sent(link, frames, seq);
            if (counted != frames || seq == null) {
                return counted; // the client's acknowledgement confirms it
            }
        }
        if (seq != null) {
            link.submit(Node.of("received", "seq", seq)); // nothing will confirm it: written counts as delivered
        }
        return frames;
    }

    /** The answer to a request the dialect sent on ({@link Pending}); null when the id is none of those. */
    private List<Node> answer(Node result, Link link) {
        String what = Pending.take(link, result.attr("id"));
        if (what == null) {
            return null;
        }
        return UploadFrames.answers(what) ? upload.answer(result, what, link) : roster.answer(result, what, link);
    }

    private List<Node> streamError(Node error, Link link) {
        List<Node> frames = new ArrayList<>(3);
        if (link.state(Streams.OPEN) == null) {
            link.state(Streams.OPEN, "1");
            frames.add(Streams.header(jids, link)); // an error before the client's header still opens a stream (RFC 6120 §4.9.1.2)
        }
        String text = error.attr("text") == null ? "" : error.attr("text");
        Node condition = el(condition(error.attr("code")), STREAMS);
        Node description = text("text", text, "xmlns", STREAMS);
        frames.add(new Node("stream:error", null, List.of(condition, description), null));
        frames.add(Node.of(XmppFrames.CLOSE));
        return frames;
    }

    /** Switchboard's closing error codes (docs/PROTOCOL.md §9) as RFC 6120 §4.9.3 stream error conditions. */
    static String condition(String code) {
        if (code == null) {
            return "undefined-condition";
        }
        return switch (code) {
            case "not-well-formed", "bad-value", "truncated", "unknown-token" -> "not-well-formed";
            case "restricted-xml" -> "restricted-xml";
            case "frame-too-large", "bad-nesting", "slow-consumer", "kicked", "encryption-required", "policy-violation",
                    "too-many-connections" -> "policy-violation";
            case "conflict" -> "conflict";
            case "not-authorized" -> "not-authorized";
            case "shutdown" -> "system-shutdown";
            case "idle-timeout", "login-timeout" -> "connection-timeout";
            case "server-full" -> "resource-constraint";
            case "host-unknown" -> "host-unknown";
            case "unsupported-stanza-type" -> "unsupported-stanza-type";
            case "internal-error", "service-unavailable" -> "internal-server-error";
            default -> "undefined-condition";
        };
    }

    /** SCRAM's challenge goes to the client; for a PLAIN login the server answers it with the password. */
    private static List<Node> challenge(Node challenge, Link link) {
        String password = link.state(PlainLogin.PASSWORD);
        if (password == null) {
            return List.of(sasl("challenge", challenge.content()));
        }
        link.state(PlainLogin.PASSWORD, null);
        String serverFirst = challenge.content() == null ? "" : new String(challenge.content(), java.nio.charset.StandardCharsets.UTF_8);
        String clientFinal = PlainLogin.clientFinal(link.state(PlainLogin.FIRST_BARE), serverFirst, password);
        link.submit(Node.withContent("response", clientFinal.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return List.of();
    }

    /** A SASL element with its data in base64; without data it is empty (RFC 6120 §6.4.6: no "="). */
    private static Node sasl(String tag, byte[] content) {
        if (content == null || content.length == 0) {
            return Node.of(tag, "xmlns", SASL);
        }
        return Xmpp.text(tag, Base64.getEncoder().encodeToString(content), "xmlns", SASL);
    }

    private static Node saslFailure(Node failure) {
        String condition = switch (String.valueOf(failure.attr("code"))) {
            case "throttled", "unavailable" -> "temporary-auth-failure";
            case "malformed" -> "malformed-request";
            default -> "not-authorized";
        };
        List<Node> children = new ArrayList<>(2);
        children.add(Node.of(condition));
        if (failure.attr("text") != null) {
            children.add(Xmpp.text("text", failure.attr("text"), "xml:lang", "en"));
        }
        return new Node("failure", Map.of("xmlns", SASL), children, null);
    }

    private Node message(Node m, Link link) {
        Map<String, String> a = attrs("from", from(m.attr("from")), "to", jids.full(link.address()), "type", "chat");
        if (m.attr("id") != null) {
            a.put("id", m.attr("id"));
        }
        List<Node> children = new ArrayList<>(3);
        String body = m.content() == null ? "" : Xmpp.text(m);
        if ("media".equals(m.attr("type"))) {
            body = (body.isEmpty() ? "" : body + "\n") + "[media " + m.attr("media") + ", " + m.attr("mime") + ", "
                    + m.attr("size") + " bytes]"; // XEP-0363 links: not yet (docs/XMPP.md)
        }
        children.add(Xmpp.text("body", body));
        children.add(el("active", CHATSTATES)); // XEP-0085 §5.1: a message comes from a sender active in the chat
        if (m.attr("group") != null) {
            children.add(Node.of("group", "xmlns", SWITCHBOARD_GROUP, "id", m.attr("group")));
        }
        Node delay = delay(m, link);
        if (delay != null) {
            children.add(delay);
        }
        return new Node("message", a, children, null);
    }

    /** XEP-0203: a message accepted before this login waited offline, and says since when. */
    private Node delay(Node m, Link link) {
        String t = m.attr("t");
        String login = link.state(Streams.LOGIN_MS);
        if (t == null || login == null) {
            return null;
        }
        try {
            long accepted = Long.parseLong(t);
            if (accepted >= Long.parseLong(login)) {
                return null;
            }
            return Node.of("delay", "xmlns", DELAY, "from", jids.domain(), "stamp", Instant.ofEpochMilli(accepted).toString());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private List<Node> receipt(Node r, Link link) {
        Node marker;
        if ("delivered".equals(r.attr("type"))) {
            marker = Node.of("received", "xmlns", RECEIPTS, "id", r.attr("id"));
        } else if ("read".equals(r.attr("type"))) {
            marker = Node.of("displayed", "xmlns", MARKERS, "id", r.attr("id"));
        } else {
            return List.of();
        }
        Map<String, String> a = attrs("from", from(r.attr("from")), "to", jids.full(link.address()), "id",
                "r" + (r.attr("seq") == null ? Long.toHexString(System.nanoTime()) : r.attr("seq")));
        return List.of(new Node("message", a, List.of(marker), null));
    }

    private List<Node> chatState(Node c, Link link) {
        String given = String.valueOf(c.attr("state"));
        String state = given.equals("recording") ? "composing" : ClientFrames.XEP_0085_STATES.contains(given) ? given : "active";
        Map<String, String> a = attrs("from", from(c.attr("from")), "to", jids.full(link.address()), "type", "chat");
        return List.of(new Node("message", a, List.of(el(state, CHATSTATES)), null));
    }

    private List<Node> ackError(Node ack) {
        String error = ack.attr("error");
        if (error == null) {
            return List.of(); // accepted: XMPP has no server acknowledgement without stream management
        }
        String condition = switch (error) {
            case "bad-recipient" -> "item-not-found";
            case "recipient-queue-full" -> "resource-constraint";
            case "not-a-member" -> "forbidden";
            default -> "service-unavailable";
        };
        Node stanza = new Node("message", ack.attr("id") == null ? null : Map.of("id", ack.attr("id")), List.of(), null);
        return List.of(stanzaError(stanza, jids.domain(), "unavailable".equals(error) ? "wait" : "cancel", condition));
    }

    /** A Switchboard device address ({@code user/device}) or account as a JID. */
    private String from(String address) {
        if (address == null) {
            return jids.domain();
        }
        try {
            return jids.full(Address.parse(address));
        } catch (IllegalArgumentException e) {
            return Address.isUserId(address) ? jids.bare(address) : jids.domain();
        }
    }

    private static Map<String, String> attrs(String... namesAndValues) {
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            out.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return out;
    }
}
