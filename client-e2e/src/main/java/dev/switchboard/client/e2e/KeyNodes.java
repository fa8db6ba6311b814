package dev.switchboard.client.e2e;

import dev.switchboard.api.stanza.Node;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.InvalidKeyException;
import org.signal.libsignal.protocol.ecc.ECPublicKey;
import org.signal.libsignal.protocol.kem.KEMPublicKey;
import org.signal.libsignal.protocol.state.PreKeyBundle;
import org.signal.libsignal.protocol.state.PreKeyRecord;

/** Keys as the key directory's stanzas carry them (docs/PROTOCOL.md §8d): base64 attributes in libsignal's encodings. */
final class KeyNodes {

    private KeyNodes() {
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    static byte[] unb64(String s) {
        return s == null ? null : Base64.getDecoder().decode(s);
    }

    /** The upload of this device's identity, registration id, signed prekey and last-resort Kyber key. */
    static Node identityUpload(ProtocolFiles store) throws InvalidKeyException {
        var signed = PreKeys.signed(store);
        var kyber = PreKeys.lastResortKyber(store);
        return new Node("keys", Map.of("op", "upload", "identity", b64(store.getIdentityKeyPair().getPublicKey().serialize()),
                "reg", Integer.toString(store.getLocalRegistrationId())), List.of(
                Node.of("signed", "id", Integer.toString(signed.getId()), "key", b64(signed.getKeyPair().getPublicKey().serialize()),
                        "sig", b64(signed.getSignature())),
                Node.of("kyber", "id", Integer.toString(kyber.getId()), "key", b64(kyber.getKeyPair().getPublicKey().serialize()),
                        "sig", b64(kyber.getSignature()))), null);
    }

    /** The upload of a batch of one-time prekeys (their private halves are stored already). */
    static Node preKeyUpload(List<PreKeyRecord> keys) throws InvalidKeyException {
        List<Node> children = new ArrayList<>();
        for (PreKeyRecord k : keys) {
            children.add(Node.of("pre", "id", Integer.toString(k.getId()), "key", b64(k.getKeyPair().getPublicKey().serialize())));
        }
        return new Node("keys", Map.of("op", "upload"), children, null);
    }

    /** A fetched device's identity key. */
    static IdentityKey identity(Node bundle) throws InvalidKeyException {
        return new IdentityKey(unb64(bundle.attr("identity")));
    }

    /** A fetched {@code bundle} node as libsignal's bundle, for a session with libsignal device {@code deviceId}. */
    static PreKeyBundle bundle(Node bundle, int deviceId) throws InvalidKeyException {
        int preId = bundle.attr("pre-id") == null ? PreKeyBundle.NULL_PRE_KEY_ID : Integer.parseInt(bundle.attr("pre-id"));
        ECPublicKey pre = preId == PreKeyBundle.NULL_PRE_KEY_ID ? null : new ECPublicKey(unb64(bundle.attr("pre")));
        return new PreKeyBundle(Integer.parseInt(bundle.attr("reg")), deviceId, preId, pre,
                Integer.parseInt(bundle.attr("signed-id")), new ECPublicKey(unb64(bundle.attr("signed"))),
                unb64(bundle.attr("signed-sig")), identity(bundle), Integer.parseInt(bundle.attr("kyber-id")),
                new KEMPublicKey(unb64(bundle.attr("kyber"))), unb64(bundle.attr("kyber-sig")));
    }
}
