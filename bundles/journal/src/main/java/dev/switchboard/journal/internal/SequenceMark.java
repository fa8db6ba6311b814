package dev.switchboard.journal.internal;

import dev.switchboard.api.store.StoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The highest sequence number ever reserved, in a file of its own (segments come and go, this
 * mark must not): written to a temporary file, forced, then moved over the old one, so a crash
 * leaves either the old mark or the new one, never a torn one.
 */
final class SequenceMark {

    private final Path file;
    private long value;

    SequenceMark(Path file) throws IOException {
        this.file = file;
        if (Files.exists(file)) {
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            try {
                value = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new IOException("the sequence mark " + file + " holds '" + text + "', not a number");
            }
        }
    }

    long value() {
        return value;
    }

    void set(long next) throws StoreException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            Segments.ownerOnly(tmp);
            ch.write(ByteBuffer.wrap((next + "\n").getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        } catch (IOException e) {
            throw new StoreException("cannot reserve sequence numbers: " + e.getMessage(), e);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new StoreException("cannot reserve sequence numbers: " + e.getMessage(), e);
        }
        value = next;
    }
}
