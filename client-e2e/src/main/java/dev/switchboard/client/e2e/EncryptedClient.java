package dev.switchboard.client.e2e;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.ClientException;
import dev.switchboard.client.MediaRef;
import dev.switchboard.client.SwitchboardClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.groups.GroupSessionBuilder;
import org.signal.libsignal.protocol.message.SenderKeyDistributionMessage;

/**
 * End-to-end encryption on top of a logged-in {@link SwitchboardClient}: the Signal protocol from
 * libsignal, with this device's keys and sessions in files under its directory (see
 * {@link ProtocolFiles}). Messages are encrypted once per device that can decrypt them (the
 * recipient's and this account's other devices), and a {@code mismatched-devices} answer is
 * handled here: missing devices' keys are fetched, extra devices' sessions dropped, and the same
 * message is sent again. Groups use sender keys, handed to each member pairwise first. Files are
 * encrypted before upload. Safe for one sending thread beside the client's reader.
 */
public final class EncryptedClient {

    /** Below this many one-time prekeys on the server, more are uploaded. */
    static final int LOW_WATER = 20;
    /** One-time prekeys uploaded at a time, by default. */
    public static final int DEFAULT_PREKEYS = 100;
    private static final int ATTEMPTS = 4;
    private static final long ACK_SECONDS = 30;

    /** Told when a contact's device has a new identity key, before anything is encrypted to it. */
    @FunctionalInterface
    public interface IdentityWarnings {
        void changed(Address device, String safetyNumber);
    }

    /** A decrypted message: who sent it, its id and group, what it holds. */
    public record Received(Address from, String id, String group, Envelope content) {
        /** The text, for a text or a media message's caption. */
        public String text() {
            return new String(content.body(), StandardCharsets.UTF_8);
        }
    }

    /** The connection to use now (a reconnecting session hands out a new one after each reconnect). */
    private final java.util.function.Supplier<SwitchboardClient> connection;
    private final ProtocolFiles store;
    private final Address self;
    private final SignalProtocolAddress selfSignal;
    private final int preKeyBatch;
    private volatile IdentityWarnings warnings = (device, number) -> { };
    private volatile java.util.function.Consumer<Node> acks = ack -> { };
    private final java.util.concurrent.atomic.AtomicLong resends = new java.util.concurrent.atomic.AtomicLong();
    private final GroupMessages groups = new GroupMessages(this);
    private final PairwiseSessions sessions;

    private EncryptedClient(java.util.function.Supplier<SwitchboardClient> connection, ProtocolFiles store, Address self, int preKeyBatch) {
        this.connection = connection;
        this.store = store;
        this.self = self;
        this.selfSignal = signal(self);
        this.preKeyBatch = preKeyBatch;
        this.sessions = new PairwiseSessions(connection, store, self, () -> warnings);
    }

    /**
     * Opens this device's encryption state under {@code dir} (created, with a new identity, on first
     * use) and makes sure the server has its public keys and enough one-time prekeys.
     */
    public static EncryptedClient open(SwitchboardClient client, int device, Path dir) throws IOException, ClientException {
        return open(client, device, dir, DEFAULT_PREKEYS);
    }

    /** @param preKeyBatch one-time prekeys to upload when the server holds fewer than 20 (0: none; sessions then start from the signed prekey) */
    public static EncryptedClient open(SwitchboardClient client, int device, Path dir, int preKeyBatch) throws IOException, ClientException {
        return open(() -> client, new Address(client.user(), device), dir, preKeyBatch);
    }

    /**
     * For a reconnecting session: {@code connection} gives the connection to use at each call.
     * A message whose connection is lost before its ack is not resent by this class: the caller
     * sees the IOException and sends it again (same id: the server stores it once).
     */
    public static EncryptedClient open(java.util.function.Supplier<SwitchboardClient> connection, Address device, Path dir,
                                       int preKeyBatch) throws IOException, ClientException {
        if (preKeyBatch < 0 || preKeyBatch > 200) {
            throw new IllegalArgumentException("preKeyBatch is 0-200 (the server takes at most 200 an upload)");
        }
        EncryptedClient e = new EncryptedClient(connection, ProtocolFiles.open(dir), device, preKeyBatch);
        e.publish();
        return e;
    }

    /**
     * Like {@link #open}, without uploading keys: for a connection whose incoming stanzas are read
     * on the thread that would wait for the upload's answer (open once on another connection first).
     */
    public static EncryptedClient attach(java.util.function.Supplier<SwitchboardClient> connection, Address device, Path dir)
            throws IOException {
        return new EncryptedClient(connection, ProtocolFiles.open(dir), device, DEFAULT_PREKEYS);
    }

    /** Messages sent again because the server named missing or extra devices (the automatic retry). */
    public long resends() {
        return resends.get();
    }

    public void onIdentityChange(IdentityWarnings warnings) {
        this.warnings = Objects.requireNonNull(warnings);
    }

    /**
     * Told of each message's final ack (not of a mismatched-devices answer that is resent) on the
     * connection's reader thread, so in order with the receipts that follow it.
     */
    public void onAck(java.util.function.Consumer<Node> acks) {
        this.acks = Objects.requireNonNull(acks);
    }

    Node sendAndAwait(Node message) throws IOException, ClientException {
        java.util.concurrent.CompletableFuture<Node> ack = connection.get().sendMessage(message);
        ack.thenAccept(a -> {
            if (!"mismatched-devices".equals(a.attr("error"))) {
                acks.accept(a);
            }
        });
        return awaitAck(ack);
    }

    /** libsignal's device ids start at 1; Switchboard's at 0. */
    static SignalProtocolAddress signal(Address a) {
        return new SignalProtocolAddress(a.user(), a.device() + 1);
    }

    static Address address(SignalProtocolAddress a) {
        return new Address(a.getName(), a.getDeviceId() - 1);
    }

    /** Uploads this device's identity, signed and last-resort keys, and tops up its one-time prekeys. */
    public void publish() throws IOException, ClientException {
        Node uploaded;
        try {
            uploaded = connection.get().keys(KeyNodes.identityUpload(store));
        } catch (InvalidKeyException e) {
            throw new IOException("this device's stored keys are corrupt: " + e.getMessage(), e);
        }
        topUp(Integer.parseInt(uploaded.attr("count")));
    }

    private void topUp(int count) throws IOException, ClientException {
        if (count >= LOW_WATER || preKeyBatch == 0) {
            return;
        }
        try {
            connection.get().keys(KeyNodes.preKeyUpload(PreKeys.oneTime(store, preKeyBatch)));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("a prekey made just now does not read back", e);
        }
    }

    /** Sends a text to a user's devices; returns the server's ack (check {@code error}). */
    public Node send(String to, String id, String text) throws IOException, ClientException {
        return send(to, id, Envelope.text(text.getBytes(StandardCharsets.UTF_8)), Map.of());
    }

    /** Encrypts a file, uploads the ciphertext, and sends its reference and key encrypted. */
    public Node sendFile(String to, String id, Path file, String mime, String caption) throws IOException, ClientException {
        Path sealed = Files.createTempFile("sb-e2e-", ".bin");
        try {
            MediaCipher.Sealed keys = MediaCipher.encrypt(file, sealed);
            MediaRef ref = connection.get().upload(sealed);
            Envelope.Media media = new Envelope.Media(ref.sha256(), Files.size(file), file.getFileName().toString(),
                    mime == null ? "application/octet-stream" : mime, keys.key(), keys.digest());
            // the server sees the ciphertext's hash and size; the name and real type are inside
            Map<String, String> reference = Map.of("media", ref.sha256(), "size", Long.toString(ref.size()),
                    "mime", "application/octet-stream");
            return send(to, id, Envelope.media(media, caption == null ? null : caption.getBytes(StandardCharsets.UTF_8)), reference);
        } finally {
            Files.deleteIfExists(sealed);
        }
    }

    /** Downloads an encrypted file named by a received media message, checks and decrypts it into {@code target}. */
    public void fetchFile(Envelope.Media media, Path target) throws IOException, ClientException {
        Path sealed = Files.createTempFile("sb-e2e-", ".bin");
        try {
            connection.get().download(media.sha256(), sealed);
            MediaCipher.decrypt(sealed, media.key(), media.digest(), target);
        } finally {
            Files.deleteIfExists(sealed);
        }
    }

    Node send(String to, String id, Envelope content, Map<String, String> attributes) throws IOException, ClientException {
        byte[] plaintext = content.encode();
        for (String user : to.equals(self.user()) ? List.of(to) : List.of(to, self.user())) {
            if (!store.hasMark("fetched", user)) {
                sessions.fetch(user, null);
            }
        }
        Node ack = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            List<Node> ciphertexts = new ArrayList<>();
            synchronized (sessions.crypto) {
                for (SignalProtocolAddress device : sessions.recipients(to)) {
                    ciphertexts.add(sessions.encrypt(device, plaintext));
                }
            }
            Map<String, String> attrs = new LinkedHashMap<>(attributes);
            attrs.put("to", to);
            attrs.put("id", id);
            attrs.put("e2e", "1");
            ack = sendAndAwait(new Node("message", attrs, ciphertexts, null));
            if (!"mismatched-devices".equals(ack.attr("error"))) {
                return ack;
            }
            resends.incrementAndGet();
            for (String extra : words(ack.attr("extra"))) {
                store.deleteSession(signal(Address.parse(extra))); // unlinked, or never had keys
            }
            for (String stale : words(ack.attr("stale"))) {
                store.deleteSession(signal(Address.parse(stale))); // reinstalled: its new keys are fetched below
            }
            for (String missing : concat(words(ack.attr("missing")), words(ack.attr("stale")))) {
                Address d = Address.parse(missing);
                sessions.fetch(d.user(), d.device());
            }
        }
        return ack;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static List<String> words(String list) {
        return list == null || list.isBlank() ? List.of() : List.of(list.trim().split(" "));
    }

    private Node awaitAck(java.util.concurrent.CompletableFuture<Node> ack) throws IOException, ClientException {
        try {
            return ack.get(ACK_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for the ack", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ClientException refused) {
                throw refused; // too large for the server, say
            }
            throw new IOException("no ack: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("no ack within " + ACK_SECONDS + " s");
        }
    }




    /**
     * Decrypts a received encrypted message ({@code e2e="1"}). A sender key for a group is taken in
     * and returned as such ({@link Envelope#SENDER_KEY}); the caller shows only texts and media.
     *
     * @throws ClientException {@code undecryptable} when it cannot be decrypted (not for this device, a replay, corrupt)
     */
    public Received decrypt(Node message) throws ClientException {
        if (!"1".equals(message.attr("e2e"))) {
            throw new IllegalArgumentException("not an encrypted message");
        }
        Address from = Address.parse(message.attr("from"));
        SignalProtocolAddress sender = signal(from);
        byte[] plaintext;
        try {
            synchronized (sessions.crypto) {
                plaintext = sessions.decryptLocked(message, sender);
            }
            Envelope content = Envelope.decode(plaintext);
            if (content.kind() == Envelope.SENDER_KEY) {
                synchronized (sessions.crypto) {
                    new GroupSessionBuilder(store).process(sender, new SenderKeyDistributionMessage(content.body()));
                }
            }
            return new Received(from, message.attr("id"), message.attr("group"), content);
        } catch (ClientException e) {
            throw e;
        } catch (Exception e) {
            throw new ClientException("undecryptable", "message " + message.attr("id") + " from " + from + " does not decrypt: " + e);
        }
    }


    /**
     * Sends to a group: its members' devices get this device's sender key pairwise (once, and again
     * after their devices change), then one sender-key ciphertext goes to the group.
     */
    public Node sendGroup(String group, String id, String text) throws IOException, ClientException {
        return groups.send(group, id, text);
    }

    // for GroupMessages, which shares this device's store, connection and lock
    ProtocolFiles store() {
        return store;
    }

    SwitchboardClient connection() {
        return connection.get();
    }

    Address self() {
        return self;
    }

    SignalProtocolAddress selfSignal() {
        return selfSignal;
    }

    Object crypto() {
        return sessions.crypto;
    }

    /**
     * Takes in a server notification that concerns encryption: another account's keys or devices
     * changed (a session with its reinstalled or unlinked device is dropped, and the account is handed
     * this device's group sender keys again), or this device is low on one-time prekeys.
     *
     * @return whether it was one
     */
    public boolean onNotification(Node n) throws IOException, ClientException {
        if (!"notification".equals(n.tag())) {
            return false;
        }
        if ("prekeys-low".equals(n.attr("type"))) {
            topUp(Integer.parseInt(n.attr("count")));
            return true;
        }
        if ("keys-change".equals(n.attr("type")) && n.attr("user") != null) {
            // no refetch of the whole account: the next message's mismatched-devices names what changed
            String user = n.attr("user");
            store.unmarkAll("skdm", user + "."); // a new device needs this device's sender keys
            if (("identity".equals(n.attr("reason")) || "unlinked".equals(n.attr("reason"))) && n.attr("from") != null) {
                store.deleteSession(signal(Address.parse(n.attr("from")))); // its old session cannot be decrypted any more
            }
            return true;
        }
        return false;
    }

    /**
     * The safety numbers with each of a user's devices this device knows: the same 60 digits on
     * both sides when no one is in the middle.
     */
    public Map<Address, String> safetyNumbers(String user) throws IOException, ClientException {
        if (!store.hasMark("fetched", user)) {
            sessions.fetch(user, null);
        }
        Map<Address, String> out = new TreeMap<>((x, y) -> x.toString().compareTo(y.toString()));
        for (int device : store.sessionDevices(user)) {
            SignalProtocolAddress a = new SignalProtocolAddress(user, device);
            IdentityKey key = store.getIdentity(a);
            if (key != null) {
                out.put(address(a), sessions.safetyNumber(user, key));
            }
        }
        return out;
    }


    /** This device's identity key's fingerprint, for display. */
    public String identityFingerprint() {
        return HexFormat.of().formatHex(store.getIdentityKeyPair().getPublicKey().serialize());
    }
}
