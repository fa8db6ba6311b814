package dev.switchboard.auth.internal;

import dev.switchboard.api.store.StoredCredential;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/** SCRAM-SHA-256 primitives (RFC 5802 §3, RFC 7677). */
final class Scram {

    static final String MECHANISM = "SCRAM-SHA-256";
    /** The V1 schema's credential: PBKDF2-HMAC-SHA256 of the password, which is SCRAM's SaltedPassword. */
    static final String LEGACY_PBKDF2 = "PBKDF2WithHmacSHA256";
    static final int KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Scram() {
    }

    /** A new credential for a password with a fresh random salt. */
    static StoredCredential credential(String password, int iterations) {
        byte[] salt = random(16);
        return fromSaltedPassword(saltedPassword(password, salt, iterations), salt, iterations);
    }

    static StoredCredential fromSaltedPassword(byte[] saltedPassword, byte[] salt, int iterations) {
        byte[] clientKey = hmac(saltedPassword, "Client Key");
        return new StoredCredential(MECHANISM, iterations, salt, sha256(clientKey), hmac(saltedPassword, "Server Key"));
    }

    static byte[] saltedPassword(String password, byte[] salt, int iterations) {
        char[] chars = password.toCharArray();
        PBEKeySpec spec = new PBEKeySpec(chars, salt, iterations, KEY_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance(LEGACY_PBKDF2).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is in every Java 17 runtime", e);
        } finally {
            spec.clearPassword();
            java.util.Arrays.fill(chars, '\0');
        }
    }

    static byte[] hmac(byte[] key, String message) {
        return hmac(key, message.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is in every Java 17 runtime", e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every Java 17 runtime", e);
        }
    }

    static byte[] random(int bytes) {
        byte[] out = new byte[bytes];
        RANDOM.nextBytes(out);
        return out;
    }

    static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }
}
