package dev.switchboard.media.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Blobs as files named by their SHA-256 under {@code blobs/<first two hex digits>/}. An upload is
 * written to {@code tmp/} while it is hashed and counted, and only a complete one is renamed into
 * place (an atomic rename on the same file system), so no reader ever sees a partial blob.
 */
final class BlobFiles {

    /** The upload was larger than allowed; nothing was kept. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(long limit) {
            super("uploads are limited to " + limit + " bytes");
        }
    }

    /** What was stored; {@code fresh} when this upload put the file in place (it was not there before). */
    record Stored(String sha256, long size, boolean fresh) {
    }

    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    private final Path blobs;
    private final Path tmp;

    BlobFiles(Path root) throws IOException {
        this.blobs = root.resolve("blobs");
        this.tmp = root.resolve("tmp");
        Files.createDirectories(blobs);
        Files.createDirectories(tmp);
        // blobs are users' files: owner-only, whatever the umask (the folder keeps others out of all of it)
        Files.setPosixFilePermissions(root, OWNER_ONLY_DIR);
    }

    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> OWNER_ONLY_DIR =
            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------");
    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> OWNER_ONLY_FILE =
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------");

    /**
     * Reads an upload to its end, at most {@code limit} bytes, and puts it in place under its hash.
     * Identical content already stored stays as it is.
     *
     * @throws TooLarge when the stream holds more than {@code limit} bytes
     * @throws IOException when the stream breaks off: the partial file is deleted
     */
    Stored store(InputStream in, long limit) throws IOException {
        Path part = tmp.resolve(UUID.randomUUID() + ".part");
        boolean kept = false;
        try {
            MessageDigest sha = sha256();
            long size = 0;
            byte[] buffer = new byte[64 * 1024];
            Files.createFile(part);
            Files.setPosixFilePermissions(part, OWNER_ONLY_FILE);
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(part), sha)) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    size += n;
                    if (size > limit) {
                        throw new TooLarge(limit);
                    }
                    out.write(buffer, 0, n);
                }
            }
            try (FileChannel written = FileChannel.open(part, StandardOpenOption.WRITE)) {
                written.force(true); // on disk before it becomes visible: a crash never shows a torn blob
            }
            String hash = HexFormat.of().formatHex(sha.digest());
            Path target = path(hash);
            if (Files.exists(target)) {
                // fresh again: the orphan sweep leaves files written or re-uploaded within the hour
                Files.setLastModifiedTime(target, FileTime.fromMillis(System.currentTimeMillis()));
            } else {
                Files.createDirectories(target.getParent());
                try {
                    Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("the media folder must be on one file system: " + e.getMessage(), e);
                }
                kept = true;
            }
            return new Stored(hash, size, kept);
        } finally {
            if (!kept) {
                Files.deleteIfExists(part);
            }
        }
    }

    /** The file of a blob (it may not exist). */
    Path path(String sha256) {
        return blobs.resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    boolean exists(String sha256) {
        return Files.isRegularFile(path(sha256));
    }

    void delete(String sha256) throws IOException {
        Files.deleteIfExists(path(sha256));
    }

    /** Deletes unfinished uploads older than {@code olderThanMs} (left by a crash). @return how many */
    int cleanTemporary(long olderThanMs) throws IOException {
        int removed = 0;
        FileTime cutoff = FileTime.fromMillis(System.currentTimeMillis() - olderThanMs);
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(tmp, "*.part")) {
            for (Path p : parts) {
                if (Files.getLastModifiedTime(p).compareTo(cutoff) < 0 && Files.deleteIfExists(p)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    /**
     * The hashes of blob files not written (or uploaded again) for {@code olderThanMs}, at most
     * {@code max}: candidates for the orphan sweep, which deletes those the index does not know.
     */
    List<String> settledBlobs(long olderThanMs, int max) throws IOException {
        List<String> out = new ArrayList<>();
        FileTime cutoff = FileTime.fromMillis(System.currentTimeMillis() - olderThanMs);
        try (DirectoryStream<Path> prefixes = Files.newDirectoryStream(blobs, Files::isDirectory)) {
            for (Path prefix : prefixes) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(prefix)) {
                    for (Path f : files) {
                        String name = f.getFileName().toString();
                        if (HASH.matcher(name).matches() && Files.getLastModifiedTime(f).compareTo(cutoff) < 0) {
                            out.add(name);
                            if (out.size() >= max) {
                                return out;
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
