package dev.switchboard.client;

import dev.switchboard.api.protocol.Decoded;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.scram.ScramClient;
import dev.switchboard.protocol.binary.wire.BinaryWire;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A connection to a Switchboard server speaking the binary protocol. Thread-safe for sending;
 * incoming messages are queued ({@link #incoming()}) in arrival order.
 *
 * <pre>{@code
 * try (SwitchboardClient c = SwitchboardClient.connect("127.0.0.1", 5200)) {
 *     c.login("15550001", 0, "secret-password");          // SCRAM-SHA-256
 *     c.send("15550002", "1", "hello".getBytes(UTF_8)).get();   // completes on the server's ack
 *     Node m = c.incoming().take();
 * }
 * }</pre>
 */
public final class SwitchboardClient implements AutoCloseable {

    private static final int DICTIONARY = 1;
    private static final int MAX_FRAME = 16 << 20;

    private final BinaryWire wire = new BinaryWire();
    private final Socket socket;
    private final OutputStream out;
    private final BlockingQueue<Node> incoming = new LinkedBlockingQueue<>();
    private final Map<String, CompletableFuture<Node>> awaitingAck = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Node>> awaitingResult = new ConcurrentHashMap<>();
    private final AtomicLong nextRequest = new AtomicLong();
    /** Request ids differ between connections of one device, so no answer reaches the wrong one. */
    private final String requestPrefix = "r" + Long.toString(java.util.concurrent.ThreadLocalRandom.current().nextLong(1L << 40), 36) + "-";
    private final MediaTransfer media = new MediaTransfer();
    private volatile CompletableFuture<Node> loginAnswer = new CompletableFuture<>();
    private volatile String token;
    private volatile int iterations = 4096;
    private volatile boolean autoConfirm = true;
    /** Set by a Session: queued stanzas are confirmed and de-duplicated there, after its listener. */
    private volatile boolean handedToApp;
    private volatile SeenStanzas seen = new SeenStanzas();
    private final CompletableFuture<Node> closedWith = new CompletableFuture<>();
    private final Thread reader;
    private volatile String user;
    /** The server's frame limit, told at login; the documented default until then. */
    private volatile int maxFrame = 1 << 20;
    /** Log in without taking the device's deliveries (see {@link #oneShot()}). */
    private volatile boolean oneShot;

    /** The byte streams after the handshake: sealed records on an encrypted connection. */
    private final InputStream in;

    private SwitchboardClient(Socket socket, InputStream in, OutputStream out) {
        this.socket = socket;
        this.in = in;
        this.out = new BufferedOutputStream(out, 8192);
        this.reader = new Thread(this::readLoop, "sb-client-reader");
        reader.setDaemon(true);
    }

    /**
     * Connects over Noise, trusting the server's key on first use for the life of this process
     * ({@link KnownServers#inMemory()}), and sends the protocol preamble; does not log in.
     */
    public static SwitchboardClient connect(String host, int port) throws IOException {
        return connect(new InetSocketAddress(host, port), null);
    }

    /** Connects from a given local address (e.g. 127.0.0.2, to spread load tests), or any when null. */
    public static SwitchboardClient connect(InetSocketAddress server, InetSocketAddress local) throws IOException {
        return connect(server, local, ServerTrust.firstUse(KnownServers.inMemory()));
    }

    /**
     * Connects with the given trust in the server's key: the Noise handshake (docs/PROTOCOL.md §1a)
     * runs before this returns, and a key the trust refuses ends it with a {@link ServerKeyException}.
     * A server that refuses the connection before encrypting (server-full, too-many-connections)
     * gives a client whose {@link #closed()} holds that error.
     */
    public static SwitchboardClient connect(InetSocketAddress server, InetSocketAddress local, ServerTrust trust)
            throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        if (local != null) {
            s.bind(local);
        }
        s.connect(server, 10_000);
        SwitchboardClient c;
        try {
            c = trust.encrypted() ? Handshaking.secure(s, server.getHostString() + ":" + server.getPort(), trust)
                    : new SwitchboardClient(s, s.getInputStream(), s.getOutputStream());
        } catch (Handshaking.Refused refused) {
            c = new SwitchboardClient(s, InputStream.nullInputStream(), OutputStream.nullOutputStream());
            c.closedWith.complete(refused.error);
            c.loginAnswer.complete(refused.error);
            c.close();
            return c;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        c.writeRaw(c.wire.preamble(DICTIONARY));
        c.reader.start();
        return c;
    }

    static SwitchboardClient over(Socket socket, InputStream in, OutputStream out) {
        return new SwitchboardClient(socket, in, out);
    }

    /**
     * Logs in a device with SCRAM-SHA-256 (the password never leaves this process) and waits for
     * the answer; the server's resume token is then available from {@link #token()}.
     *
     * @throws ClientException with the server's code ({@code not-authorized}, {@code throttled},
     *         {@code unavailable}, ...) when refused, or {@code server-unverified} when the server
     *         could not prove it knows the credential
     */
    public void login(String user, int device, String password) throws ClientException, IOException {
        ScramClient scram = new ScramClient(user + "/" + device, password);
        write(Node.withContent("auth", utf8(scram.clientFirst()), "mechanism", ScramClient.MECHANISM,
                "user", user, "device", String.valueOf(device), "deliveries", oneShot ? "none" : null));
        Node challenge = await(loginAnswer, Duration.ofSeconds(30));
        if (!"challenge".equals(challenge.tag())) {
            throw refusal(challenge);
        }
        loginAnswer = new CompletableFuture<>();
        if (closedWith.isDone()) {
            loginAnswer.complete(closedWith.getNow(null));
        }
        String clientFinal;
        try {
            clientFinal = scram.clientFinal(text(challenge));
        } catch (RuntimeException e) {
            throw new ClientException("malformed", "bad challenge from server: " + e.getMessage());
        }
        write(Node.withContent("response", utf8(clientFinal)));
        Node answer = await(loginAnswer, Duration.ofSeconds(30));
        if (!"success".equals(answer.tag())) {
            throw refusal(answer);
        }
        if (!scram.serverVerified(text(answer))) {
            close();
            throw new ClientException("server-unverified", "the server did not prove it knows the credential");
        }
        loggedIn(user, answer);
        this.token = answer.attr("token");
    }

    private void loggedIn(String user, Node success) {
        this.user = user;
        String limit = success.attr("max-frame");
        if (limit != null) {
            try {
                maxFrame = Integer.parseInt(limit);
            } catch (NumberFormatException ignored) {
                // an older server: keep the documented default
            }
        }
    }

    /**
     * Makes the next login a one-shot one (for a command that sends or asks something and
     * leaves): the server hands this connection none of the device's queued messages, and the
     * device's receiving session, if any, stays connected. Answers to what this connection sends
     * (acks, results, receipts of its messages) still come here (docs/PROTOCOL.md §7).
     */
    public SwitchboardClient oneShot() {
        this.oneShot = true;
        return this;
    }

    /** The largest frame the server accepts (told at login). */
    public int maxFrame() {
        return maxFrame;
    }

    /**
     * Refuses a stanza the server would refuse for its size, before anything is sent.
     *
     * @throws ClientException {@code too-large}, with a text that says both sizes
     */
    public void checkFits(Node stanza) throws ClientException {
        if (contentBytes(stanza) + 4096 < maxFrame) {
            return; // far below the limit: no need to encode it to know
        }
        int size = wire.encode(stanza, DICTIONARY).remaining();
        if (size > maxFrame) {
            throw new ClientException("too-large", "message too long (" + megabytes(size) + "; the limit is "
                    + megabytes(maxFrame) + "): not sent");
        }
    }

    /** The bytes of a stanza's content and its children's (an encrypted message's ciphertexts are its children). */
    private static long contentBytes(Node stanza) {
        long n = stanza.content() == null ? 0 : stanza.content().length;
        for (Node child : stanza.children()) {
            n += contentBytes(child);
        }
        return n;
    }

    private static String megabytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
    }

    /** Logs in a device with a resume token from an earlier {@link #login}. */
    public void resume(String user, int device, String token) throws ClientException, IOException {
        write(Node.of("auth", "mechanism", "TOKEN", "user", user, "device", String.valueOf(device), "token", token,
                "deliveries", oneShot ? "none" : null));
        Node answer = await(loginAnswer, Duration.ofSeconds(30));
        if (!"success".equals(answer.tag())) {
            throw refusal(answer);
        }
        loggedIn(user, answer);
        this.token = token;
    }

    /** The resume token the server issued at the last password login, or null. */
    public String token() {
        return token;
    }

    /**
     * Creates an account (before logging in). The credential is derived here from the password.
     *
     * @throws ClientException {@code duplicate}, {@code malformed-id}, {@code forbidden} (registration
     *         switched off), {@code unavailable}
     */
    public void register(String user, String password) throws ClientException, IOException {
        request(credentialNode("register", password, "user", user));
    }

    /** Links a further device (1-255) of the logged-in account; only the primary device may. */
    public void linkDevice(int device, String password) throws ClientException, IOException {
        request(credentialNode("account", password, "op", "link", "device", String.valueOf(device)));
    }

    /** Unlinks a device: its tokens are revoked and its session closed. Primary device only. */
    public void unlinkDevice(int device) throws ClientException, IOException {
        request(Node.of("account", "op", "unlink", "device", String.valueOf(device)));
    }

    /** Changes this device's password; its resume tokens are revoked. */
    public void changePassword(String password) throws ClientException, IOException {
        request(credentialNode("account", password, "op", "passwd"));
    }

    /** Deletes the logged-in account with all its devices. Primary device only. */
    public void deleteAccount() throws ClientException, IOException {
        request(Node.of("account", "op", "delete"));
    }

    /** The device numbers of the logged-in account. */
    public List<Integer> devices() throws ClientException, IOException {
        Node result = request(Node.of("account", "op", "devices"));
        List<Integer> out = new ArrayList<>();
        for (Node d : result.children()) {
            out.add(Integer.parseInt(d.attr("id")));
        }
        return out;
    }

    /**
     * Creates a group with this account as its admin. Messages to it go through {@link #send} with
     * the group id as recipient.
     *
     * @return the group id
     * @throws ClientException {@code no-such-user}, {@code group-limit}, {@code bad-request}, {@code unavailable}
     */
    public String createGroup(String subject, Collection<String> members) throws ClientException, IOException {
        return request(Node.of("group", "type", "create", "subject", subject, "members", String.join(",", members)))
                .attr("group");
    }

    /** Adds members (admins only). @return those actually added */
    public List<String> addGroupMembers(String group, Collection<String> members) throws ClientException, IOException {
        return csv(groupRequest("add", group, members).attr("added"));
    }

    /** Removes members (admins only). @return those actually removed */
    public List<String> removeGroupMembers(String group, Collection<String> members) throws ClientException, IOException {
        return csv(groupRequest("remove", group, members).attr("removed"));
    }

    /** Makes members admins (admins only). */
    public void promoteGroupMembers(String group, Collection<String> members) throws ClientException, IOException {
        groupRequest("promote", group, members);
    }

    /** Makes admins plain members (admins only). */
    public void demoteGroupMembers(String group, Collection<String> members) throws ClientException, IOException {
        groupRequest("demote", group, members);
    }

    /** Leaves a group; if this account was its last admin, the longest-standing member becomes admin. */
    public void leaveGroup(String group) throws ClientException, IOException {
        request(Node.of("group", "type", "leave", "group", group));
    }

    /** Changes a group's subject (admins only). */
    public void setGroupSubject(String group, String subject) throws ClientException, IOException {
        request(Node.of("group", "type", "subject", "group", group, "subject", subject));
    }

    /** A group's subject, creator, members and admins (members only), as a {@code result} node. */
    public Node groupInfo(String group) throws ClientException, IOException {
        return request(Node.of("group", "type", "info", "group", group));
    }

    /** The groups this account is in. */
    public List<String> groups() throws ClientException, IOException {
        return csv(request(Node.of("group", "type", "list")).attr("groups"));
    }

    /**
     * Watches an account's presence for as long as this session lasts: a {@code presence from=
     * type="available"|"unavailable" [last=]} arrives now and at every change the account's
     * visibility lets this account see.
     *
     * @throws ClientException {@code no-such-user}, {@code limit}, {@code bad-request}, {@code unavailable}
     */
    public void subscribePresence(String user) throws ClientException, IOException {
        request(Node.of("presence", "type", "subscribe", "to", user));
    }

    /** Stops watching an account's presence. */
    public void unsubscribePresence(String user) throws ClientException, IOException {
        request(Node.of("presence", "type", "unsubscribe", "to", user));
    }

    /** Who sees this account's online state and last-seen time: {@code everyone}, {@code contacts} or {@code nobody}. */
    public void setPresenceVisibility(String visibility) throws ClientException, IOException {
        request(Node.of("privacy", "visibility", visibility));
    }

    /** Adds accounts to this account's contacts (who sees it under {@code contacts} visibility). */
    public void addContacts(Collection<String> users) throws ClientException, IOException {
        request(Node.of("contacts", "op", "add", "users", String.join(",", users)));
    }

    /** Removes accounts from this account's contacts. */
    public void removeContacts(Collection<String> users) throws ClientException, IOException {
        request(Node.of("contacts", "op", "remove", "users", String.join(",", users)));
    }

    /** This account's contacts. */
    public List<String> contacts() throws ClientException, IOException {
        return csv(request(Node.of("contacts", "op", "list")).attr("users"));
    }

    /**
     * Tells an account's online devices that this device is typing ({@code composing}), recording
     * audio ({@code recording}) or stopped ({@code paused}). Relayed live, never stored.
     */
    public void chatState(String to, String state) throws IOException {
        write(Node.of("chatstate", "to", to, "state", state));
    }

    /**
     * Uploads a file to the media endpoint (with a fresh media token) and returns its reference; the
     * server checks the hash this client computed.
     *
     * @throws ClientException {@code http-413} (too large), {@code http-507} (quota), {@code http-401}, {@code hash-mismatch}
     */
    public MediaRef upload(Path file) throws ClientException, IOException {
        MediaToken token = mediaToken();
        long size = java.nio.file.Files.size(file);
        if (size > token.maxBytes()) {
            throw new ClientException("http-413", "uploads are limited to " + token.maxBytes() + " bytes; this file has " + size);
        }
        return media.upload(token, file);
    }

    /** A fresh token for the media HTTP endpoint (valid for minutes). */
    public MediaToken mediaToken() throws ClientException, IOException {
        Node t = request(Node.of("media", "op", "token"));
        return new MediaToken(t.attr("token"), t.attr("url"), Long.parseLong(t.attr("expires")), Long.parseLong(t.attr("max")),
                t.attr("cert"));
    }

    /**
     * Downloads a blob to a file, resuming by range after a broken transfer (partial bytes wait in
     * {@code <target>.part}); the file appears only once its SHA-256 matches.
     *
     * @throws ClientException {@code http-404}, {@code http-401}, {@code hash-mismatch}
     */
    public void download(String sha256, Path target) throws ClientException, IOException {
        MediaToken token = mediaToken();
        media.download(token, sha256, target);
    }

    /**
     * Sends a media message: the reference to an uploaded blob, its MIME type, the key the
     * recipient needs to decrypt it (opaque to the server, may be null) and an optional caption.
     * It is queued, acknowledged and receipted like a text message.
     */
    public CompletableFuture<Node> sendMedia(String to, String id, MediaRef ref, String mime, String key, byte[] caption)
            throws IOException {
        return sendMedia(new Node("message", mediaAttributes(to, id, ref, mime, key), List.of(), caption));
    }

    /** Sends a media message built by the caller (e.g. with a {@code name=}); the future completes with its ack. */
    CompletableFuture<Node> sendMedia(Node stanza) throws IOException {
        return sendMessage(stanza);
    }

    /**
     * Sends a message stanza built by the caller (a media message, an end-to-end encrypted one with
     * its {@code enc} children); the future completes with the server's ack (check {@code error} on
     * it: {@code mismatched-devices} names {@code missing} and {@code extra} devices) and fails if the
     * connection closes first or the stanza is larger than the server takes.
     */
    public CompletableFuture<Node> sendMessage(Node stanza) throws IOException {
        if (!"message".equals(stanza.tag()) || stanza.attr("id") == null) {
            throw new IllegalArgumentException("not a message with an id: " + stanza.tag());
        }
        try {
            checkFits(stanza);
        } catch (ClientException tooLarge) {
            return CompletableFuture.failedFuture(tooLarge);
        }
        CompletableFuture<Node> ack = new CompletableFuture<>();
        awaitingAck.put(stanza.attr("id"), ack);
        write(stanza);
        if (closedWith.isDone()) {
            failPending();
        }
        return ack;
    }

    /** The attributes of a media message (shared with {@link Session}). */
    static Map<String, String> mediaAttributes(String to, String id, MediaRef ref, String mime, String key) {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("to", to);
        attrs.put("id", id);
        attrs.put("media", ref.sha256());
        attrs.put("size", Long.toString(ref.size()));
        attrs.put("mime", mime);
        if (key != null) {
            attrs.put("key", key);
        }
        return attrs;
    }

    private Node groupRequest(String type, String group, Collection<String> members) throws ClientException, IOException {
        return request(Node.of("group", "type", type, "group", group, "members", String.join(",", members)));
    }

    private static List<String> csv(String list) {
        return list == null || list.isEmpty() ? List.of() : List.of(list.split(","));
    }

    private Node credentialNode(String tag, String password, String... attrs) {
        Map<String, String> all = new LinkedHashMap<>();
        for (int i = 0; i < attrs.length; i += 2) {
            all.put(attrs[i], attrs[i + 1]);
        }
        all.putAll(ScramClient.credential(password, iterations));
        return new Node(tag, all, List.of(), null);
    }

    /**
     * A request to the key directory for end-to-end encryption ({@code keys op=...}, PROTOCOL.md
     * §8d), sent with a fresh id. The base SDK carries the keys as bytes and does no cryptography;
     * the {@code client-e2e} module builds its sessions on these answers.
     *
     * @throws ClientException the result's error: {@code bad-request}, {@code rate-limited} (text
     *         says when to retry), {@code no-such-user}, {@code forbidden}, {@code too-many}, {@code unavailable}
     */
    public Node keys(Node request) throws ClientException, IOException {
        if (!"keys".equals(request.tag())) {
            throw new IllegalArgumentException("not a keys request: " + request.tag());
        }
        return request(request);
    }

    /** Sends a request with a fresh id and waits for its {@code result}; an error result throws. */
    private Node request(Node request) throws ClientException, IOException {
        String id = requestPrefix + nextRequest.incrementAndGet();
        CompletableFuture<Node> result = new CompletableFuture<>();
        awaitingResult.put(id, result);
        write(request.with("id", id));
        Node answer = await(result, Duration.ofSeconds(30));
        if (!"result".equals(answer.tag()) || answer.attr("error") != null) {
            throw new ClientException(answer.attr("error") != null ? answer.attr("error") : String.valueOf(answer.attr("code")),
                    String.valueOf(answer.attr("text")));
        }
        return answer;
    }

    /** PBKDF2 iterations for credentials this client derives (the server's minimum is 4096). */
    public void setIterations(int iterations) {
        this.iterations = iterations;
    }

    private static ClientException refusal(Node answer) {
        String code = answer.attr("code");
        if ("see-other-host".equals(code) && answer.attr("host") != null) {
            String host = answer.attr("host");
            int colon = host.lastIndexOf(':');
            try {
                return new MovedException(host.substring(0, colon), Integer.parseInt(host.substring(colon + 1)),
                        String.valueOf(answer.attr("text")));
            } catch (RuntimeException malformed) {
                // not host:port: reported as the plain refusal below
            }
        }
        return code == null ? new ClientException("closed", "the connection closed before the server answered")
                : new ClientException(code, String.valueOf(answer.attr("text")));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Node n) {
        return n.content() == null ? "" : new String(n.content(), StandardCharsets.UTF_8);
    }

    /** The user id logged in on this connection, or null before login. */
    public String user() {
        return user;
    }

    /**
     * Sends a message; the future completes with the server's ack (check {@code error} on it) and
     * fails if the connection closes first.
     *
     * @param to a user id (every online device) or {@code user/device}
     * @param id the sender's message id, unique per device
     */
    public CompletableFuture<Node> send(String to, String id, byte[] body) throws IOException {
        return sendMessage(Node.withContent("message", body, "to", to, "id", id));
    }

    /** Writes one stanza. */
    public void write(Node stanza) throws IOException {
        ByteBuffer frame = wire.encode(stanza, DICTIONARY);
        writeRaw(frame.array(), frame.arrayOffset(), frame.remaining());
    }

    /** Writes raw bytes as they are (tests use this to send malformed input). */
    public void writeRaw(byte[] bytes) throws IOException {
        writeRaw(bytes, 0, bytes.length);
    }

    private void writeRaw(byte[] bytes, int offset, int length) throws IOException {
        synchronized (out) {
            out.write(bytes, offset, length);
            out.flush();
        }
    }

    /** Messages and other unsolicited stanzas from the server, in arrival order. */
    public BlockingQueue<Node> incoming() {
        return incoming;
    }

    /** Completes when the connection ends: with the server's error stanza, or a synthetic {@code <closed/>}. */
    public CompletableFuture<Node> closed() {
        return closedWith;
    }

    public boolean isOpen() {
        return !closedWith.isDone();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private void readLoop() {
        Node error = null;
        try (InputStream in = this.in) {
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            while (true) {
                int n = in.read(buf.array(), buf.position(), buf.remaining());
                if (n < 0) {
                    break;
                }
                buf.position(buf.position() + n).flip();
                Decoded d;
                while ((d = wire.decode(buf, DICTIONARY, MAX_FRAME)) instanceof Decoded.Frame f) {
                    if ("error".equals(f.node().tag())) {
                        error = f.node();
                    }
                    dispatch(f.node());
                }
                confirmRead();
                if (d instanceof Decoded.Error e) {
                    error = Node.of("error", "code", e.code().wireCode(), "text", "client could not decode: " + e.text());
                    break;
                }
                buf.compact();
                if (!buf.hasRemaining()) {
                    buf = ByteBuffer.allocate(buf.capacity() * 2).put(buf.flip());
                }
            }
        } catch (IOException e) {
            // the connection ended
        } finally {
            Node reason = error != null ? error : Node.of("closed");
            closedWith.complete(reason);
            loginAnswer.complete(reason);
            awaitingResult.forEach((id, f) -> f.complete(reason));
            failPending();
            close();
        }
    }

    private void dispatch(Node n) {
        switch (n.tag()) {
            case "challenge", "success", "failure" -> loginAnswer.complete(n);
            case "ping" -> {
                try {
                    write(Node.of("pong", "id", n.attr("id"))); // the server checks an idle connection is alive
                } catch (IOException e) {
                    // the connection is gone; the reader sees it end
                }
            }
            case "result" -> {
                CompletableFuture<Node> f = n.attr("id") == null ? null : awaitingResult.remove(n.attr("id"));
                if (f != null) {
                    f.complete(n);
                } else {
                    incoming.add(n);
                }
            }
            case "error" -> {
                if (!loginAnswer.isDone()) {
                    loginAnswer.complete(n);
                } else {
                    incoming.add(n);
                }
            }
            case "ack" -> {
                CompletableFuture<Node> f = n.attr("id") == null ? null : awaitingAck.remove(n.attr("id"));
                if (f != null) {
                    f.complete(n);
                }
            }
            case "message", "receipt", "notification" -> {
                String seq = n.attr("seq");
                if (seq != null && !handedToApp) {
                    confirm(seq);
                    if (seen.isRepeat(Long.parseLong(seq), n)) {
                        return; // sent again after a reconnect or a swap: already have it
                    }
                }
                incoming.add(n); // for a Session: it drops repeats and confirms once its listener has it
            }
            default -> incoming.add(n);
        }
    }

    /** The highest seq the current read brought, to confirm with one {@code received upto=}; 0 when none. */
    private long confirmUpTo;

    /** Tells the server this device has a queued stanza, so it is deleted (and its sender told). */
    private void confirm(String seq) {
        if (autoConfirm) {
            confirmUpTo = Math.max(confirmUpTo, Long.parseLong(seq)); // sent once the read is handled
        }
    }

    /**
     * Confirms what one read brought with one cumulative {@code received upto=} (docs/PROTOCOL.md
     * §6): stanzas arrive in seq order, so the highest covers the rest. Reader thread only.
     */
    private void confirmRead() {
        if (confirmUpTo > 0) {
            long upTo = confirmUpTo;
            confirmUpTo = 0;
            try {
                write(Node.of("received", "upto", Long.toString(upTo)));
            } catch (IOException e) {
                // the connection is gone; the stanzas stay queued and come again at the next login
            }
        }
    }

    /**
     * Confirms a queued stanza (one with a {@code seq}) once the app has it, for a client that
     * switched auto-confirm off so nothing is confirmed before it is shown.
     */
    public void confirm(Node stanza) {
        String seq = stanza.attr("seq");
        if (seq != null) {
            confirmNow(seq);
        }
    }

    /** Confirms a queued stanza whatever the auto-confirm setting (a Session, once its app has it). */
    void confirmNow(String seq) {
        try {
            write(Node.of("received", "seq", seq));
        } catch (IOException e) {
            // the connection is gone; the stanza stays queued and comes again at the next login
        }
    }

    /**
     * Leaves queued stanzas for the caller to drop as repeats and confirm once its app has them
     * ({@link Session} does): confirmed at arrival, a stanza still waiting for the app when the
     * app closes the session would be deleted on the server and never shown.
     */
    void handToApp(SeenStanzas shared) {
        this.seen = shared;
        this.handedToApp = true;
    }

    /**
     * Whether received messages are confirmed to the server at once (the default). Switched off,
     * they stay queued on the server and come again at the next login.
     */
    public void setAutoConfirm(boolean autoConfirm) {
        this.autoConfirm = autoConfirm;
    }

    /** Stanzas dropped as repeats of ones already received, and reused seqs delivered (for diagnostics). */
    public String repeatsDropped() {
        return seen.summary();
    }

    /** How many stanzas came with a seq already used for another stanza: 0 unless the server is wrong. */
    public long reusedSeqs() {
        return seen.reused();
    }

    /** Sends a read receipt for a message to the device that sent it. */
    public void markRead(String fromDevice, String messageId) throws IOException {
        write(Node.of("receipt", "type", "read", "to", fromDevice, "id", messageId));
    }

    private void failPending() {
        Node reason = closedWith.getNow(Node.of("closed"));
        awaitingAck.forEach((id, f) -> f.completeExceptionally(
                new ClientException(reason.attr("code") == null ? "closed" : reason.attr("code"), "connection closed before ack of " + id)));
        awaitingAck.clear();
    }

    private static Node await(CompletableFuture<Node> f, Duration timeout) throws IOException {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("no answer from server", e);
        }
    }
}
