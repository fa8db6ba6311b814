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
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.SessionBuilder;
import org.signal.libsignal.protocol.SessionCipher;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.UntrustedIdentityException;
import org.signal.libsignal.protocol.ecc.ECPublicKey;
import org.signal.libsignal.protocol.fingerprint.NumericFingerprintGenerator;
import org.signal.libsignal.protocol.groups.GroupCipher;
import org.signal.libsignal.protocol.groups.GroupSessionBuilder;
import org.signal.libsignal.protocol.kem.KEMPublicKey;
import org.signal.libsignal.protocol.message.CiphertextMessage;
import org.signal.libsignal.protocol.message.PreKeySignalMessage;
import org.signal.libsignal.protocol.message.SenderKeyDistributionMessage;
import org.signal.libsignal.protocol.message.SignalMessage;
import org.signal.libsignal.protocol.state.PreKeyBundle;

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
    /**
     * Held while a session record is read, advanced and written back: an encryption on the sending
     * thread and a decryption on a receiving one must not interleave on the same session.
     */
    private final Object crypto = new Object();

    private EncryptedClient(java.util.function.Supplier<SwitchboardClient> connection, ProtocolFiles store, Address self, int preKeyBatch) {
        this.connection = connection;
        this.store = store;
        this.self = self;
        this.selfSignal = signal(self);
        this.preKeyBatch = preKeyBatch;
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

    private Node sendAndAwait(Node message) throws IOException, ClientException {
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

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static byte[] unb64(String s) {
        return s == null ? null : Base64.getDecoder().decode(s);
    }

    /** Uploads this device's identity, signed and last-resort keys, and tops up its one-time prekeys. */
    public void publish() throws IOException, ClientException {
        Node uploaded;
        try {
            var signed = PreKeys.signed(store);
            var kyber = PreKeys.lastResortKyber(store);
            uploaded = connection.get().keys(new Node("keys", Map.of("op", "upload",
                    "identity", b64(store.getIdentityKeyPair().getPublicKey().serialize()),
                    "reg", Integer.toString(store.getLocalRegistrationId())), List.of(
                    Node.of("signed", "id", Integer.toString(signed.getId()), "key", b64(signed.getKeyPair().getPublicKey().serialize()),
                            "sig", b64(signed.getSignature())),
                    Node.of("kyber", "id", Integer.toString(kyber.getId()), "key", b64(kyber.getKeyPair().getPublicKey().serialize()),
                            "sig", b64(kyber.getSignature()))), null));
        } catch (InvalidKeyException e) {
            throw new IOException("this device's stored keys are corrupt: " + e.getMessage(), e);
        }
        topUp(Integer.parseInt(uploaded.attr("count")));
    }

    private void topUp(int count) throws IOException, ClientException {
        if (count >= LOW_WATER || preKeyBatch == 0) {
            return;
        }
        List<Node> children = new ArrayList<>();
        try {
            for (var k : PreKeys.oneTime(store, preKeyBatch)) {
                children.add(Node.of("pre", "id", Integer.toString(k.getId()), "key", b64(k.getKeyPair().getPublicKey().serialize())));
            }
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("a prekey made just now does not read back", e);
        }
        connection.get().keys(new Node("keys", Map.of("op", "upload"), children, null));
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
                fetch(user, null);
            }
        }
        Node ack = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            List<Node> ciphertexts = new ArrayList<>();
            synchronized (crypto) {
                for (SignalProtocolAddress device : recipients(to)) {
                    ciphertexts.add(encrypt(device, plaintext));
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
                fetch(d.user(), d.device());
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

    /** The devices this device has sessions with: the recipient's and this account's others. */
    private List<SignalProtocolAddress> recipients(String to) {
        List<SignalProtocolAddress> out = new ArrayList<>();
        for (String user : to.equals(self.user()) ? List.of(to) : List.of(to, self.user())) {
            for (int device : store.sessionDevices(user)) {
                SignalProtocolAddress a = new SignalProtocolAddress(user, device);
                if (!a.equals(selfSignal) && store.containsSession(a)) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    private Node encrypt(SignalProtocolAddress device, byte[] plaintext) throws ClientException {
        try {
            SessionCipher cipher = new SessionCipher(store, device);
            CiphertextMessage m = cipher.encrypt(plaintext);
            String type = m.getType() == CiphertextMessage.PREKEY_TYPE ? "pkmsg" : "msg";
            // the registration the session was made with: the server names the device stale if it was reinstalled since
            return Node.withContent("enc", m.serialize(), "device", address(device).toString(), "type", type,
                    "reg", Integer.toString(cipher.getRemoteRegistrationId()));
        } catch (org.signal.libsignal.protocol.NoSessionException | UntrustedIdentityException e) {
            throw new ClientException("no-session", "cannot encrypt for " + address(device) + ": " + e.getMessage());
        }
    }

    /** Fetches a user's key bundles (one device, or all) and starts a session with each. */
    private void fetch(String user, Integer device) throws IOException, ClientException {
        Node result;
        try {
            result = device == null
                    ? connection.get().keys(Node.of("keys", "op", "fetch", "user", user))
                    : connection.get().keys(Node.of("keys", "op", "fetch", "user", user, "device", Integer.toString(device)));
        } catch (ClientException e) {
            if ("no-such-user".equals(e.code())) {
                return; // the message goes without ciphertexts, and the server's ack says so
            }
            throw e;
        }
        for (Node bundle : result.children()) {
            Address d = new Address(user, Integer.parseInt(bundle.attr("device")));
            if (d.equals(self)) {
                continue;
            }
            try {
                SignalProtocolAddress a = signal(d);
                IdentityKey identity = new IdentityKey(unb64(bundle.attr("identity")));
                IdentityKey known = store.getIdentity(a);
                if (known != null && !known.equals(identity)) {
                    warnings.changed(d, safetyNumber(user, identity)); // shown before anything is encrypted to it
                }
                int preId = bundle.attr("pre-id") == null ? PreKeyBundle.NULL_PRE_KEY_ID : Integer.parseInt(bundle.attr("pre-id"));
                ECPublicKey pre = preId == PreKeyBundle.NULL_PRE_KEY_ID ? null : new ECPublicKey(unb64(bundle.attr("pre")));
                PreKeyBundle keys = new PreKeyBundle(Integer.parseInt(bundle.attr("reg")), a.getDeviceId(), preId, pre,
                        Integer.parseInt(bundle.attr("signed-id")), new ECPublicKey(unb64(bundle.attr("signed"))),
                        unb64(bundle.attr("signed-sig")), identity, Integer.parseInt(bundle.attr("kyber-id")),
                        new KEMPublicKey(unb64(bundle.attr("kyber"))), unb64(bundle.attr("kyber-sig")));
                synchronized (crypto) {
                    new SessionBuilder(store, a).process(keys);
                }
                store.unmarkAll("skdm", user + "."); // a new or reinstalled device has none of this device's sender keys
            } catch (InvalidKeyException | UntrustedIdentityException | RuntimeException e) {
                throw new ClientException("bad-keys", "the keys of " + d + " do not verify: " + e.getMessage());
            }
        }
        if (device == null) {
            store.mark("fetched", user);
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
            synchronized (crypto) {
                plaintext = decryptLocked(message, sender);
            }
            Envelope content = Envelope.decode(plaintext);
            if (content.kind() == Envelope.SENDER_KEY) {
                synchronized (crypto) {
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

    private byte[] decryptLocked(Node message, SignalProtocolAddress sender) throws Exception {
        byte[] plaintext;
        {
            switch (String.valueOf(message.attr("type"))) {
                case "pkmsg" -> plaintext = new SessionCipher(store, sender).decrypt(new PreKeySignalMessage(message.content()));
                case "msg" -> plaintext = new SessionCipher(store, sender).decrypt(new SignalMessage(message.content()));
                case "skmsg" -> plaintext = new GroupCipher(store, sender).decrypt(message.content());
                default -> throw new ClientException("undecryptable", "unknown ciphertext type " + message.attr("type"));
            }
        }
        return plaintext;
    }

    /**
     * Sends to a group: its members' devices get this device's sender key pairwise (once, and again
     * after their devices change), then one sender-key ciphertext goes to the group.
     */
    public Node sendGroup(String group, String id, String text) throws IOException, ClientException {
        UUID distribution = UUID.nameUUIDFromBytes((group + "/" + self).getBytes(StandardCharsets.UTF_8));
        Node info = connection.get().groupInfo(group);
        List<String> members = new ArrayList<>(List.of(String.valueOf(info.attr("members")).split(",")));
        SenderKeyDistributionMessage skdm;
        synchronized (crypto) {
            skdm = new GroupSessionBuilder(store).create(selfSignal, distribution);
        }
        int n = 0;
        for (String member : members) {
            if (!store.hasMark("skdm", member + "." + distribution)) {
                Node ack = send(member, id + ".k" + n++, Envelope.senderKey(group, skdm.serialize()), Map.of());
                if (ack.attr("error") != null && !"no-keys".equals(ack.attr("error"))) {
                    throw new ClientException(ack.attr("error"), "could not hand the group key to " + member + ": " + ack.attr("text"));
                }
                store.mark("skdm", member + "." + distribution);
            }
        }
        try {
            CiphertextMessage m;
            synchronized (crypto) {
                m = new GroupCipher(store, selfSignal).encrypt(distribution, Envelope.text(text.getBytes(StandardCharsets.UTF_8)).encode());
            }
            return sendAndAwait(new Node("message", Map.of("to", group, "id", id, "e2e", "1", "type", "skmsg"), List.of(), m.serialize()));
        } catch (org.signal.libsignal.protocol.NoSessionException e) {
            throw new ClientException("no-session", "no sender key for " + group + ": " + e.getMessage());
        }
    }

    /**
     * Takes in a server notification that concerns encryption: another account's keys or devices
     * changed (fetch again before the next message), or this device is low on one-time prekeys.
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
            String user = n.attr("user");
            store.unmarkAll("fetched", user);
            store.unmarkAll("skdm", user + ".");
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
            fetch(user, null);
        }
        Map<Address, String> out = new TreeMap<>((x, y) -> x.toString().compareTo(y.toString()));
        for (int device : store.sessionDevices(user)) {
            SignalProtocolAddress a = new SignalProtocolAddress(user, device);
            IdentityKey key = store.getIdentity(a);
            if (key != null) {
                out.put(address(a), safetyNumber(user, key));
            }
        }
        return out;
    }

    private String safetyNumber(String user, IdentityKey theirs) {
        return new NumericFingerprintGenerator(5200).createFor(2, self.user().getBytes(StandardCharsets.UTF_8),
                store.getIdentityKeyPair().getPublicKey(), user.getBytes(StandardCharsets.UTF_8), theirs)
                .getDisplayableFingerprint().getDisplayText();
    }

    /** This device's identity key's fingerprint, for display. */
    public String identityFingerprint() {
        return HexFormat.of().formatHex(store.getIdentityKeyPair().getPublicKey().serialize());
    }
}
