package dev.switchboard.client.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

/**
 * Records as files named {@code <dir>/<kind>/<name>}, the owner's only: folders 0700, files 0600,
 * each written whole to a temporary file and moved into place, so a crash leaves the old record or
 * the new one, never half of one.
 */
final class PrivateFiles {

    private static final String PRIVATE_FILE = "rw-------";
    private final Path dir;

    PrivateFiles(Path dir) {
        this.dir = dir;
    }

    /** Writes a file the owner alone can read, atomically. */
    static void write(Path file, byte[] bytes) throws IOException {
        if (!Files.isDirectory(file.getParent())) {
            Files.createDirectories(file.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Path tmp = Files.createTempFile(file.getParent(), ".tmp-", "",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(PRIVATE_FILE)));
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    Path file(String kind, String name) {
        return dir.resolve(kind).resolve(name);
    }

    byte[] read(String kind, String name) {
        try {
            return Files.readAllBytes(file(kind, name));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void put(String kind, String name, byte[] bytes) {
        try {
            write(file(kind, name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("could not store " + kind + " " + name, e);
        }
    }

    void remove(String kind, String name) {
        try {
            Files.deleteIfExists(file(kind, name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> names(String kind) {
        Path d = dir.resolve(kind);
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(d)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
