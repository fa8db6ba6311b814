package dev.switchboard.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.stanza.Node;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    @TempDir
    Path dir;

    @Test
    void usageErrorsExitWithTwoAndFailuresWithOne() {
        assertEquals(0, Cli.run("--help"));
        assertEquals(0, Cli.run("send", "--help"));
        assertEquals(2, Cli.run("send"));
        assertEquals(2, Cli.run("no-such-command"));
        assertEquals(1, Cli.run("--config", dir.toString(), "send", "15550001", "hi"), "not logged in");
    }

    @Test
    void theStoredLoginIsPrivateAndHoldsNoPassword() throws Exception {
        new Credentials("127.0.0.1", 5200, "15550001", 0, "tok-en").save(dir.resolve("cfg"));
        assertEquals(new Credentials("127.0.0.1", 5200, "15550001", 0, "tok-en"), Credentials.load(dir.resolve("cfg")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("cfg/credentials"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("cfg"))));
        Files.writeString(dir.resolve("cfg/credentials"), "port=x");
        assertTrue(assertThrows(java.io.IOException.class, () -> Credentials.load(dir.resolve("cfg"))).getMessage()
                .contains("log in again"));
    }

    @Test
    void messagesReadAsLines() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Printer printer = new Printer(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        printer.message(Node.withContent("message", "hi".getBytes(StandardCharsets.UTF_8), "from", "15550001/0", "id", "1",
                "t", "0"));
        printer.message(new Node("message", java.util.Map.of("from", "15550001/1", "type", "media", "media", "ab", "size",
                "3", "mime", "image/png"), java.util.List.of(), null));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("] 15550001: hi"), out);
        assertTrue(out.contains("15550001/1: [file image/png, 3 bytes, sha256 ab]"), out);
    }

    @Test
    void aReceivedFilesNameCannotClimbOutOfTheFilesFolderOrOverwrite() throws Exception {
        Path files = dir.resolve("files");
        assertEquals(files.resolve("passwd"), Encryption.saveAs(files, "../../etc/passwd"));
        assertEquals(files.resolve("evil.txt"), Encryption.saveAs(files, "..\\..\\evil.txt"));
        assertEquals(files.resolve("file"), Encryption.saveAs(files, "/"));
        assertEquals(files.resolve("file.bashrc"), Encryption.saveAs(files, ".bashrc"));
        Files.writeString(files.resolve("photo.jpg"), "already here");
        assertEquals(files.resolve("photo.jpg (1)"), Encryption.saveAs(files, "photo.jpg"));
    }
}
