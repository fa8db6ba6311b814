package dev.switchboard.loadgen;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A worker that speaks XMPP (RFC 6120) instead of Switchboard's binary protocol, to measure
 * Switchboard's XMPP listener and a peer server (ejabberd) with one and the same driver: the pairs
 * scenario, and logins alone. Each account registers in band (XEP-0077), logs in with SASL SCRAM-SHA-256 (both
 * servers offer it without TLS on loopback; PLAIN where a server offers nothing else), binds a
 * resource and sends initial presence; then partners
 * exchange chat messages whose body carries the send time. An XMPP server has no per-message ack,
 * so a message counts as acknowledged when its partner has it, and the window closes on arrival,
 * as it does on the receipt for Switchboard. The parser knows only what this exchange needs.
 *
 * <p>The logins scenario measures logins without registration: the accounts exist (an earlier
 * pairs run on the same server registered them); each connection logs in, binds, sends its initial
 * presence and holds, sending nothing.
 */
public final class XmppWorker {

    private static final String DOMAIN = "localhost";
    private static final String STREAM = "<?xml version='1.0'?><stream:stream to='" + DOMAIN
            + "' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";

    private enum Phase { CONNECTING, REGISTERING, AUTHENTICATING, BINDING, READY, CLOSED }

    private static final class Conn {
        final String user;
        final String partnerJid;
        Conn partner;
        SocketChannel channel;
        Phase phase = Phase.CONNECTING;
        final StringBuilder in = new StringBuilder();
        int scanned;
        ByteBuffer pending;
        boolean restarted;
        dev.switchboard.client.scram.ScramClient scram;
        int undelivered;
        long nextSeq;
        long loginStartedNanos;

        Conn(String user, String partner) {
            this.user = user;
            this.partnerJid = partner + "@" + DOMAIN + "/l";
        }
    }

    private final WorkerSpec spec;
    private final Selector selector;
    private final List<Conn> connections = new ArrayList<>();
    private final Interval stats = new Interval();
    private final ByteBuffer readBuf = ByteBuffer.allocateDirect(64 * 1024);
    private final String runTag = Long.toString(System.currentTimeMillis(), 36) + "-";
    /** Salted passwords by salt: every account has the same password, and a server may reuse a salt. */
    private final Map<String, byte[]> saltedCache = new HashMap<>();
    /** Whether the server's first features offered SCRAM-SHA-256 (else PLAIN is used). */
    private boolean scram;
    private int ready;
    /** Connections that failed (each counted as an error): the run starts once the rest are ready. */
    private int lost;
    private int roundRobin;
    private long sendStartNanos;
    private long sentTotal;
    /** Messages that reached their partner (with receipts a window can close before: a server may send the receipt once written). */
    private long deliveredTotal;

    private XmppWorker(WorkerSpec spec) throws IOException {
        this.spec = spec;
        this.selector = Selector.open();
        Map<String, Conn> byUser = new HashMap<>();
        for (int i = 0; i < spec.connections(); i++) {
            int n = spec.firstUser() + i;
            Conn c = new Conn(WorkerSpec.user(n), WorkerSpec.user(n ^ 1));
            connections.add(c);
            byUser.put(c.user, c);
        }
        for (Conn c : connections) {
            c.partner = byUser.get(c.partnerJid.substring(0, c.partnerJid.indexOf('@')));
        }
    }

    public static void main(String[] args) throws Exception {
        WorkerSpec spec = WorkerSpec.fromArgs(args);
        if (spec.scenario() != Scenario.PAIRS && spec.scenario() != Scenario.LOGINS) {
            throw new IllegalArgumentException("the XMPP driver runs the pairs and logins scenarios only");
        }
        new XmppWorker(spec).run();
    }

    private void run() throws IOException {
        long started = System.nanoTime();
        long hardStop = started + (spec.seconds() + 300) * 1_000_000_000L;
        long nextReport = started + 1_000_000_000L;
        long runUntil = Long.MAX_VALUE;
        int opened = 0;
        while (System.nanoTime() < hardStop) {
            while (opened < connections.size() && opened - ready - lost < 256) {
                open(connections.get(opened++), opened);
            }
            if (runUntil == Long.MAX_VALUE && System.nanoTime() - started > 60_000_000_000L) {
                for (Conn c : connections) {
                    if (c.phase != Phase.READY && c.phase != Phase.CLOSED) {
                        lost(c, "not logged in within 60 s"); // the server kept it waiting: counted, not waited for
                    }
                }
            }
            selector.select(1);
            for (SelectionKey key : selector.selectedKeys()) {
                handle(key);
            }
            selector.selectedKeys().clear();
            long now = System.nanoTime();
            if (ready > 0 && ready + lost == connections.size() && runUntil == Long.MAX_VALUE) {
                runUntil = now + spec.seconds() * 1_000_000_000L;
                sendStartNanos = now;
                System.out.println("READY " + ready);
            }
            if (sendStartNanos != 0 && now < runUntil && spec.scenario() == Scenario.PAIRS) {
                send(now);
            }
            flush();
            if (now >= nextReport) {
                System.out.println("STAT " + stats.drain(ready, connections.size() - ready));
                System.out.flush();
                nextReport += 1_000_000_000L;
            }
            if (now >= runUntil && ((undelivered() == 0 && deliveredTotal >= sentTotal) || now >= runUntil + 5_000_000_000L)) {
                break;
            }
        }
        System.out.println("STAT " + stats.drain(ready, connections.size() - ready));
        System.out.println("DONE");
        System.out.flush();
    }

    private int undelivered() {
        int n = 0;
        for (Conn c : connections) {
            n += c.undelivered;
        }
        return n;
    }

    private void open(Conn c, int n) throws IOException {
        SocketChannel ch = SocketChannel.open();
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        String[] quad = spec.source().split("\\.");
        ch.bind(new InetSocketAddress("127." + (n / 900) + ".0." + quad[3], 0));
        c.channel = ch;
        c.loginStartedNanos = System.nanoTime();
        if (ch.connect(new InetSocketAddress(spec.host(), spec.port()))) {
            ch.register(selector, SelectionKey.OP_READ, c);
            write(c, STREAM);
        } else {
            ch.register(selector, SelectionKey.OP_CONNECT, c);
        }
    }

    private void handle(SelectionKey key) {
        Conn c = (Conn) key.attachment();
        try {
            if (key.isConnectable() && c.channel.finishConnect()) {
                key.interestOps(SelectionKey.OP_READ);
                write(c, STREAM);
            }
            if (key.isValid() && key.isReadable()) {
                read(c, key);
            }
        } catch (IOException e) {
            lost(c, e.toString());
        }
    }

    private void read(Conn c, SelectionKey key) throws IOException {
        readBuf.clear();
        int n = c.channel.read(readBuf);
        if (n < 0) {
            lost(c, "server closed the connection");
            return;
        }
        readBuf.flip();
        byte[] bytes = new byte[readBuf.remaining()];
        readBuf.get(bytes);
        c.in.append(new String(bytes, StandardCharsets.UTF_8));
        String element;
        while ((element = nextElement(c)) != null && c.phase != Phase.CLOSED) {
            onElement(c, element);
        }
    }

    /** The next complete top-level element of the stream, or null; skips the XML and stream headers. */
    private static String nextElement(Conn c) {
        StringBuilder b = c.in;
        int start = b.indexOf("<", c.scanned);
        while (start >= 0 && (at(b, start, "<?") || at(b, start, "<stream:stream"))) {
            int end = b.indexOf(">", start);
            if (end < 0) {
                return null;
            }
            start = b.indexOf("<", end + 1);
        }
        if (start < 0) {
            b.setLength(0);
            c.scanned = 0;
            return null;
        }
        int depth = 0;
        int at = start;
        while (true) {
            int open = b.indexOf("<", at);
            if (open < 0) {
                return null;
            }
            int close = b.indexOf(">", open);
            if (close < 0) {
                return null;
            }
            if (b.charAt(open + 1) == '/') {
                depth--;
            } else if (b.charAt(close - 1) != '/') {
                depth++;
            }
            at = close + 1;
            if (depth <= 0) {
                String element = b.substring(start, at);
                b.delete(0, at);
                c.scanned = 0;
                return element;
            }
        }
    }

    private static boolean at(StringBuilder b, int index, String prefix) {
        return b.length() >= index + prefix.length() && b.substring(index, index + prefix.length()).equals(prefix);
    }

    private void closeWindow(Conn sender) {
        if (sender != null && sender.undelivered > 0) {
            sender.undelivered--;
            stats.acked(false);
        }
    }

    private void authenticate(Conn c) {
        c.phase = Phase.AUTHENTICATING;
        if (scram) {
            c.scram = new dev.switchboard.client.scram.ScramClient(c.user, spec.password(),
                    dev.switchboard.client.scram.ScramClient.nonce(), saltedCache);
            write(c, "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-256'>"
                    + b64(c.scram.clientFirst()) + "</auth>");
        } else {
            write(c, "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>"
                    + b64("\0" + c.user + "\0" + spec.password()) + "</auth>");
        }
    }

    private void onElement(Conn c, String e) {
        if (e.startsWith("<message")) {
            int body = e.indexOf("<body>");
            int end = e.indexOf("</body>", body);
            if (body >= 0 && end > body) {
                String text = e.substring(body + 6, end);
                long sentAt = Long.parseLong(text.substring(0, text.indexOf(':')), 16);
                stats.delivered(System.nanoTime() - sentAt);
                deliveredTotal++;
                if (spec.receipts()) {
                    int id = e.indexOf(" id=");
                    String quoted = id < 0 ? null : e.substring(id + 4, e.indexOf(e.charAt(id + 4), id + 5) + 1);
                    if (quoted != null) {
                        write(c, "<message to='" + c.partnerJid + "'><received xmlns='urn:xmpp:receipts' id=" + quoted + "/></message>");
                    }
                    return;
                }
                closeWindow(c.partner); // no server ack in XMPP: arrival is the acknowledgement
            } else if (spec.receipts() && e.contains("<received") && e.contains("urn:xmpp:receipts")) {
                closeWindow(c); // the receipt of one of this connection's messages
            }
        } else if (e.startsWith("<stream:features")) {
            if (!c.restarted) {
                scram = e.contains(">SCRAM-SHA-256<");
                if (spec.scenario() == Scenario.LOGINS) {
                    authenticate(c); // the account exists
                    return;
                }
                c.phase = Phase.REGISTERING;
                write(c, "<iq type='set' id='reg'><query xmlns='jabber:iq:register'><username>" + c.user
                        + "</username><password>" + spec.password() + "</password></query></iq>");
            } else {
                c.phase = Phase.BINDING;
                write(c, "<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>l</resource></bind></iq>");
            }
        } else if (e.startsWith("<iq")) {
            if (e.contains("id='reg'") || e.contains("id=\"reg\"")) {
                authenticate(c); // registered now, or already (a conflict): log in either way
            } else if (e.contains("id='bind'") || e.contains("id=\"bind\"")) {
                if (e.contains("type='error'") || e.contains("type=\"error\"")) {
                    lost(c, "bind failed: " + e);
                    return;
                }
                write(c, "<presence/>");
                c.phase = Phase.READY;
                ready++;
                stats.login(false, System.nanoTime() - c.loginStartedNanos);
            } else if (e.contains("type='get'") || e.contains("type=\"get\"")) {
                int id = e.indexOf("id=");
                String quoted = id < 0 ? "''" : e.substring(id + 3, e.indexOf(e.charAt(id + 3), id + 4) + 1);
                write(c, "<iq type='result' id=" + quoted + "/>"); // a ping or disco from the server
            }
        } else if (e.startsWith("<challenge") && c.scram != null) {
            String data = e.substring(e.indexOf('>') + 1, e.lastIndexOf("</challenge>"));
            String serverFirst = new String(Base64.getDecoder().decode(data.strip()), StandardCharsets.UTF_8);
            write(c, "<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" + b64(c.scram.clientFinal(serverFirst)) + "</response>");
        } else if (e.startsWith("<success")) {
            c.scram = null;
            c.restarted = true;
            write(c, STREAM);
        } else if (e.startsWith("<failure") || e.startsWith("<stream:error")) {
            lost(c, e);
        }
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private void send(long now) {
        long due = spec.rate() == 0 ? Long.MAX_VALUE : (now - sendStartNanos) / 1000 * spec.rate() / 1_000_000 - sentTotal;
        int budget = (int) Math.min(due, 4L * connections.size());
        for (int tried = 0; budget > 0 && tried < connections.size(); tried++) {
            Conn c = connections.get(roundRobin++ % connections.size());
            if (c.phase != Phase.READY || c.undelivered >= spec.window()) {
                continue;
            }
            c.undelivered++;
            c.nextSeq++;
            write(c, "<message to='" + c.partnerJid + "' type='chat' id='" + runTag + c.nextSeq + "'><body>"
                    + Long.toHexString(System.nanoTime()) + ":" + c.nextSeq + "</body>"
                    + (spec.receipts() ? "<request xmlns='urn:xmpp:receipts'/>" : "") + "</message>");
            stats.sent();
            sentTotal++;
            budget--;
            if (spec.rate() == 0) {
                tried = -1;
            }
        }
    }

    /** Gathers text for a connection; {@link #flush} writes it at the end of the loop turn. */
    private final List<Conn> dirty = new ArrayList<>();

    private void write(Conn c, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (c.pending == null) {
            c.pending = ByteBuffer.allocate(Math.max(1024, bytes.length));
            dirty.add(c);
        } else if (c.pending.remaining() < bytes.length) {
            c.pending = ByteBuffer.allocate(Math.max(c.pending.capacity() * 2, c.pending.position() + bytes.length))
                    .put(c.pending.flip());
        }
        c.pending.put(bytes);
    }

    private void flush() {
        for (Conn c : dirty) {
            ByteBuffer b = c.pending;
            c.pending = null;
            if (b == null || c.phase == Phase.CLOSED) {
                continue;
            }
            b.flip();
            try {
                // blocking briefly on a full socket buffer is acceptable for a driver; it keeps the code small
                for (int spins = 0; b.hasRemaining() && spins < 100_000; spins++) {
                    c.channel.write(b);
                }
                if (b.hasRemaining()) {
                    lost(c, "socket stayed full");
                }
            } catch (IOException e) {
                lost(c, e.toString());
            }
        }
        dirty.clear();
    }

    private void lost(Conn c, String why) {
        if (c.phase == Phase.CLOSED) {
            return;
        }
        stats.error(c.user + ": " + why);
        if (c.phase == Phase.READY) {
            ready--;
        }
        lost++;
        c.phase = Phase.CLOSED;
        try {
            c.channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
