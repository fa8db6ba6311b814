package dev.switchboard.client.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.CipherInputStream;
import javax.crypto.CipherOutputStream;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A file encrypted before it is uploaded: AES-256-GCM under a fresh random key (the 32-byte key
 * and 12-byte nonce travel inside the end-to-end message as one 44-byte key); the digest is the
 * SHA-256 of the ciphertext, checked before anything is decrypted.
 */
final class MediaCipher {

    private static final int KEY = 32;
    private static final int NONCE = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private MediaCipher() {
    }

    /** The key (key and nonce) and the ciphertext's digest. */
    record Sealed(byte[] key, byte[] digest) {
    }

    static Sealed encrypt(Path plain, Path encrypted) throws IOException {
        byte[] key = new byte[KEY + NONCE];
        RANDOM.nextBytes(key);
        try (InputStream in = Files.newInputStream(plain);
             OutputStream out = new CipherOutputStream(Files.newOutputStream(encrypted), cipher(Cipher.ENCRYPT_MODE, key))) {
            in.transferTo(out);
        }
        return new Sealed(key, digest(encrypted));
    }

    /** @throws IOException when the blob is not the one the message named, or does not decrypt */
    static void decrypt(Path encrypted, byte[] key, byte[] expectedDigest, Path plain) throws IOException {
        if (key.length != KEY + NONCE) {
            throw new IOException("a media key of " + key.length + " bytes; expected " + (KEY + NONCE));
        }
        if (!MessageDigest.isEqual(digest(encrypted), expectedDigest)) {
            throw new IOException("the downloaded blob is not the one the message names (digest differs)");
        }
        Path tmp = Files.createTempFile(plain.toAbsolutePath().getParent(), ".part-", "");
        try {
            try (InputStream in = new CipherInputStream(Files.newInputStream(encrypted), cipher(Cipher.DECRYPT_MODE, key));
                 OutputStream out = Files.newOutputStream(tmp)) {
                in.transferTo(out);
            }
            Files.move(tmp, plain, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IOException("the blob does not decrypt with the message's key: " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Cipher cipher(int mode, byte[] key) throws IOException {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(mode, new SecretKeySpec(Arrays.copyOf(key, KEY), "AES"), new GCMParameterSpec(128, key, KEY, NONCE));
            return c;
        } catch (GeneralSecurityException e) {
            throw new IOException("AES-GCM is not available: " + e.getMessage(), e);
        }
    }

    private static byte[] digest(Path file) throws IOException {
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return in.getMessageDigest().digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
