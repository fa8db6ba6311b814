package dev.switchboard.loadgen;

import dev.switchboard.api.protocol.Decoded;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.scram.ScramClient;
import dev.switchboard.loadgen.LoadConnection.Phase;
import dev.switchboard.noise.KeyPair25519;
import dev.switchboard.noise.NoiseException;
import dev.switchboard.noise.Pattern;
import dev.switchboard.protocol.binary.wire.BinaryWire;
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
 * One worker process: all its connections on one selector thread, so a worker costs one core at
 * most. Registers and logs in its accounts, runs the scenario, and prints one {@code STAT} line a
 * second for the coordinator (see {@link Interval}). Bounded: it stops after the scenario's time.
 */
public final class Worker {

    private static final int MAX_CONNECTS_IN_FLIGHT = 256;

    private final WorkerSpec spec;
    private final SourcePorts sources;
    private final BinaryWire wire = new BinaryWire();
    /** One static key for all this worker's connections (the server does not check clients' keys). */
    private final KeyPair25519 clientKey = KeyPair25519.generate();
    /** The server's key once the first XX learned it; later connections use IK. */
    private byte[] serverKey;
    private final Map<String, byte[]> saltedCache = new HashMap<>();
    private final Map<String, String> credential;
    private final List<LoadConnection> connections = new ArrayList<>();
    /** Connections with frames gathered this turn. */
    private final List<LoadConnection> gathered = new ArrayList<>();
    private final Selector selector;
    private final Interval stats = new Interval();
    private int connecting;
    private final java.util.ArrayDeque<LoadConnection> toOpen = new java.util.ArrayDeque<>();
    private boolean resumePhaseStarted;
    private int ready;
    private long sendStartNanos;
    private long sentTotal;
    private int roundRobin;
    /** Message ids are unique per run: the server takes a repeated id for a resend and does not deliver it twice. */
    private final String runTag = Long.toString(System.currentTimeMillis(), 36) + "-";

    Worker(WorkerSpec spec) throws IOException {
        this.spec = spec;
        this.sources = new SourcePorts(spec.source());
        this.credential = ScramClient.credential(spec.password(), Base64.getDecoder().decode(spec.salt()), 4096);
        this.selector = Selector.open();
        for (int i = 0; i < spec.connections(); i++) {
            int n = spec.firstUser() + i;
            connections.add(new LoadConnection(i, WorkerSpec.user(n), WorkerSpec.user(n ^ 1)));
        }
        toOpen.addAll(connections);
        Map<String, LoadConnection> byUser = new HashMap<>();
        connections.forEach(c -> byUser.put(c.user, c));
        connections.forEach(c -> c.partnerConnection = byUser.get(c.partner));
    }

    public static void main(String[] args) throws Exception {
        new Worker(WorkerSpec.fromArgs(args)).run();
    }

    void run() throws IOException {
        long started = System.nanoTime();
        long nextReport = started + 1_000_000_000L;
        long runUntil = Long.MAX_VALUE;
        long hardStop = started + (spec.seconds() + 300) * 1_000_000_000L;
        boolean draining = false;
        long drainUntil = Long.MAX_VALUE;
        while (System.nanoTime() < hardStop) {
            long now0 = System.nanoTime();
            if (!draining && now0 >= runUntil) {
                // stop offering; give what is in flight up to 5 s to be acknowledged and delivered
                draining = true;
                drainUntil = now0 + 5_000_000_000L;
                if (spec.scenario() == Scenario.OFFLINE) {
                    comeBackOnline();
                    drainUntil = now0 + 120_000_000_000L; // replaying the queues takes longer
                }
            }
            if (draining && (now0 >= drainUntil || inFlight() == 0)) {
                break;
            }
            openMore();
            selector.select(1);
            for (SelectionKey key : selector.selectedKeys()) {
                handle(key);
            }
            selector.selectedKeys().clear();
            long now = System.nanoTime();
            if (ready == connections.size() && runUntil == Long.MAX_VALUE) {
                runUntil = now + spec.seconds() * 1_000_000_000L;
                sendStartNanos = now;
                System.out.println("READY " + ready);
                if (spec.scenario() == Scenario.OFFLINE) {
                    goOffline();
                }
                if (spec.scenario() == Scenario.GROUPS) {
                    createGroups();
                }
            }
            if (spec.scenario().sendsMessages() && sendStartNanos != 0 && !draining) {
                send(now);
            }
            flushGathered();
            if (now >= nextReport) {
                System.out.println("STAT " + stats.drain(ready, connecting));
                System.out.flush();
                nextReport += 1_000_000_000L;
            }
        }
        System.out.println("STAT " + stats.drain(ready, connecting));
        System.out.println("DONE");
        System.out.flush();
    }

    /** OFFLINE scenario: every odd connection (a recipient) disconnects; it comes back with its token. */
    private void goOffline() {
        for (LoadConnection c : connections) {
            if (c.local % 2 == 1) {
                c.resuming = true;
                c.phase = Phase.CLOSED;
                c.close(c.channel.keyFor(selector));
                ready--;
            }
        }
    }

    /** GROUPS scenario: the first connection of each block of group-size connections makes the group. */
    private void createGroups() throws IOException {
        for (int first = 0; first < connections.size(); first += spec.groupSize()) {
            LoadConnection leader = connections.get(first);
            List<String> members = new ArrayList<>();
            for (int i = first + 1; i < Math.min(first + spec.groupSize(), connections.size()); i++) {
                members.add(connections.get(i).user);
            }
            write(leader, leader.channel.keyFor(selector), Node.of("group", "type", "create", "subject", "load",
                    "members", String.join(",", members), "id", "grp"));
        }
    }

    private void comeBackOnline() {
        for (LoadConnection c : connections) {
            if (c.local % 2 == 1 && c.phase == Phase.CLOSED) {
                toOpen.add(c);
            }
        }
    }

    private int inFlight() {
        int n = 0;
        for (LoadConnection c : connections) {
            n += c.phase == Phase.READY ? c.outstanding : 0;
        }
        return n + (int) Math.max(0, stats.unmatched());
    }

    private void openMore() throws IOException {
        while (!toOpen.isEmpty() && connecting < MAX_CONNECTS_IN_FLIGHT) {
            open(toOpen.poll());
        }
    }

    private void open(LoadConnection c) throws IOException {
        SocketChannel ch = SocketChannel.open();
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        sources.bind(ch, c.local);
        c.channel = ch;
        c.noise = null;
        c.in = ByteBuffer.allocate(512);
        c.out.clear();
        c.phase = Phase.CONNECTING;
        c.loginStartedNanos = System.nanoTime();
        connecting++;
        if (ch.connect(new InetSocketAddress(spec.host(), spec.port()))) {
            connected(c, ch.register(selector, SelectionKey.OP_READ, c));
        } else {
            ch.register(selector, SelectionKey.OP_CONNECT, c);
        }
    }

    private void handle(SelectionKey key) {
        LoadConnection c = (LoadConnection) key.attachment();
        try {
            if (key.isConnectable() && c.channel.finishConnect()) {
                key.interestOps(SelectionKey.OP_READ);
                connected(c, key);
            }
            if (key.isValid() && key.isWritable()) {
                c.flush(key);
            }
            if (key.isValid() && key.isReadable()) {
                read(c, key);
            }
        } catch (IOException e) {
            lost(c, key, e.toString());
        }
    }

    private void connected(LoadConnection c, SelectionKey key) throws IOException {
        if (spec.encrypted()) {
            startHandshake(c, key, serverKey != null ? Pattern.IK : Pattern.XX);
            return;
        }
        logIn(c, key);
    }

    /** The worker's first connection learns the server's key with XX; the rest use IK, as a returning client does. */
    private void startHandshake(LoadConnection c, SelectionKey key, Pattern pattern) throws IOException {
        c.noise = new LoadNoise(pattern, clientKey, serverKey);
        c.phase = Phase.HANDSHAKING;
        c.write(key, c.noise.firstMessage());
    }

    /** Reads the server's handshake messages; @return true once the keys are in place (and the login is under way). */
    private boolean handshake(LoadConnection c, SelectionKey key) throws IOException, NoiseException {
        byte[] message;
        while ((message = LoadNoise.nextMessage(c.in)) != null) {
            if (message.length == 0) { // the server does not hold the key IK used: XX on the same connection
                serverKey = null;
                startHandshake(c, key, Pattern.XX);
                continue;
            }
            ByteBuffer reply = c.noise.read(message);
            if (reply != null) {
                c.write(key, reply);
            }
            if (c.noise.ready()) {
                if (serverKey == null) {
                    serverKey = c.noise.serverKey();
                }
                logIn(c, key);
                return true;
            }
        }
        return false;
    }

    private void logIn(LoadConnection c, SelectionKey key) throws IOException {
        gather(c, ByteBuffer.wrap(wire.preamble(1))); // inside the records on an encrypted connection
        if (c.resuming && c.token != null) {
            c.phase = Phase.AUTHENTICATING;
            write(c, key, Node.of("auth", "mechanism", "TOKEN", "user", c.user, "device", "0", "token", c.token));
        } else {
            c.phase = Phase.REGISTERING;
            Map<String, String> attrs = new java.util.LinkedHashMap<>(credential);
            attrs.put("id", "reg");
            attrs.put("user", c.user);
            write(c, key, new Node("register", attrs, List.of(), null));
        }
    }

    private void read(LoadConnection c, SelectionKey key) throws IOException {
        if (!c.in.hasRemaining()) {
            c.in = ByteBuffer.allocate(c.in.capacity() * 2).put(c.in.flip());
        }
        if (c.channel.read(c.in) < 0) {
            lost(c, key, "server closed the connection");
            return;
        }
        ByteBuffer frames = c.in.flip();
        if (c.noise != null) {
            try {
                if (c.phase == Phase.HANDSHAKING && !handshake(c, key)) {
                    c.in.compact();
                    return;
                }
                frames = c.noise.open(c.in);
            } catch (NoiseException e) {
                lost(c, key, "noise: " + e.getMessage());
                return;
            }
            c.in.compact();
        }
        SocketChannel channel = c.channel;
        Decoded d;
        c.confirmUpTo = 0;
        while ((d = wire.decode(frames, 1, 1 << 20)) instanceof Decoded.Frame f) {
            onStanza(c, key, f.node());
            if (c.channel != channel || c.phase == Phase.CLOSED) {
                return; // the stanza ended this connection (a login storm reconnects)
            }
        }
        if (c.confirmUpTo > 0) {
            // one cumulative confirmation for everything this read brought (docs/PROTOCOL.md §6)
            write(c, key, Node.of("received", "upto", Long.toString(c.confirmUpTo)));
        }
        if (d instanceof Decoded.Error e) {
            lost(c, key, "undecodable frame: " + e.text());
            return;
        }
        frames.compact();
    }

    private void onStanza(LoadConnection c, SelectionKey key, Node n) throws IOException {
        switch (n.tag()) {
            case "result" -> {
                if ("keys".equals(n.attr("id"))) {
                    if (n.attr("error") != null) {
                        stats.error(c.user + ": keys not uploaded: " + n.attr("text"));
                    }
                    c.keyed = n.attr("error") == null;
                    return;
                }
                if ("grp".equals(n.attr("id"))) {
                    if (n.attr("error") != null) {
                        stats.error(c.user + ": group not created: " + n.attr("text"));
                    }
                    c.target = n.attr("group");
                    return;
                }
                c.scram = new ScramClient(c.user + "/0", spec.password(), ScramClient.nonce(), saltedCache);
                c.phase = Phase.CHALLENGED;
                write(c, key, Node.withContent("auth", utf8(c.scram.clientFirst()), "mechanism", "SCRAM-SHA-256",
                        "user", c.user, "device", "0"));
            }
            case "challenge" -> {
                c.phase = Phase.AUTHENTICATING;
                write(c, key, Node.withContent("response", utf8(c.scram.clientFinal(text(n)))));
            }
            case "success" -> loggedIn(c, key, n);
            case "ack" -> {
                c.outstanding--;
                stats.acked(n.attr("error") != null);
            }
            case "message" -> {
                long seq = Long.parseLong(n.attr("seq"));
                c.confirmUpTo = Math.max(c.confirmUpTo, seq);
                if (seq <= c.lastSeq) {
                    return; // sent again after a swap or reconnect: a real client drops it, so it is not counted
                }
                c.lastSeq = seq;
                LoadConnection sender = c.partnerConnection;
                if (sender != null && sender.undelivered > 0 && n.attr("group") == null) {
                    sender.undelivered--; // its partner has it: a slot of the sender's window is free
                }
                ByteBuffer body = ByteBuffer.wrap(n.content());
                stats.delivered(System.nanoTime() - body.getLong());
            }
            case "receipt", "notification" -> {
                long seq = Long.parseLong(n.attr("seq"));
                c.lastSeq = Math.max(c.lastSeq, seq);
                c.confirmUpTo = Math.max(c.confirmUpTo, seq);
            }
            case "ping" -> write(c, key, Node.of("pong", "id", n.attr("id")));
            case "failure", "error" -> lost(c, key, n.attr("code") + ": " + n.attr("text"));
            default -> { }
        }
    }

    private void loggedIn(LoadConnection c, SelectionKey key, Node success) throws IOException {
        stats.login(c.resuming, System.nanoTime() - c.loginStartedNanos);
        if (success.attr("token") != null) {
            c.token = success.attr("token");
        }
        c.phase = Phase.READY;
        if (spec.e2eBytes() > 0 && !c.keyed) {
            write(c, key, fakeKeys()); // opaque to the server: any bytes of the right shape do
        }
        connecting--;
        ready++;
        if (spec.scenario() == Scenario.LOGINS && !resumePhaseStarted && ready == connections.size()) {
            // every account has logged in with its password: now all come back with their tokens
            resumePhaseStarted = true;
            ready = 0;
            for (LoadConnection each : connections) {
                each.resuming = true;
                each.phase = Phase.CLOSED;
                each.close(each.channel.keyFor(selector));
                toOpen.add(each);
            }
        }
    }

    private void send(long now) throws IOException {
        long due = spec.rate() == 0 ? Long.MAX_VALUE
                : (now - sendStartNanos) / 1000 * spec.rate() / 1_000_000 - sentTotal;
        int budget = (int) Math.min(due, 4 * connections.size());
        for (int tried = 0; budget > 0 && tried < connections.size(); tried++) {
            LoadConnection c = connections.get(roundRobin++ % connections.size());
            String to = spec.scenario() == Scenario.GROUPS ? c.target : c.partner;
            // 1:1, the window closes until the partner has the message, not on the ack: otherwise a server
            // that stores faster than it delivers lets the queues grow without bound, and sent runs ahead of delivered
            if (c.phase != Phase.READY || c.outstanding >= spec.window() || c.undelivered >= spec.window() || to == null
                    || spec.e2eBytes() > 0 && (!c.keyed || c.partnerConnection == null || !c.partnerConnection.keyed)) {
                continue;
            }
            c.outstanding++;
            if (spec.scenario() == Scenario.PAIRS || spec.scenario() == Scenario.SWAP) {
                c.undelivered++; // end to end: the offline and group scenarios count acks only
            }
            c.nextSeq++;
            if (spec.e2eBytes() > 0) {
                // the timestamp leads the "ciphertext" too: the partner reads its latency from it
                byte[] ciphertext = ByteBuffer.allocate(Math.max(16, spec.e2eBytes())).putLong(System.nanoTime()).putLong(c.nextSeq).array();
                write(c, c.channel.keyFor(selector), new Node("message", java.util.Map.of("to", to, "id", runTag + c.nextSeq, "e2e", "1"),
                        java.util.List.of(Node.withContent("enc", ciphertext, "device", to + "/0", "type", "msg")), null));
            } else {
                byte[] body = ByteBuffer.allocate(16).putLong(System.nanoTime()).putLong(c.nextSeq).array();
                write(c, c.channel.keyFor(selector), Node.withContent("message", body, "to", to, "id",
                        runTag + c.nextSeq));
            }
            stats.sent();
            sentTotal++;
            budget--;
            if (spec.rate() == 0) {
                tried = -1; // flat out: keep going round while anyone has room, up to the budget
            }
        }
    }

    private static final String FAKE_KEY = java.util.Base64.getEncoder().encodeToString(fill(33));
    private static final String FAKE_SIGNATURE = java.util.Base64.getEncoder().encodeToString(fill(64));

    private static byte[] fill(int n) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) 5);
        return b;
    }

    private static Node fakeKeys() {
        return new Node("keys", java.util.Map.of("id", "keys", "op", "upload", "reg", "7", "identity", FAKE_KEY),
                java.util.List.of(Node.of("signed", "id", "1", "key", FAKE_KEY, "sig", FAKE_SIGNATURE)), null);
    }

    /** Gathers a frame; {@link #flushGathered} writes each connection's frames in one write at the turn's end. */
    private void write(LoadConnection c, SelectionKey key, Node n) throws IOException {
        gather(c, wire.encode(n, 1));
    }

    private void gather(LoadConnection c, ByteBuffer frame) {
        if (c.gathered == null) {
            c.gathered = ByteBuffer.allocate(Math.max(1024, frame.remaining()));
            gathered.add(c);
        } else if (c.gathered.remaining() < frame.remaining()) {
            c.gathered = ByteBuffer.allocate(Math.max(c.gathered.capacity() * 2, c.gathered.position() + frame.remaining()))
                    .put(c.gathered.flip());
        }
        c.gathered.put(frame);
    }

    private void flushGathered() {
        for (LoadConnection c : gathered) {
            ByteBuffer b = c.gathered;
            c.gathered = null;
            if (b == null || c.phase == Phase.CLOSED || c.channel == null) {
                continue;
            }
            SelectionKey key = c.channel.keyFor(selector);
            try {
                b.flip();
                c.write(key, c.noise != null ? c.noise.seal(b) : b); // the turn's frames in as few records as fit
            } catch (IOException e) {
                lost(c, key, e.toString());
            }
        }
        gathered.clear();
    }

    private void lost(LoadConnection c, SelectionKey key, String why) {
        if (c.phase == Phase.CLOSED) {
            return;
        }
        stats.error(c.user + ": " + why);
        if (c.phase == Phase.READY) {
            ready--;
        } else {
            connecting--;
        }
        c.phase = Phase.CLOSED;
        c.close(key);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Node n) {
        return n.content() == null ? "" : new String(n.content(), StandardCharsets.UTF_8);
    }
}
