package dev.switchboard.lifecycle.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * One server per home: an exclusive lock on {@code data/switchboard.lock}, held for the life of the
 * process (the operating system releases it when the process dies, even by kill -9, so a crash
 * never leaves a stale lock). The file holds the owner's pid for the message a second instance prints.
 */
final class InstanceLock implements AutoCloseable {

    static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    private final FileChannel channel;
    private final FileLock lock;

    private InstanceLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Makes {@code data} private (0700, whatever the umask) and takes the lock.
     *
     * @return the lock, or empty when another process holds it
     */
    static Optional<InstanceLock> acquire(Path data) throws IOException {
        privateDirectory(data);
        privateDirectory(data.resolve("log")); // the log names users and addresses
        Path file = data.resolve("switchboard.lock");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        Files.setPosixFilePermissions(file, OWNER_ONLY_FILE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            channel.close();
            return Optional.empty();
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        channel.force(true);
        return Optional.of(new InstanceLock(channel, lock));
    }

    /** The pid written by whoever holds the lock, or "?" when it cannot be read. */
    static String holder(Path data) {
        try {
            return Files.readString(data.resolve("switchboard.lock"), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    /** Creates the folder if needed and sets it to 0700, also when it existed with a looser mode. */
    static void privateDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        if (!Files.getPosixFilePermissions(dir).equals(OWNER_ONLY_DIR)) {
            Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
        }
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
