package dev.switchboard.media.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short-lived bearer tokens for the HTTP endpoint, issued over an authenticated messaging
 * connection: {@code user.expiresAtMs.mac}, the MAC an HMAC-SHA256 under a server secret. Nothing is
 * stored per token; the secret is handed to the next revision so tokens outlive a swap.
 */
final class MediaTokens {

    private final byte[] secret;

    MediaTokens(byte[] secret) {
        this.secret = secret.clone();
    }

    String issue(String user, long expiresAtMs) {
        String payload = user + "." + expiresAtMs;
        return payload + "." + mac(payload);
    }

    /** The user a token was issued to, or null when it is malformed, forged or expired. */
    String verify(String token, long nowMs) {
        if (token == null) {
            return null;
        }
        int last = token.lastIndexOf('.');
        int first = token.indexOf('.');
        if (first <= 0 || last <= first) {
            return null;
        }
        String payload = token.substring(0, last);
        byte[] expected = mac(payload).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, token.substring(last + 1).getBytes(StandardCharsets.US_ASCII))) {
            return null;
        }
        try {
            long expires = Long.parseLong(token.substring(first + 1, last));
            return expires >= nowMs ? token.substring(0, first) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private String mac(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java has HmacSHA256", e);
        }
    }

    byte[] secret() {
        return secret.clone();
    }
}
