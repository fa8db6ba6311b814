package dev.switchboard.client;

import dev.switchboard.api.stanza.Node;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A logged-in device that stays logged in: the app-facing SDK. It reconnects by itself with
 * exponential backoff, resumes with its token (falling back to the password when it has one), and
 * resends every message the server has not acknowledged yet, with the same id, so the server
 * stores it once. Stanzas come to a {@link SessionListener} on one delivery thread, in order, each
 * once (repeats after a reconnect are dropped).
 *
 * <pre>{@code
 * try (Session s = Session.builder("127.0.0.1", 5200).user("15550001").password("secret")
 *         .listener(new SessionListener() {
 *             public void message(Node m) { System.out.println(m.attr("from") + ": " + new String(m.content(), UTF_8)); }
 *         }).open()) {
 *     s.send("15550002", "hi".getBytes(UTF_8)).get();   // completes on the server's ack ("sent")
 * }
 * }</pre>
 */
public final class Session implements AutoCloseable {

    /** Builds a {@link Session}. */
    public static final class Builder {
        private final String host;
        private final int port;
        private String user;
        private int device;
        private String password;
        private String token;
        private SessionListener listener = new SessionListener() { };
        private Duration minBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(5);
        private int maxAttempts = 1000;
        private SeenStanzas seen;
        private ServerTrust trust = ServerTrust.firstUse(KnownServers.inMemory());

        private Builder(String host, int port) {
            this.host = host;
            this.port = port;
        }

        /** Which Noise key to accept from the server (default: the first it presents, for this process). */
        public Builder trust(ServerTrust trust) {
            this.trust = java.util.Objects.requireNonNull(trust);
            return this;
        }

        public Builder user(String user) {
            this.user = user;
            return this;
        }

        public Builder device(int device) {
            this.device = device;
            return this;
        }

        /** Logs in with the password (SCRAM-SHA-256; it never leaves this process). */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /** Logs in with a resume token from an earlier session ({@link Session#token()}). */
        public Builder token(String token) {
            this.token = token;
            return this;
        }

        public Builder listener(SessionListener listener) {
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

        /** Wait between reconnect attempts: doubling from {@code min} up to {@code max}. */
        public Builder backoff(Duration min, Duration max) {
            this.minBackoff = min;
            this.maxBackoff = max;
            return this;
        }

        /** Reconnect attempts in a row before the session gives up and closes (default 1,000). */
        /**
         * What this device received before, from an earlier session (see {@link #seen()}), so a
         * stanza the server sends again is recognised as a repeat.
         */
        public Builder seen(SeenStanzas earlier) {
            this.seen = earlier;
            return this;
        }

        public Builder maxAttempts(int attempts) {
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * Connects and logs in, or fails with the server's reason.
         *
         * @throws ClientException {@code not-authorized}, {@code token-invalid}, {@code throttled}, ...
         */
        public Session open() throws ClientException, IOException {
            if (user == null || (password == null && token == null)) {
                throw new IllegalStateException("a session needs a user and a password or a token");
            }
            Session s = new Session(this);
            s.connection = s.login();
            s.delivery.start();
            s.listener.connected(false);
            return s;
        }
    }

    /** A message sent but not acknowledged yet: resent after a reconnect. */
    private record Pending(Node stanza, CompletableFuture<Node> ack) {
    }

    /** Login refusals that retrying cannot fix: the session gives up and closes. */
    private static final java.util.Set<String> FINAL_REFUSALS =
            java.util.Set.of("not-authorized", "token-invalid", "server-unverified", "malformed");

    private final Builder config;
    private final SessionListener listener;
    private final Map<String, Pending> unacknowledged = new LinkedHashMap<>();
    private final AtomicLong nextId = new AtomicLong();
    private final String idPrefix = Long.toString(System.currentTimeMillis(), 36) + "-";
    private final Thread delivery;
    private volatile SwitchboardClient connection;
    /** Held while a message is written, and while a reconnect resends: no message overtakes an older one. */
    private final Object sendOrder = new Object();
    private volatile String token;
    private volatile boolean closed;
    /** The stanza the listener is handling right now, and the connection it came by (for markRead). */
    private volatile Node inHand;
    private volatile SwitchboardClient inHandFrom;
    /** What this device received over every connection so far: repeats after a reconnect are dropped. */
    private final SeenStanzas seen;

    private Session(Builder config) {
        this.config = config;
        this.listener = config.listener;
        this.token = config.token;
        this.seen = config.seen != null ? config.seen : new SeenStanzas();
        this.delivery = new Thread(this::deliverLoop, "sb-session-" + config.user);
        delivery.setDaemon(true);
    }

    public static Builder builder(String host, int port) {
        return new Builder(host, port);
    }

    /** Where the account is served: the configured server, or the node a cluster sent this session to. */
    private volatile java.net.InetSocketAddress server;
    /** Redirects followed in a row at most, so two nodes that disagree cannot bounce a session forever. */
    private static final int MAX_MOVES = 3;

    /** Logs in where the account is served, following a cluster's see-other-host to the node it names. */
    private SwitchboardClient login() throws ClientException, IOException {
        for (int moves = 0; ; moves++) {
            try {
                return loginOnce();
            } catch (MovedException moved) {
                if (moves >= MAX_MOVES) {
                    throw moved;
                }
                server = new java.net.InetSocketAddress(moved.host(), moved.port());
            }
        }
    }

    /** Connects and logs in once: with the token when there is one, else (or if it is refused) the password. */
    private SwitchboardClient loginOnce() throws ClientException, IOException {
        if (server == null) {
            server = new java.net.InetSocketAddress(config.host, config.port);
        }
        java.net.InetSocketAddress at = server;
        SwitchboardClient c = SwitchboardClient.connect(at, null, config.trust);
        try {
            c.handToApp(seen);
            if (token != null) {
                try {
                    c.resume(config.user, config.device, token);
                    return c;
                } catch (ClientException refused) {
                    if (config.password == null || !"token-invalid".equals(refused.code())) {
                        throw refused;
                    }
                    c.close();
                    c = SwitchboardClient.connect(at, null, config.trust);
                    c.handToApp(seen);
                }
            }
            c.login(config.user, config.device, config.password);
            token = c.token();
            return c;
        } catch (ClientException | IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Hands stanzas to the listener; on a lost connection, reconnects and resends what waits. */
    private void deliverLoop() {
        while (!closed) {
            SwitchboardClient c = connection;
            Node n;
            try {
                n = c.incoming().poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (n != null) {
                deliver(c, n);
                continue;
            }
            if (!c.isOpen() && c.incoming().isEmpty() && !closed) {
                Node reason = c.closed().getNow(Node.of("closed"));
                listener.disconnected(reason.attr("code") == null ? "connection lost" : reason.attr("code") + ": "
                        + reason.attr("text"));
                if (!reconnect(c)) {
                    return;
                }
            }
        }
    }

    /**
     * Hands a stanza to the listener, then confirms it on the connection it came by: a stanza the app
     * has not had yet stays queued on the server, whatever happens to this session meanwhile, and
     * one it had already is dropped here (and confirmed) when the server sends it again.
     */
    private void deliver(SwitchboardClient from, Node n) {
        String seq = n.attr("seq");
        if (seq == null) {
            if (n.tag().equals("iq")) {
                refuse(from, n);
                return;
            }
            dispatch(n);
            return;
        }
        if (!seen.isRepeat(Long.parseLong(seq), n)) {
            inHand = n;
            inHandFrom = from;
            try {
                dispatch(n);
            } finally {
                inHand = null;
            }
        }
        from.confirmNow(seq);
    }

    /** A request from another device (an XMPP client's ping, say): this SDK offers none, and says so. */
    private static void refuse(SwitchboardClient from, Node iq) {
        String type = iq.attr("type");
        if (iq.attr("from") == null || iq.attr("id") == null || !("get".equals(type) || "set".equals(type))) {
            return;
        }
        Node condition = Node.of("service-unavailable", "xmlns", "urn:ietf:params:xml:ns:xmpp-stanzas");
        Node error = new Node("error", java.util.Map.of("type", "cancel"), List.of(condition), null);
        try {
            from.write(new Node("iq", java.util.Map.of("to", iq.attr("from"), "id", iq.attr("id"), "type", "error"),
                    List.of(error), null));
        } catch (java.io.IOException e) {
            // the connection is going: the asker's own timeout ends its wait
        }
    }

    private void dispatch(Node n) {
        try {
            switch (n.tag()) {
                case "message" -> listener.message(n);
                case "receipt" -> listener.receipt(n);
                case "presence" -> listener.presence(n);
                case "chatstate" -> listener.chatState(n);
                case "notification" -> listener.notification(n);
                default -> { }
            }
        } catch (RuntimeException e) {
            // an app's bug must not stop the session; the stanza was confirmed already
            Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), e);
        }
    }

    private boolean reconnect(SwitchboardClient lost) {
        long backoff = config.minBackoff.toMillis();
        for (int attempt = 1; attempt <= config.maxAttempts && !closed; attempt++) {
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return false;
            }
            try {
                SwitchboardClient fresh = login();
                // new sends wait until every older message is resent: the recipient sees send order
                synchronized (sendOrder) {
                    List<Pending> resend;
                    synchronized (this) {
                        connection = fresh;
                        resend = new ArrayList<>(unacknowledged.values());
                    }
                    for (Pending p : resend) {
                        write(fresh, p); // same id: the server acknowledges it once, stores it once
                    }
                }
                listener.connected(true);
                return true;
            } catch (ClientException e) {
                // only a refusal of the credentials is final; a connection lost mid-login, a busy or
                // restarting server is retried like any other failed attempt
                if (FINAL_REFUSALS.contains(e.code())) {
                    listener.disconnected("cannot log in again: " + e.getMessage());
                    closed = true; // the credentials are no good any more: retrying cannot help
                    failAll(e);
                    return false;
                }
            } catch (IOException e) {
                // the server is not back yet
            }
            backoff = Math.min(backoff * 2, config.maxBackoff.toMillis());
        }
        if (!closed) {
            closed = true;
            failAll(new ClientException("unreachable", "gave up reconnecting after " + config.maxAttempts + " attempts"));
        }
        return false;
    }

    /**
     * Sends a message with a fresh id. The future completes with the server's ack ("sent": the
     * message is delivered or stored); while the connection is down it waits and is resent.
     *
     * @param to a user id, {@code user/device} or a group id
     */
    public CompletableFuture<Node> send(String to, byte[] body) throws ClientException {
        return send(to, nextId(), body);
    }

    /** Sends a message with the app's own id (unique per device). */
    public CompletableFuture<Node> send(String to, String id, byte[] body) throws ClientException {
        return enqueue(Node.withContent("message", body, "to", to, "id", id));
    }

    /** Sends and waits for the ack. @throws ClientException the ack's error, or {@code timeout} */
    public Node sendAndWait(String to, byte[] body, Duration timeout) throws ClientException, InterruptedException {
        try {
            Node ack = send(to, body).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (ack.attr("error") != null) {
                throw new ClientException(ack.attr("error"), String.valueOf(ack.attr("text")));
            }
            return ack;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof ClientException ce ? ce : new ClientException("io", e.getCause().toString());
        } catch (TimeoutException e) {
            throw new ClientException("timeout", "no ack within " + timeout);
        }
    }

    /** Uploads a file and sends it by reference; the future completes with the ack. */
    public CompletableFuture<Node> sendFile(String to, Path file, String mime, String key, byte[] caption)
            throws ClientException, IOException {
        return sendFile(to, nextId(), file, mime, key, caption);
    }

    /** Uploads a file and sends it by reference with the app's own id (so its receipts can be matched). */
    public CompletableFuture<Node> sendFile(String to, String id, Path file, String mime, String key, byte[] caption)
            throws ClientException, IOException {
        MediaRef ref = connection().upload(file);
        Node stanza = new Node("message", SwitchboardClient.mediaAttributes(to, id, ref, mime, key), List.of(), caption)
                .with("name", file.getFileName() == null ? null : file.getFileName().toString());
        return enqueue(stanza);
    }

    private CompletableFuture<Node> enqueue(Node stanza) throws ClientException {
        if (closed) {
            throw new ClientException("closed", "the session is closed");
        }
        connection.checkFits(stanza); // an oversized message fails now, never to be resent over and over
        Pending p = new Pending(stanza, new CompletableFuture<>());
        synchronized (sendOrder) {
            SwitchboardClient c;
            synchronized (this) {
                unacknowledged.put(stanza.attr("id"), p);
                c = connection;
            }
            write(c, p);
        }
        return p.ack;
    }

    /** Writes a pending message on a connection; its ack settles it, a lost connection leaves it for the resend. */
    private void write(SwitchboardClient c, Pending p) {
        try {
            CompletableFuture<Node> ack = p.stanza.attr("media") == null
                    ? c.send(p.stanza.attr("to"), p.stanza.attr("id"), p.stanza.content())
                    : c.sendMedia(p.stanza);
            ack.whenComplete((node, failure) -> {
                if (failure == null) {
                    synchronized (this) {
                        unacknowledged.remove(p.stanza.attr("id"));
                        notifyAll(); // for awaitAcknowledged
                    }
                    p.ack.complete(node);
                }
            });
        } catch (IOException lost) {
            // the reconnect resends it
        }
    }

    private void failAll(ClientException cause) {
        List<Pending> all;
        synchronized (this) {
            all = new ArrayList<>(unacknowledged.values());
            unacknowledged.clear();
            notifyAll();
        }
        all.forEach(p -> p.ack.completeExceptionally(cause));
    }

    /**
     * Tells the device that sent a message that this device read it. Called from the listener for
     * the message in hand, it first confirms that message: the server relays a read receipt only
     * for a message the device has confirmed.
     */
    public void markRead(String fromDevice, String messageId) throws IOException {
        Node current = inHand;
        if (current != null && messageId.equals(current.attr("id")) && fromDevice.equals(current.attr("from"))) {
            inHandFrom.confirmNow(current.attr("seq"));
        }
        connection().markRead(fromDevice, messageId);
    }

    /** What this device has received over this session, to hand to a later one ({@link Builder#seen}). */
    public SeenStanzas seen() {
        return seen;
    }

    /** The current connection, for requests (groups, presence, media, account); it changes after a reconnect. */
    public SwitchboardClient connection() {
        return connection;
    }

    /** The resume token this session logs in again with. */
    public String token() {
        return token;
    }

    /** Messages sent but not acknowledged yet. */
    public synchronized int unacknowledged() {
        return unacknowledged.size();
    }

    /** Waits until every message sent is acknowledged, at most {@code timeout}. @return whether all are */
    public synchronized boolean awaitAcknowledged(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long left;
        while (!unacknowledged.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return unacknowledged.isEmpty();
    }

    public boolean isClosed() {
        return closed;
    }

    private String nextId() {
        return idPrefix + nextId.incrementAndGet();
    }

    /** Logs out: the connection closes; what is not acknowledged yet fails with {@code closed}. */
    @Override
    public void close() {
        closed = true;
        delivery.interrupt();
        SwitchboardClient c = connection;
        if (c != null) {
            c.close();
        }
        failAll(new ClientException("closed", "the session was closed"));
    }
}
