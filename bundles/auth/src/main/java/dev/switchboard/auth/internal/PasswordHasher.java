package dev.switchboard.auth.internal;

import dev.switchboard.api.store.StoredCredential;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/** Salted, iterated password hashes (PBKDF2-HMAC-SHA256); the password itself is never stored. */
final class PasswordHasher {

    static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final int SALT_BYTES = 16;
    private static final int KEY_BITS = 256;

    private final SecureRandom random = new SecureRandom();
    private final int iterations;

    PasswordHasher(int iterations) {
        if (iterations < 1000) {
            throw new IllegalArgumentException("at least 1000 iterations, got " + iterations);
        }
        this.iterations = iterations;
    }

    StoredCredential hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return new StoredCredential(ALGORITHM, iterations, salt, derive(password, salt, iterations));
    }

    /** Constant-time comparison against a stored credential, with that credential's own iteration count. */
    boolean matches(String password, StoredCredential stored) {
        if (!ALGORITHM.equals(stored.algorithm())) {
            return false;
        }
        return MessageDigest.isEqual(derive(password, stored.salt(), stored.iterations()), stored.hash());
    }

    /** Spends the same time as a real check, so "no such user" cannot be told from "wrong password". */
    void burn(String password) {
        derive(password, new byte[SALT_BYTES], iterations);
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        char[] chars = password.toCharArray();
        PBEKeySpec spec = new PBEKeySpec(chars, salt, iterations, KEY_BITS);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is part of every Java 17 runtime", e);
        } finally {
            spec.clearPassword();
            Arrays.fill(chars, '\0');
        }
    }
}
