package dev.switchboard.api.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * A device's password as stored: never the password, only a salted, iterated hash of it.
 *
 * @param algorithm  the hash, e.g. {@code PBKDF2WithHmacSHA256}
 * @param iterations the iteration count used
 * @param salt       random salt, unique per credential
 * @param hash       the derived key
 */
public record StoredCredential(String algorithm, int iterations, byte[] salt, byte[] hash) {

    public StoredCredential {
        Objects.requireNonNull(algorithm, "algorithm");
        salt = salt.clone();
        hash = hash.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredCredential c && algorithm.equals(c.algorithm) && iterations == c.iterations
                && Arrays.equals(salt, c.salt) && Arrays.equals(hash, c.hash);
    }

    @Override
    public int hashCode() {
        return Objects.hash(algorithm, iterations) * 31 + Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
        return "StoredCredential[" + algorithm + ", " + iterations + " iterations]";
    }
}
