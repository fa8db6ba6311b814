package dev.switchboard.client.e2e;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.ClientException;
import dev.switchboard.client.SwitchboardClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.SessionBuilder;
import org.signal.libsignal.protocol.SessionCipher;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.UntrustedIdentityException;
import org.signal.libsignal.protocol.fingerprint.NumericFingerprintGenerator;
import org.signal.libsignal.protocol.groups.GroupCipher;
import org.signal.libsignal.protocol.message.CiphertextMessage;
import org.signal.libsignal.protocol.message.PreKeySignalMessage;
import org.signal.libsignal.protocol.message.SignalMessage;
import org.signal.libsignal.protocol.state.PreKeyBundle;

/**
 * This device's Signal sessions with other devices: started from fetched key bundles (a changed
 * identity is reported before anything is encrypted to it), used to encrypt one message per
 * device and to decrypt what arrives. A session record is read, advanced and written back under
 * one lock, so a sending and a receiving thread never interleave on the same session.
 */
final class PairwiseSessions {

    private final Supplier<SwitchboardClient> connection;
    private final ProtocolFiles store;
    private final Address self;
    private final SignalProtocolAddress selfSignal;
    private final Supplier<EncryptedClient.IdentityWarnings> warnings;
    final Object crypto = new Object();

    PairwiseSessions(Supplier<SwitchboardClient> connection, ProtocolFiles store, Address self,
                     Supplier<EncryptedClient.IdentityWarnings> warnings) {
        this.connection = connection;
        this.store = store;
        this.self = self;
        this.selfSignal = EncryptedClient.signal(self);
        this.warnings = warnings;
    }

    /** The devices this device has sessions with: the recipient's and this account's others. */
    List<SignalProtocolAddress> recipients(String to) {
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

    Node encrypt(SignalProtocolAddress device, byte[] plaintext) throws ClientException {
        try {
            SessionCipher cipher = new SessionCipher(store, device);
            CiphertextMessage m = cipher.encrypt(plaintext);
            String type = m.getType() == CiphertextMessage.PREKEY_TYPE ? "pkmsg" : "msg";
            // the registration the session was made with: the server names the device stale if it was reinstalled since
            return Node.withContent("enc", m.serialize(), "device", EncryptedClient.address(device).toString(), "type", type,
                    "reg", Integer.toString(cipher.getRemoteRegistrationId()));
        } catch (org.signal.libsignal.protocol.NoSessionException | UntrustedIdentityException e) {
            throw new ClientException("no-session", "cannot encrypt for " + EncryptedClient.address(device) + ": " + e.getMessage());
        }
    }

    /** Fetches a user's key bundles (one device, or all) and starts a session with each. */
    void fetch(String user, Integer device) throws IOException, ClientException {
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
                SignalProtocolAddress a = EncryptedClient.signal(d);
                IdentityKey identity = KeyNodes.identity(bundle);
                IdentityKey known = store.getIdentity(a);
                if (known != null && !known.equals(identity)) {
                    warnings.get().changed(d, safetyNumber(user, identity)); // shown before anything is encrypted to it
                }
                PreKeyBundle keys = KeyNodes.bundle(bundle, a.getDeviceId());
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

    byte[] decryptLocked(Node message, SignalProtocolAddress sender) throws Exception {
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

    String safetyNumber(String user, IdentityKey theirs) {
        return new NumericFingerprintGenerator(5200).createFor(2, self.user().getBytes(StandardCharsets.UTF_8),
                store.getIdentityKeyPair().getPublicKey(), user.getBytes(StandardCharsets.UTF_8), theirs)
                .getDisplayableFingerprint().getDisplayText();
    }
}
