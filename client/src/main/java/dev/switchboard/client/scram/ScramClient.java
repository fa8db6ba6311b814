package dev.switchboard.client.scram;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The client side of SCRAM-SHA-256 (RFC 5802, RFC 7677), and the credential a client derives
 * from a password to register, link a device or change its password: the password never leaves
 * the client.
 */
public final class ScramClient {

    public static final String MECHANISM = "SCRAM-SHA-256";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getEncoder();

    private final String password;
    private final String clientFirstBare;
    private final Map<String, byte[]> saltedCache;
    private String authMessage;
    private byte[] saltedPassword;

    /** Starts an exchange for a user name (any printable text without ',' or '='). */
    public ScramClient(String name, String password) {
        this(name, password, B64.encodeToString(random(18)));
    }

    /** For tests: a fixed client nonce. */
    public ScramClient(String name, String password, String nonce) {
        this(name, password, nonce, null);
    }

    /**
     * With a cache of derived keys by salt and iteration count, for a load generator whose many
     * accounts share one password and salt: the deliberately slow derivation then runs once.
     */
    public ScramClient(String name, String password, String nonce, Map<String, byte[]> saltedCache) {
        this.password = password;
        this.clientFirstBare = "n=" + name + ",r=" + nonce;
        this.saltedCache = saltedCache;
    }

    /** A fresh random client nonce. */
    public static String nonce() {
        return B64.encodeToString(random(18));
    }

    /** The client-first message. */
    public String clientFirst() {
        return "n,," + clientFirstBare;
    }

    /** The client-final message answering the server-first one. */
    public String clientFinal(String serverFirst) {
        Map<String, String> f = fields(serverFirst);
        String nonce = f.get("r");
        if (nonce == null || !nonce.startsWith(fields(clientFirstBare).get("r"))) {
            throw new IllegalArgumentException("server nonce does not extend ours");
        }
        int iterations = Integer.parseInt(f.get("i"));
        byte[] salt = Base64.getDecoder().decode(f.get("s"));
        saltedPassword = saltedCache == null ? saltedPassword(password, salt, iterations)
                : saltedCache.computeIfAbsent(f.get("s") + "/" + iterations + "/" + password,
                        k -> saltedPassword(password, salt, iterations));
        String withoutProof = "c=biws,r=" + nonce;
        authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] clientKey = hmac(saltedPassword, "Client Key".getBytes(StandardCharsets.UTF_8));
        byte[] signature = hmac(sha256(clientKey), authMessage.getBytes(StandardCharsets.UTF_8));
        byte[] proof = new byte[clientKey.length];
        for (int i = 0; i < proof.length; i++) {
            proof[i] = (byte) (clientKey[i] ^ signature[i]);
        }
        return withoutProof + ",p=" + B64.encodeToString(proof);
    }

    /** Whether the server-final message proves the server knows our credential. */
    public boolean serverVerified(String serverFinal) {
        if (serverFinal == null || !serverFinal.startsWith("v=") || authMessage == null) {
            return false;
        }
        byte[] serverKey = hmac(saltedPassword, "Server Key".getBytes(StandardCharsets.UTF_8));
        byte[] expected = hmac(serverKey, authMessage.getBytes(StandardCharsets.UTF_8));
        return MessageDigest.isEqual(expected, Base64.getDecoder().decode(serverFinal.substring(2)));
    }

    /**
     * The attributes of a credential derived from a password with a fresh salt:
     * {@code mechanism, iterations, salt, stored-key, server-key}.
     */
    public static Map<String, String> credential(String password, int iterations) {
        return credential(password, random(16), iterations);
    }

    /** As {@link #credential(String, int)} with a given salt (a load generator shares one). */
    public static Map<String, String> credential(String password, byte[] salt, int iterations) {
        byte[] salted = saltedPassword(password, salt, iterations);
        Map<String, String> out = new HashMap<>();
        out.put("mechanism", MECHANISM);
        out.put("iterations", String.valueOf(iterations));
        out.put("salt", B64.encodeToString(salt));
        out.put("stored-key", B64.encodeToString(sha256(hmac(salted, "Client Key".getBytes(StandardCharsets.UTF_8)))));
        out.put("server-key", B64.encodeToString(hmac(salted, "Server Key".getBytes(StandardCharsets.UTF_8))));
        return out;
    }

    private static byte[] saltedPassword(String password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } finally {
            spec.clearPassword();
        }
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static Map<String, String> fields(String message) {
        Map<String, String> out = new HashMap<>();
        for (String part : message.split(",")) {
            if (part.length() >= 2 && part.charAt(1) == '=') {
                out.putIfAbsent(part.substring(0, 1), part.substring(2));
            }
        }
        return out;
    }
}
