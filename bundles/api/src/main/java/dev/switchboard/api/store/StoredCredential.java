package dev.switchboard.api.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * A device's SCRAM credential as stored (RFC 5802 §3): never the password, and nothing from which
 * a client could log in without it. {@code StoredKey = H(ClientKey)}, {@code ServerKey =
 * HMAC(SaltedPassword, "Server Key")}, {@code SaltedPassword = PBKDF2(password, salt, iterations)}.
 *
 * @param mechanism  e.g. {@code SCRAM-SHA-256}
 * @param iterations the PBKDF2 iteration count
 * @param salt       random salt, unique per credential
 * @param storedKey  H(ClientKey)
 * @param serverKey  HMAC(SaltedPassword, "Server Key")
 */
public record StoredCredential(String mechanism, int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {

    public StoredCredential {
        Objects.requireNonNull(mechanism, "mechanism");
        salt = salt.clone();
        storedKey = storedKey.clone();
        serverKey = serverKey.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] storedKey() {
        return storedKey.clone();
    }

    @Override
    public byte[] serverKey() {
        return serverKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredCredential c && mechanism.equals(c.mechanism) && iterations == c.iterations
                && Arrays.equals(salt, c.salt) && Arrays.equals(storedKey, c.storedKey)
                && Arrays.equals(serverKey, c.serverKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mechanism, iterations) * 31 + Arrays.hashCode(storedKey);
    }

    @Override
    public String toString() {
        return "StoredCredential[" + mechanism + ", " + iterations + " iterations]";
    }
}
