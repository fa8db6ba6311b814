package dev.switchboard.api.auth;

/**
 * A SCRAM credential as a client sends it when registering, linking or changing a password:
 * derived from the password on the client, so the password itself never crosses the wire.
 *
 * @param mechanism  must be {@code SCRAM-SHA-256}
 * @param iterations PBKDF2 iterations the client used; at least the server's configured minimum
 * @param salt       base64 salt, 16 to 64 bytes
 * @param storedKey  base64 H(ClientKey), 32 bytes
 * @param serverKey  base64 HMAC(SaltedPassword, "Server Key"), 32 bytes
 */
public record CredentialData(String mechanism, int iterations, String salt, String storedKey, String serverKey) {
}
