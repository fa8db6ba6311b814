package dev.switchboard.protocol.xmpp.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.protocol.Link;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.protocol.xmpp.wire.XmppFrames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dialect against a recording link: what an XMPP client's frames become, and what it is sent. */
class XmppDialectTest {

    /** A connection as the transport would present it, recording what the dialect does. */
    static final class FakeLink implements Link {
        Address address;
        final Map<String, String> state = new HashMap<>();
        final List<Node> replies = new ArrayList<>();
        final List<Node> submitted = new ArrayList<>();
        String failed;
        boolean closed;
        boolean secure;
        boolean tlsAvailable = true;
        boolean plainAllowed = true;

        @Override public Address address() { return address; }
        @Override public String state(String key) { return state.get(key); }
        @Override public void state(String key, String value) { if (value == null) state.remove(key); else state.put(key, value); }
        @Override public String update(String key, java.util.function.UnaryOperator<String> change) {
            String v = change.apply(state.get(key));
            state(key, v);
            return v;
        }
        @Override public void reply(Node frame) { replies.add(frame); }
        @Override public void submit(Node stanza) { submitted.add(stanza); }
        @Override public boolean secure() { return secure; }
        @Override public boolean canStartTls() { return tlsAvailable && !secure; }
        @Override public boolean plainAllowed() { return plainAllowed; }
        @Override public boolean startTls() { secure = true; return true; }
        @Override public void close() { closed = true; }
        @Override public void fail(String code, String text) { failed = code; }
        @Override public String remote() { return "test"; }
        /** What the transport keeps of ended connections, by token, with the device it was. */
        final Map<String, Map.Entry<Address, Map<String, String>>> kept = new HashMap<>();
        @Override public Map<String, String> takeOver(String token) {
            Map.Entry<Address, Map<String, String>> k = kept.get(token);
            if (k == null || !k.getKey().equals(address)) {
                return null;
            }
            kept.remove(token);
            return k.getValue();
        }

        /** The connection ends (the transport parks a resumable state) and the same client comes back on a new one. */
        FakeLink endedThenNew() {
            FakeLink next = new FakeLink();
            if (state.get(Link.RESUMABLE) != null) {
                next.kept.put(state.get(Link.RESUMABLE), Map.entry(address, Map.copyOf(state)));
            }
            return next;
        }
    }

    private final XmppDialect dialect = new XmppDialect("localhost", true);
    private final FakeLink link = new FakeLink();

    private static Node sasl(String tag, String text, String... attrs) {
        Node n = Node.withContent(tag, Base64.getEncoder().encode(text.getBytes(StandardCharsets.UTF_8)), attrs);
        return n.with("xmlns", Xmpp.SASL);
    }

    private void loggedInAndBound() {
        dialect.inbound(Node.of(XmppFrames.OPEN, "to", "localhost"), link);
        link.address = new Address("15550001", 2);
        dialect.outbound(Node.withContent("success", "v=abc".getBytes(StandardCharsets.UTF_8)), link);
        dialect.inbound(Node.of(XmppFrames.OPEN, "to", "localhost"), link);
        Node bind = new Node("iq", Map.of("type", "set", "id", "b1"), List.of(Xmpp.el("bind", Xmpp.BIND)), null);
        dialect.inbound(bind, link);
        link.replies.clear();
    }

    @Test
    void scramPassesThroughAsSwitchboardsLogin() {
        assertEquals(List.of(), dialect.inbound(Node.of(XmppFrames.OPEN, "to", "localhost"), link));
        assertEquals(XmppFrames.OPEN, link.replies.get(0).tag());
        assertEquals("stream:features", link.replies.get(1).tag());
        List<Node> auth = dialect.inbound(sasl("auth", "n,,n=15550001.2,r=abcdefgh12345678", "mechanism", "SCRAM-SHA-256"), link);
        assertEquals(1, auth.size());
        assertEquals("auth", auth.get(0).tag());
        assertEquals("15550001", auth.get(0).attr("user"));
        assertEquals("2", auth.get(0).attr("device"));
        assertEquals("later", auth.get(0).attr("deliveries"), "the queue waits for the initial presence");
        assertEquals("n,,n=15550001.2,r=abcdefgh12345678", new String(auth.get(0).content(), StandardCharsets.UTF_8));

        List<Node> challenge = dialect.outbound(Node.withContent("challenge", "r=x,s=y,i=4096".getBytes(StandardCharsets.UTF_8)), link);
        assertEquals("challenge", challenge.get(0).tag());
        assertEquals(Xmpp.SASL, challenge.get(0).attr("xmlns"));
        List<Node> failure = dialect.outbound(Node.of("failure", "code", "not-authorized", "text", "wrong"), link);
        assertEquals("failure", failure.get(0).tag());
        assertEquals("not-authorized", failure.get(0).children().get(0).tag());
        assertEquals(XmppFrames.CLOSE, failure.get(1).tag());
    }

    @Test
    void tlsFirstWhereRequiredThenPlainPlaysTheScramLogin() {
        link.plainAllowed = false;
        dialect.inbound(Node.of(XmppFrames.OPEN), link);
        Node features = link.replies.get(1);
        assertNotNull(Xmpp.child(Xmpp.child(features, "starttls", Xmpp.TLS), "required", null));
        assertNull(Xmpp.child(features, "mechanisms", Xmpp.SASL), "no mechanism before TLS where TLS is required");
        assertEquals(List.of(), dialect.inbound(sasl("auth", "\0" + "15550001\0pw", "mechanism", "PLAIN"), link));
        assertEquals("encryption-required", link.replies.get(2).children().get(0).tag());

        dialect.inbound(Node.of("starttls", "xmlns", Xmpp.TLS), link);
        assertEquals("proceed", link.replies.get(3).tag());
        assertTrue(link.secure);
        assertNull(link.state(Streams.OPEN), "the client opens a new stream over TLS");
        link.replies.clear();
        dialect.inbound(Node.of(XmppFrames.OPEN), link);
        Node mechanisms = Xmpp.child(link.replies.get(1), "mechanisms", Xmpp.SASL);
        assertEquals(2, mechanisms.children().size(), "SCRAM-SHA-256 and, under TLS, PLAIN");

        List<Node> auth = dialect.inbound(sasl("auth", "\0" + "15550001.3\0secret-pw", "mechanism", "PLAIN"), link);
        assertEquals("15550001", auth.get(0).attr("user"));
        assertEquals("3", auth.get(0).attr("device"));
        assertTrue(new String(auth.get(0).content(), StandardCharsets.UTF_8).startsWith("n,,n=15550001.3,r="));
        String nonce = new String(auth.get(0).content(), StandardCharsets.UTF_8).split("r=")[1];
        String serverFirst = "r=" + nonce + "srv,s=" + Base64.getEncoder().encodeToString(new byte[16]) + ",i=4096";
        assertEquals(List.of(), dialect.outbound(Node.withContent("challenge", serverFirst.getBytes(StandardCharsets.UTF_8)), link),
                "the client is not asked: the server answers with the password");
        assertNull(link.state(PlainLogin.PASSWORD), "the password is gone once used");
        Node response = link.submitted.get(0);
        assertEquals("response", response.tag());
        assertTrue(new String(response.content(), StandardCharsets.UTF_8).startsWith("c=biws,r=" + nonce + "srv,p="));
        List<Node> success = dialect.outbound(Node.withContent("success", "v=sig".getBytes(StandardCharsets.UTF_8)), link);
        assertNull(success.get(0).content(), "PLAIN's success carries no data: an empty element");
    }

    @Test
    void inBandRegistrationDerivesTheCredentialAndAnswersAsTheIq() {
        link.secure = true;
        dialect.inbound(Node.of(XmppFrames.OPEN), link);
        assertNotNull(Xmpp.child(link.replies.get(1), "register", InBandRegistration.FEATURE));
        Node query = new Node("query", Map.of("xmlns", InBandRegistration.NS),
                List.of(Xmpp.text("username", "15550009"), Xmpp.text("password", "long enough pw")), null);
        List<Node> register = dialect.inbound(new Node("iq", Map.of("type", "set", "id", "r1"), List.of(query), null), link);
        Node r = register.get(0);
        assertEquals("register", r.tag());
        assertEquals("15550009", r.attr("user"));
        assertEquals("SCRAM-SHA-256", r.attr("mechanism"));
        assertNotNull(r.attr("stored-key"));
        assertNull(r.attr("password"), "the password itself goes nowhere");
        Node ok = dialect.outbound(Node.of("result", "id", "r1"), link).get(0);
        assertEquals("result", ok.attr("type"));
        dialect.inbound(new Node("iq", Map.of("type", "set", "id", "r2"), List.of(query), null), link);
        Node taken = dialect.outbound(Node.of("result", "id", "r2", "error", "duplicate"), link).get(0);
        assertEquals("conflict", taken.children().get(0).children().get(0).tag());
        Node weak = new Node("query", Map.of("xmlns", InBandRegistration.NS),
                List.of(Xmpp.text("username", "15550009"), Xmpp.text("password", "short")), null);
        assertEquals(List.of(), dialect.inbound(new Node("iq", Map.of("type", "set", "id", "r3"), List.of(weak), null), link));
    }

    @Test
    void otherMechanismsAreRefusedWithoutClosing() {
        dialect.inbound(Node.of(XmppFrames.OPEN), link);
        assertEquals(List.of(), dialect.inbound(sasl("auth", "\0u\0p", "mechanism", "PLAIN"), link));
        assertEquals("invalid-mechanism", link.replies.get(link.replies.size() - 1).children().get(0).tag());
        assertNull(link.failed);
    }

    @Test
    void stanzasBeforeLoginOrBindEndTheStream() {
        dialect.inbound(Node.of(XmppFrames.OPEN), link);
        dialect.inbound(Node.of("message", "to", "15550002@localhost"), link);
        assertEquals("not-authorized", link.failed);
        assertEquals("not-authorized", ServerFrames.condition(link.failed));
    }

    @Test
    void bindGivesTheDeviceAsResource() {
        dialect.inbound(Node.of(XmppFrames.OPEN, "to", "localhost"), link);
        link.address = new Address("15550001", 2);
        link.replies.clear();
        dialect.inbound(Node.of(XmppFrames.OPEN, "to", "localhost"), link);
        Node features = link.replies.get(1);
        assertNotNull(Xmpp.child(features, "bind", Xmpp.BIND));
        Node bind = new Node("iq", Map.of("type", "set", "id", "b1"), List.of(new Node("bind", Map.of("xmlns", Xmpp.BIND),
                List.of(Xmpp.text("resource", "laptop")), null)), null);
        dialect.inbound(bind, link);
        Node result = link.replies.get(2);
        assertEquals("result", result.attr("type"));
        assertEquals("15550001@localhost/2", Xmpp.text(result.children().get(0).children().get(0)));
        List<Node> initial = dialect.inbound(Node.of("presence"), link);
        assertEquals(List.of("online", "presence"), initial.stream().map(Node::tag).toList());
        assertEquals("available", initial.get(1).attr("type"));
        List<Node> again = dialect.inbound(Node.of("presence"), link);
        assertEquals(List.of("presence"), again.stream().map(Node::tag).toList(), "only the initial presence starts the queue");
    }

    @Test
    void anUploadSlotRequestBecomesAMediaTokenAndASlot() {
        loggedInAndBound();
        Node request = new Node("iq", Map.of("type", "get", "id", "u1", "to", "localhost"), List.of(Node.of("request",
                "xmlns", UploadFrames.NS, "filename", "my photo.jpg", "size", "2048", "content-type", "image/jpeg")), null);
        Node asked = dialect.inbound(request, link).get(0);
        assertEquals(List.of("media", "token"), List.of(asked.tag(), asked.attr("op")));
        Node token = Node.of("result", "id", asked.attr("id"), "token", "T0K", "url", "https://127.0.0.1:5443/media",
                "max", "104857600");
        Node slot = dialect.outbound(token, link).get(0).children().get(0);
        Node put = Xmpp.child(slot, "put", null);
        String url = put.attr("url");
        assertTrue(url.matches("https://127\\.0\\.0\\.1:5443/media/slot/[A-Za-z0-9_-]{24}/my%20photo\\.jpg"), url);
        assertEquals(url, Xmpp.child(slot, "get", null).attr("url"), "the file is fetched where it was put");
        assertEquals("Bearer T0K", Xmpp.text(put.children().get(0)));

        Node big = new Node("iq", Map.of("type", "get", "id", "u2", "to", "localhost"), List.of(Node.of("request",
                "xmlns", UploadFrames.NS, "filename", "big.bin", "size", "999999999")), null);
        Node refused = dialect.outbound(token.with("id", dialect.inbound(big, link).get(0).attr("id")), link).get(0);
        assertEquals("error", refused.attr("type"));
        assertNotNull(Xmpp.child(refused.children().get(0), "file-too-large", UploadFrames.NS));
        Node nameless = new Node("iq", Map.of("type", "get", "id", "u3", "to", "localhost"), List.of(Node.of("request",
                "xmlns", UploadFrames.NS, "filename", "../etc", "size", "1")), null);
        assertEquals(List.of(), dialect.inbound(nameless, link));
    }

    @Test
    void carbonsComeOnlyOnceEnabledAndWrappedAsXep0280Says() {
        loggedInAndBound();
        Node carbon = Node.withContent("carbon", "hi".getBytes(StandardCharsets.UTF_8), "direction", "sent", "from", "15550001/0",
                "to", "15550002", "id", "m1");
        assertEquals(List.of(), dialect.outbound(carbon, link), "not enabled: no copies");
        Node enable = new Node("iq", Map.of("type", "set", "id", "c1"), List.of(Xmpp.el("enable", CarbonFrames.NS)), null);
        assertEquals(List.of(), dialect.inbound(enable, link));
        assertEquals("result", link.replies.get(link.replies.size() - 1).attr("type"));
        Node wrapped = dialect.outbound(carbon, link).get(0);
        assertEquals("15550001@localhost", wrapped.attr("from"));
        Node sent = Xmpp.child(wrapped, "sent", CarbonFrames.NS);
        Node inner = Xmpp.child(Xmpp.child(sent, "forwarded", CarbonFrames.FORWARD), "message", null);
        assertEquals(List.of("15550001@localhost/0", "15550002@localhost", "hi"),
                List.of(inner.attr("from"), inner.attr("to"), Xmpp.text(inner.children().get(0))));

        Node secret = new Node("message", Map.of("to", "15550002@localhost", "id", "m2", "type", "chat"),
                List.of(Xmpp.text("body", "psst"), Xmpp.el("private", CarbonFrames.NS)), null);
        assertEquals("1", dialect.inbound(secret, link).get(0).attr("private"));
        Node disable = new Node("iq", Map.of("type", "set", "id", "c2"), List.of(Xmpp.el("disable", CarbonFrames.NS)), null);
        dialect.inbound(disable, link);
        assertEquals(List.of(), dialect.outbound(carbon, link));
    }

    @Test
    void iqsBetweenDevicesAreRelayedAndComeBackAddressed() {
        loggedInAndBound();
        Node ping = Xmpp.el("ping", Xmpp.PING);
        Node toBob = new Node("iq", Map.of("type", "get", "id", "p1", "to", "15550002@localhost/3"), List.of(ping), null);
        assertEquals(List.of(new Node("iq", Map.of("to", "15550002/3", "id", "p1", "type", "get"), List.of(ping), null)),
                dialect.inbound(toBob, link));
        Node fromBob = new Node("iq", Map.of("from", "15550002/3", "id", "p1", "type", "result"), List.of(), null);
        Node out = dialect.outbound(fromBob, link).get(0);
        assertEquals(List.of("15550002@localhost/3", "15550001@localhost/2", "result"),
                List.of(out.attr("from"), out.attr("to"), out.attr("type")));
        Node toServer = new Node("iq", Map.of("type", "get", "id", "p2", "to", "localhost"), List.of(ping), null);
        assertEquals(List.of(), dialect.inbound(toServer, link), "the server answers its own pings");
        Node noId = new Node("iq", Map.of("type", "get", "to", "15550002@localhost/3"), List.of(ping), null);
        assertEquals(List.of(), dialect.inbound(noId, link));
        assertEquals("error", link.replies.get(link.replies.size() - 1).attr("type"));
    }

    @Test
    void rosterAndSubscriptionsMapBothWays() {
        loggedInAndBound();
        Node get = new Node("iq", Map.of("type", "get", "id", "r1"), List.of(Xmpp.el("query", Xmpp.ROSTER)), null);
        Node asked = dialect.inbound(get, link).get(0);
        assertEquals("get", asked.attr("op"));
        Node answer = new Node("roster", Map.of("op", "result", "id", asked.attr("id")), List.of(new Node("item",
                Node.of("item", "user", "15550002", "name", "Bob", "subscription", "none", "ask", "subscribe").attributes(),
                List.of(Node.of("group", "name", "Friends")), null)), null);
        Node iq = dialect.outbound(answer, link).get(0);
        assertEquals("result", iq.attr("type"));
        assertEquals("r1", iq.attr("id"));
        Node item = iq.children().get(0).children().get(0);
        assertEquals("15550002@localhost", item.attr("jid"));
        assertEquals("subscribe", item.attr("ask"));
        assertEquals("Friends", Xmpp.text(item.children().get(0)));
        assertEquals(List.of(), dialect.outbound(answer, link), "an answer is taken once");

        Node set = new Node("iq", Map.of("type", "set", "id", "r2"), List.of(new Node("query", Map.of("xmlns", Xmpp.ROSTER),
                List.of(new Node("item", Map.of("jid", "15550003@localhost", "name", "Carol"),
                        List.of(Xmpp.text("group", "Work")), null)), null)), null);
        Node setting = dialect.inbound(set, link).get(0);
        assertEquals("set", setting.attr("op"));
        assertEquals("15550003", setting.children().get(0).attr("user"));
        assertEquals("Work", setting.children().get(0).children().get(0).attr("name"));
        Node refused = dialect.outbound(Node.of("result", "id", setting.attr("id"), "error", "limit"), link).get(0);
        assertEquals("error", refused.attr("type"));
        assertEquals("r2", refused.attr("id"));

        Node subscribe = Node.of("presence", "type", "subscribe", "to", "15550002@localhost/7");
        Node request = dialect.inbound(subscribe, link).get(0);
        assertEquals(List.of("subscription", "subscribe", "15550002"), List.of(request.tag(), request.attr("type"), request.attr("to")),
                "a subscription is between accounts: the resource goes");
        assertEquals(List.of(), dialect.outbound(Node.of("result", "id", request.attr("id")), link));
        Node subscribed = dialect.outbound(Node.of("subscription", "type", "subscribed", "from", "15550002"), link).get(0);
        assertEquals(List.of("presence", "subscribed", "15550002@localhost"),
                List.of(subscribed.tag(), subscribed.attr("type"), subscribed.attr("from")));
        Node status = dialect.outbound(Node.of("presence", "from", "15550002", "type", "available", "status", "Look"), link).get(0);
        assertEquals("Look", Xmpp.text(Xmpp.child(status, "status", null)));
        Node push = dialect.outbound(new Node("roster", Map.of("op", "push"), List.of(Node.of("item", "user", "15550002",
                "subscription", "to")), null), link).get(0);
        assertEquals(List.of("iq", "set", "to"), List.of(push.tag(), push.attr("type"),
                push.children().get(0).children().get(0).attr("subscription")));
    }

    @Test
    void messagesMapBothWays() {
        loggedInAndBound();
        Node out = new Node("message", Map.of("to", "15550002@localhost/phone", "id", "m1", "type", "chat"),
                List.of(Xmpp.text("body", "hi")), null);
        List<Node> in = dialect.inbound(out, link);
        assertEquals(List.of(Node.withContent("message", "hi".getBytes(StandardCharsets.UTF_8), "to", "15550002", "id", "m1")), in);
        Node toDevice = out.with("to", "15550002@localhost/3");
        assertEquals("15550002/3", dialect.inbound(toDevice, link).get(0).attr("to"));
        Node elsewhere = out.with("to", "someone@example.org");
        assertEquals(List.of(), dialect.inbound(elsewhere, link));
        assertEquals("error", link.replies.get(link.replies.size() - 1).attr("type"));

        long before = Long.parseLong(link.state.get(Streams.LOGIN_MS)) - 60_000;
        List<Node> delivered = dialect.outbound(Node.withContent("message", "yo".getBytes(StandardCharsets.UTF_8),
                "from", "15550002/3", "id", "m9", "seq", "17", "t", Long.toString(before)), link);
        Node m = delivered.get(0);
        assertEquals("15550002@localhost/3", m.attr("from"));
        assertEquals("15550001@localhost/2", m.attr("to"));
        assertEquals("yo", Xmpp.text(Xmpp.child(m, "body", null)));
        assertNotNull(Xmpp.child(m, "delay", Xmpp.DELAY), "a message from before the login says when it was sent");
        assertEquals(List.of(Node.of("received", "seq", "17")), link.submitted, "written counts as delivered");
    }

    @Test
    void streamManagementConfirmsOnlyWhatTheClientAcknowledged() {
        loggedInAndBound();
        dialect.inbound(Node.of("enable", "xmlns", StreamManagement.NS), link);
        assertEquals("enabled", link.replies.get(0).tag());
        List<Node> first = dialect.outbound(Node.withContent("message", "1".getBytes(StandardCharsets.UTF_8),
                "from", "15550002/0", "id", "a", "seq", "10", "t", "0"), link);
        assertEquals(List.of("message", "r"), first.stream().map(Node::tag).toList(), "a request for an ack follows");
        dialect.outbound(Node.of("presence", "from", "15550003"), link); // counted, nothing to confirm
        dialect.outbound(Node.withContent("message", "2".getBytes(StandardCharsets.UTF_8),
                "from", "15550002/0", "id", "b", "seq", "11", "t", "0"), link);
        assertEquals(List.of(), link.submitted, "nothing is confirmed on write");
        assertEquals(List.of(Node.of("received", "upto", "10")), dialect.inbound(Node.of("a", "xmlns", StreamManagement.NS, "h", "2"), link));
        assertEquals(List.of(), dialect.inbound(Node.of("a", "xmlns", StreamManagement.NS, "h", "2"), link), "an ack repeated confirms nothing new");
        assertEquals(List.of(Node.of("received", "upto", "11")), dialect.inbound(Node.of("a", "xmlns", StreamManagement.NS, "h", "3"), link));
        dialect.inbound(Node.of("a", "xmlns", StreamManagement.NS, "h", "9"), link);
        assertEquals("policy-violation", link.failed, "acknowledging more than was sent ends the stream");

        dialect.inbound(Node.of("iq", "type", "get", "id", "p"), link); // counted as handled
        link.replies.clear();
        dialect.inbound(Node.of("r", "xmlns", StreamManagement.NS), link);
        assertEquals("1", link.replies.get(0).attr("h"));
        List<Node> dropped = dialect.outbound(Node.of("notification", "type", "group-add", "seq", "12"), link);
        assertEquals(List.of(), dropped);
        assertEquals(List.of(Node.of("received", "seq", "12")), link.submitted, "a stanza XMPP has no form for is confirmed at once");
    }

    /** Logs in as the same device on a new connection, without binding. */
    private void loggedIn(FakeLink l) {
        dialect.inbound(Node.of(XmppFrames.OPEN, "to", "localhost"), l);
        l.address = new Address("15550001", 2);
        dialect.outbound(Node.withContent("success", "v=abc".getBytes(StandardCharsets.UTF_8)), l);
        dialect.inbound(Node.of(XmppFrames.OPEN, "to", "localhost"), l);
        l.replies.clear();
    }

    private static Node queued(String body, String seq) {
        return Node.withContent("message", body.getBytes(StandardCharsets.UTF_8), "from", "15550002/0", "id", "m" + seq, "seq", seq, "t", "0");
    }

    @Test
    void aResumedStreamConfirmsWhatTheClientHandledAndCountsOnFromThere() {
        loggedInAndBound();
        dialect.inbound(Node.of("presence"), link);
        dialect.inbound(new Node("presence", Map.of(), List.of(Node.withContent("show", "away".getBytes(StandardCharsets.UTF_8))), null), link);
        dialect.inbound(Node.of("enable", "xmlns", StreamManagement.NS, "resume", "true"), link);
        Node enabled = link.replies.get(link.replies.size() - 1);
        assertEquals("true", enabled.attr("resume"));
        String id = enabled.attr("id");
        assertEquals(32, id.length(), "a 128-bit random stream id");
        dialect.inbound(Node.withContent("message", null, "to", "15550002@localhost"), link); // one handled from the client
        for (int seq = 10; seq <= 13; seq++) {
            dialect.outbound(queued("m", String.valueOf(seq)), link);
        }
        dialect.inbound(Node.of("a", "xmlns", StreamManagement.NS, "h", "1"), link); // acked 10; handled 11, 12 unacked; 13 lost

        FakeLink stranger = link.endedThenNew();
        loggedIn(stranger);
        stranger.address = new Address("15550009", 0);
        assertEquals(List.of(), dialect.inbound(Node.of("resume", "xmlns", StreamManagement.NS, "previd", id, "h", "3"), stranger));
        assertEquals("failed", stranger.replies.get(0).tag(), "another device's stream is not taken over");

        FakeLink next = link.endedThenNew();
        loggedIn(next);
        List<Node> resumed = dialect.inbound(Node.of("resume", "xmlns", StreamManagement.NS, "previd", id, "h", "3"), next);
        assertEquals("resumed", next.replies.get(0).tag());
        assertEquals("1", next.replies.get(0).attr("h"), "the server handled one of the client's stanzas");
        assertEquals(List.of("received", "received", "online", "presence"), resumed.stream().map(Node::tag).toList());
        assertEquals(List.of("11", "12"), resumed.subList(0, 2).stream().map(n -> n.attr("seq")).toList(),
                "what the client handled and had not acknowledged is confirmed");
        assertEquals("away", resumed.get(3).attr("show"), "the presence is announced as it was");

        List<Node> again = dialect.outbound(queued("m", "13"), next);
        assertEquals(List.of("message", "r"), again.stream().map(Node::tag).toList());
        assertEquals(List.of(Node.of("received", "upto", "13")), dialect.inbound(Node.of("a", "xmlns", StreamManagement.NS, "h", "4"), next),
                "the stanza sent again is the client's fourth: counted on from h");
        assertEquals(id, next.state(Link.RESUMABLE), "the resumed stream can be resumed again");

        FakeLink late = link.endedThenNew();
        loggedIn(late);
        assertEquals(List.of(), dialect.inbound(Node.of("resume", "xmlns", StreamManagement.NS, "previd", "0".repeat(32), "h", "0"), late));
        assertEquals("item-not-found", late.replies.get(0).children().get(0).tag());
    }

    @Test
    void aStreamTheClientClosedIsNotResumable() {
        loggedInAndBound();
        dialect.inbound(Node.of("enable", "xmlns", StreamManagement.NS, "resume", "true"), link);
        String id = link.replies.get(0).attr("id");
        dialect.inbound(Node.of(XmppFrames.CLOSE), link);
        FakeLink next = link.endedThenNew();
        loggedIn(next);
        dialect.inbound(Node.of("resume", "xmlns", StreamManagement.NS, "previd", id, "h", "0"), next);
        assertEquals("failed", next.replies.get(0).tag());
    }

    @Test
    void aResumeThatClaimsMoreThanWasSentEndsTheStream() {
        loggedInAndBound();
        dialect.inbound(Node.of("enable", "xmlns", StreamManagement.NS, "resume", "1"), link);
        String id = link.replies.get(0).attr("id");
        dialect.outbound(queued("m", "10"), link);
        FakeLink next = link.endedThenNew();
        loggedIn(next);
        dialect.inbound(Node.of("resume", "xmlns", StreamManagement.NS, "previd", id, "h", "2"), next);
        assertEquals("undefined-condition", next.failed);
    }

    @Test
    void receiptsChatStatesAndMarkers() {
        loggedInAndBound();
        Node receipt = dialect.outbound(Node.of("receipt", "type", "delivered", "from", "15550002/0", "id", "m1", "seq", "5"), link).get(0);
        assertEquals("m1", Xmpp.child(receipt, "received", Xmpp.RECEIPTS).attr("id"));
        Node composing = new Node("message", Map.of("to", "15550002@localhost"),
                List.of(Xmpp.el("composing", Xmpp.CHATSTATES)), null);
        assertEquals(List.of(Node.of("chatstate", "to", "15550002", "state", "composing")), dialect.inbound(composing, link));
        Node displayed = new Node("message", Map.of("to", "15550002@localhost/0"),
                List.of(Node.of("displayed", "xmlns", Xmpp.MARKERS, "id", "m7")), null);
        assertEquals(List.of(Node.of("receipt", "type", "read", "to", "15550002/0", "id", "m7")), dialect.inbound(displayed, link));
    }

    @Test
    void closingErrorsBecomeStreamErrors() {
        List<Node> frames = dialect.outbound(Node.of("error", "code", "conflict", "text", "logged in elsewhere"), link);
        assertEquals(List.of(XmppFrames.OPEN, "stream:error", XmppFrames.CLOSE), frames.stream().map(Node::tag).toList(),
                "an error before the stream opened opens one first");
        assertEquals("conflict", frames.get(1).children().get(0).tag());
    }

    @Test
    void pingsAndUnknownQueries() {
        loggedInAndBound();
        Node ping = new Node("iq", Map.of("type", "get", "id", "p1"), List.of(Xmpp.el("ping", Xmpp.PING)), null);
        dialect.inbound(ping, link);
        assertEquals("result", link.replies.get(0).attr("type"));
        Node vcard = new Node("iq", Map.of("type", "get", "id", "v1"), List.of(Xmpp.el("vCard", "vcard-temp")), null);
        dialect.inbound(vcard, link);
        assertEquals("error", link.replies.get(1).attr("type"));
        assertEquals(List.of(Node.of("pong", "id", "server")),
                dialect.inbound(Node.of("iq", "type", "result", "id", Xmpp.PING_ID), link), "the answer to the server's ping");
    }
}
