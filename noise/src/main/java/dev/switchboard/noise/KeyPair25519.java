package dev.switchboard.noise;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.bouncycastle.math.ec.rfc7748.X25519;

/** A Curve25519 key pair as raw 32-byte strings (RFC 7748), the form Noise puts on the wire. */
public final class KeyPair25519 {

    public static final int LENGTH = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] privateKey;
    private final byte[] publicKey;

    private KeyPair25519(byte[] privateKey) {
        if (privateKey.length != LENGTH) {
            throw new IllegalArgumentException("a Curve25519 private key is 32 bytes, not " + privateKey.length);
        }
        this.privateKey = privateKey.clone();
        this.publicKey = new byte[LENGTH];
        X25519.scalarMultBase(this.privateKey, 0, publicKey, 0);
    }

    public static KeyPair25519 generate() {
        byte[] k = new byte[LENGTH];
        RANDOM.nextBytes(k);
        return new KeyPair25519(k);
    }

    public static KeyPair25519 fromPrivate(byte[] privateKey) {
        return new KeyPair25519(privateKey);
    }

    public byte[] privateKey() {
        return privateKey.clone();
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** DH(this private key, their public key); refuses a low-order point (an all-zero result). */
    byte[] agree(byte[] theirPublic) throws NoiseException {
        if (theirPublic == null || theirPublic.length != LENGTH) {
            throw new NoiseException("a Curve25519 public key is 32 bytes");
        }
        byte[] shared = new byte[LENGTH];
        X25519.scalarMult(privateKey, 0, theirPublic, 0, shared, 0);
        int any = 0;
        for (byte b : shared) {
            any |= b;
        }
        if (any == 0) {
            throw new NoiseException("the peer's key is a low-order point");
        }
        return shared;
    }

    /** The hex of a public key, as logs, the shell and the pin files show it. */
    public static String hex(byte[] publicKey) {
        return HexFormat.of().formatHex(publicKey);
    }

    /** A short fingerprint for people to compare: the first 16 bytes of SHA-256 of the key, in hex. */
    public static String fingerprint(byte[] publicKey) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(publicKey);
            return HexFormat.ofDelimiter(":").formatHex(d, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
