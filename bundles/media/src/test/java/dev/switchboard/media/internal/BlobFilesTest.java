package dev.switchboard.media.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobFilesTest {

    @TempDir
    Path dir;

    @Test
    void aBlobIsStoredUnderItsHashAndIdenticalContentOnce() throws Exception {
        BlobFiles files = new BlobFiles(dir);
        byte[] content = "hello media".getBytes();
        BlobFiles.Stored first = files.store(new ByteArrayInputStream(content), 100);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        assertEquals(new BlobFiles.Stored(expected, content.length, true), first);
        assertArrayEquals(content, Files.readAllBytes(files.path(expected)));
        assertEquals(new BlobFiles.Stored(expected, content.length, false), files.store(new ByteArrayInputStream(content), 100));
        assertEquals(0, temporaryFiles());
    }

    @Test
    void tooLargeOrBrokenUploadsLeaveNothing() throws Exception {
        BlobFiles files = new BlobFiles(dir);
        assertThrows(BlobFiles.TooLarge.class, () -> files.store(new ByteArrayInputStream(new byte[101]), 100));
        InputStream breaksOff = new InputStream() {
            private int n;

            @Override
            public int read() throws IOException {
                if (n++ < 50) {
                    return 7;
                }
                throw new IOException("connection reset");
            }
        };
        assertThrows(IOException.class, () -> files.store(breaksOff, 100));
        assertEquals(0, temporaryFiles());
        try (Stream<Path> blobs = Files.walk(dir.resolve("blobs"))) {
            assertEquals(0, blobs.filter(Files::isRegularFile).count());
        }
    }

    @Test
    void leftoversOfACrashAreCleanedWhenOldEnough() throws Exception {
        BlobFiles files = new BlobFiles(dir);
        Path old = Files.writeString(dir.resolve("tmp").resolve("a.part"), "x");
        Files.setLastModifiedTime(old, FileTime.fromMillis(System.currentTimeMillis() - 7_200_000));
        Files.writeString(dir.resolve("tmp").resolve("b.part"), "y"); // an upload in progress
        assertEquals(1, files.cleanTemporary(3_600_000));
        assertEquals(1, temporaryFiles());
    }

    private long temporaryFiles() throws IOException {
        try (Stream<Path> parts = Files.list(dir.resolve("tmp"))) {
            return parts.count();
        }
    }
}
