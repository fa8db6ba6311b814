package dev.switchboard.noise;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Noise's SymmetricState for SHA-256: the chaining key, the handshake hash and the current key. */
final class SymmetricState {

    static final int HASH_LENGTH = 32;

    private byte[] ck;
    private byte[] h;
    private CipherKey k;

    SymmetricState(String protocolName) {
        byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
        h = name.length <= HASH_LENGTH ? Arrays.copyOf(name, HASH_LENGTH) : sha256(name);
        ck = h.clone();
    }

    void mixHash(byte[] data) {
        MessageDigest d = digest();
        d.update(h);
        d.update(data);
        h = d.digest();
    }

    void mixKey(byte[] inputKeyMaterial) {
        byte[][] out = hkdf(ck, inputKeyMaterial);
        ck = out[0];
        k = new CipherKey(out[1]);
    }

    boolean hasKey() {
        return k != null;
    }

    byte[] encryptAndHash(byte[] plain) throws NoiseException {
        byte[] out = k == null ? plain.clone() : k.seal(h, plain);
        mixHash(out);
        return out;
    }

    byte[] decryptAndHash(byte[] sealed) throws NoiseException {
        byte[] out = k == null ? sealed.clone() : k.open(h, sealed);
        mixHash(sealed);
        return out;
    }

    /** The two transport keys: the first for what the initiator sends, the second for the responder. */
    CipherKey[] split() {
        byte[][] out = hkdf(ck, new byte[0]);
        return new CipherKey[] {new CipherKey(out[0]), new CipherKey(out[1])};
    }

    byte[] handshakeHash() {
        return h.clone();
    }

    /** HKDF with HMAC-SHA256 as Noise defines it, two outputs. */
    private static byte[][] hkdf(byte[] chainingKey, byte[] inputKeyMaterial) {
        byte[] temp = hmac(chainingKey, inputKeyMaterial);
        byte[] first = hmac(temp, new byte[] {1});
        byte[] second = hmac(temp, concat(first, new byte[] {2}));
        return new byte[][] {first, second};
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static byte[] sha256(byte[] data) {
        return digest().digest(data);
    }
}
