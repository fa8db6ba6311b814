package dev.switchboard.protocol.xmpp.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * SASL PLAIN (RFC 4616) over TLS, for clients that have no SCRAM-SHA-256 (Smack): the server plays
 * the client's side of Switchboard's SCRAM login with the password it was given, so the
 * authenticator, its stored keys and its throttling are the same for every login. The password
 * lives in the connection's state only between the {@code auth} and the server's challenge.
 */
final class PlainLogin {

    static final String PASSWORD = "plain-password";
    static final String FIRST_BARE = "plain-first";
    private static final SecureRandom RANDOM = new SecureRandom();

    private PlainLogin() {
    }

    /** The parts of a PLAIN message: authzid NUL authcid NUL password; null when malformed. */
    static String[] parse(byte[] message) {
        String text = new String(message, StandardCharsets.UTF_8);
        String[] parts = text.split("\u0000", -1);
        return parts.length == 3 && !parts[1].isEmpty() ? parts : null;
    }

    /** Switchboard's client-first message for a login name, with a fresh nonce. */
    static String clientFirstBare(String name) {
        byte[] nonce = new byte[18];
        RANDOM.nextBytes(nonce);
        return "n=" + name.replace("=", "=3D").replace(",", "=2C") + ",r=" + Base64.getEncoder().encodeToString(nonce);
    }

    /** The client-final message answering the server-first one, proving the password. */
    static String clientFinal(String clientFirstBare, String serverFirst, String password) {
        Map<String, String> fields = new HashMap<>();
        for (String part : serverFirst.split(",")) {
            if (part.length() > 2 && part.charAt(1) == '=') {
                fields.putIfAbsent(part.substring(0, 1), part.substring(2));
            }
        }
        try {
            byte[] salt = Base64.getDecoder().decode(fields.getOrDefault("s", ""));
            int iterations = Integer.parseInt(fields.getOrDefault("i", "0"));
            String withoutProof = "c=biws,r=" + fields.getOrDefault("r", "");
            byte[] salted = ScramMath.saltedPassword(password, salt, iterations);
            byte[] clientKey = ScramMath.hmac(salted, "Client Key");
            byte[] storedKey = ScramMath.sha256(clientKey);
            String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
            byte[] signature = ScramMath.hmac(storedKey, authMessage);
            for (int i = 0; i < clientKey.length; i++) {
                clientKey[i] ^= signature[i];
            }
            return withoutProof + ",p=" + Base64.getEncoder().encodeToString(clientKey);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return "c=biws,r=,p="; // refused by the authenticator as malformed
        }
    }
}
