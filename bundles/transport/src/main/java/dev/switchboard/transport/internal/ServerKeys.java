package dev.switchboard.transport.internal;

import dev.switchboard.noise.KeyPair25519;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The server's Noise static keys under {@code data/noise/}: {@code server.key} (generated on the
 * first start, owner-only) is the one it presents; {@code previous.key}, when an operator rotating
 * keys moved the old one there, is still accepted from clients that knew it, and they are told the
 * new one. {@code server.pub} holds the public key for operators to hand to clients.
 */
final class ServerKeys {

    private final KeyPair25519 current;
    private final List<KeyPair25519> accepted;

    private ServerKeys(KeyPair25519 current, List<KeyPair25519> accepted) {
        this.current = current;
        this.accepted = accepted;
    }

    static ServerKeys load(Path directory) throws IOException {
        Files.createDirectories(directory);
        Path key = directory.resolve("server.key");
        KeyPair25519 current;
        if (Files.exists(key)) {
            current = read(key);
        } else {
            current = KeyPair25519.generate();
            try {
                Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(key, HexFormat.of().formatHex(current.privateKey()) + "\n");
            } catch (FileAlreadyExistsException raced) {
                current = read(key);
            }
        }
        Files.writeString(directory.resolve("server.pub"), KeyPair25519.hex(current.publicKey()) + "\n");
        List<KeyPair25519> accepted = new ArrayList<>(List.of(current));
        Path previous = directory.resolve("previous.key");
        if (Files.exists(previous)) {
            accepted.add(read(previous));
        }
        return new ServerKeys(current, List.copyOf(accepted));
    }

    private static KeyPair25519 read(Path file) throws IOException {
        String hex = Files.readString(file, StandardCharsets.US_ASCII).trim();
        try {
            return KeyPair25519.fromPrivate(HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " does not hold a Curve25519 private key (64 hex digits): " + e.getMessage(), e);
        }
    }

    KeyPair25519 current() {
        return current;
    }

    /** The current key first, then a previous one still honoured. */
    List<KeyPair25519> accepted() {
        return accepted;
    }

    String fingerprint() {
        return KeyPair25519.fingerprint(current.publicKey());
    }
}
