package dev.switchboard.itest;

import static org.junit.Assert.*;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Issue #7's acceptance with real processes: the exported runtime, and two terminal clients
 * ({@code cli/target/switchboard-cli.jar}) in chat mode. One types, the other sees it; the sender
 * sees ✓ sent, ✓✓ delivered and ✓✓ read; a file sent with {@code send --file} arrives as a
 * reference and {@code fetch} gets the same bytes.
 */
public class CliIT {

    private static RuntimeProcess server;

    @BeforeClass
    public static void startServer() throws Exception {
        server = new RuntimeProcess("CliIT");
    }

    @AfterClass
    public static void stopServer() throws Exception {
        if (server != null) { // null when it did not start; its own failure says why
            server.close();
        }
    }

    @Test
    public void twoTerminalsChatAndSendAFile() throws Exception {
        Path alice = server.home.resolve("cli-alice");
        Path bob = server.home.resolve("cli-bob");
        String a = "15559400001", b = "15559400002";
        assertEquals(0, run(alice, "alice-password\n", "register", a, "--server", "127.0.0.1:" + server.port).waitFor());
        assertEquals(0, run(bob, "bob-password\n", "register", b, "--server", "127.0.0.1:" + server.port).waitFor());
        assertEquals("the stored login is its owner's only", "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(alice.resolve("credentials"))));
        assertFalse("the password is not stored", Files.readString(alice.resolve("credentials")).contains("alice-password"));

        Process bobChat = run(bob, null, "chat", a);
        Path bobOut = bob.resolve("chat.out");
        Process aliceChat = run(alice, null, "chat", b);
        Path aliceOut = alice.resolve("chat.out");
        try {
            awaitOutput(bobOut, "chatting with " + a);
            type(aliceChat, "hello from the terminal");
            awaitOutput(bobOut, a + ": hello from the terminal");
            awaitOutput(aliceOut, "✓ sent       hello from the terminal");
            awaitOutput(aliceOut, "✓✓ delivered hello from the terminal");
            awaitOutput(aliceOut, "✓✓ read      hello from the terminal");
            type(bobChat, "hi alice");
            awaitOutput(aliceOut, b + ": hi alice");

            Path file = alice.resolve("photo.bin");
            byte[] bytes = new byte[200_000];
            new Random(7).nextBytes(bytes);
            Files.write(file, bytes);
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            // encrypted by default: the file is encrypted before upload, bob's chat decrypts and saves it
            Process send = run(alice, null, "send", "--file", file.toString(), b, "a photo");
            assertEquals(read(alice.resolve("send.out")), 0, send.waitFor());
            assertTrue(read(alice.resolve("send.out")), read(alice.resolve("send.out")).contains("(end-to-end encrypted)"));
            awaitOutput(bobOut, "saved to " + bob.resolve("files").resolve("photo.bin"));
            assertTrue(read(bobOut), read(bobOut).contains("[file photo.bin, application/octet-stream, 200000 bytes] a photo"));
            assertArrayEquals(bytes, Files.readAllBytes(bob.resolve("files").resolve("photo.bin")));
            // --plain: a reference the server can read, fetched by its hash
            Process plain = run(alice, null, "send", "--plain", "--file", file.toString(), b, "a plain photo");
            assertEquals(read(alice.resolve("send.out")), 0, plain.waitFor());
            awaitOutput(bobOut, "sha256 " + hash + "] a plain photo");
            Path fetched = bob.resolve("fetched.bin");
            Process fetch = run(bob, null, "fetch", hash, "-o", fetched.toString());
            assertEquals(read(bob.resolve("fetch.out")), 0, fetch.waitFor());
            assertArrayEquals(bytes, Files.readAllBytes(fetched));
        } finally {
            aliceChat.getOutputStream().close(); // end of input: the chat leaves
            bobChat.getOutputStream().close();
            assertTrue(aliceChat.waitFor(30, TimeUnit.SECONDS));
            assertTrue(bobChat.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(Files.readString(aliceOut), 0, aliceChat.exitValue());
        assertEquals(Files.readString(bobOut), 0, bobChat.exitValue());

        Process bad = run(alice, null, "send", "19999", "hi");
        assertEquals(1, bad.waitFor());
        String said = read(alice.resolve("send.out"));
        assertTrue(said, said.contains("error: bad-recipient: no such user: 19999"));
    }

    /**
     * Issue #12's one-shot repros: commands run as a device that has messages waiting take none of
     * them, and commands run while the device's chat is open leave it connected.
     */
    @Test
    public void oneShotCommandsNeitherTakeQueuedMessagesNorKickTheChat() throws Exception {
        Path carol = server.home.resolve("cli-carol");
        Path dave = server.home.resolve("cli-dave");
        String c = "15559400003", d = "15559400004";
        assertEquals(0, run(carol, "carol-password\n", "register", c, "--server", "127.0.0.1:" + server.port).waitFor());
        assertEquals(0, run(dave, "dave-password\n", "register", d, "--server", "127.0.0.1:" + server.port).waitFor());
        for (int i = 1; i <= 3; i++) {
            assertEquals(read(carol.resolve("send.out")), 0, run(carol, null, "send", d, "queued " + i).waitFor());
        }
        // dave, away, runs one-shot commands: each of them must leave his queue alone
        assertEquals(read(dave.resolve("groups.out")), 0, run(dave, null, "groups", "list").waitFor());
        assertEquals(read(dave.resolve("send.out")), 0, run(dave, null, "send", "--plain", d, "a note to myself").waitFor());
        assertEquals(read(dave.resolve("login.out")), 0, run(dave, "dave-password\n", "login", d, "--server",
                "127.0.0.1:" + server.port).waitFor());
        assertEquals(read(dave.resolve("presence.out")), 0, run(dave, null, "presence", "contacts", "list").waitFor());
        assertTrue(ManagementShell.run(server.socket(), "sb:queue " + d + "/0").contains(d + "/0 4"));
        Process receive = run(dave, null, "receive", "--seconds", "3");
        assertEquals(0, receive.waitFor());
        String got = read(dave.resolve("receive.out"));
        for (String text : List.of("queued 1", "queued 2", "queued 3", "a note to myself")) {
            assertTrue(text + " in:\n" + got, got.contains(text));
        }

        Process daveChat = run(dave, null, "chat", c);
        Path daveOut = dave.resolve("chat.out");
        try {
            awaitOutput(daveOut, "chatting with " + c);
            assertEquals(read(dave.resolve("groups.out")), 0, run(dave, null, "groups", "list").waitFor());
            assertEquals(read(dave.resolve("send.out")), 0, run(dave, null, "send", c, "sent from the side").waitFor());
            Process waiting = run(carol, null, "send", "--wait", "delivered", d, "while the chat is open");
            assertEquals(read(carol.resolve("send.out")), 0, waiting.waitFor());
            assertTrue(read(carol.resolve("send.out")), read(carol.resolve("send.out")).contains("✓✓ delivered to " + d));
            awaitOutput(daveOut, c + ": while the chat is open");
            type(daveChat, "x".repeat(2 << 20)); // 2 MiB on one line: over the 1 MiB frame limit
            awaitOutput(daveOut, "message too long (2.0 MB; the limit is 1.0 MB): not sent");
            type(daveChat, "/nonsense");
            awaitOutput(daveOut, "unknown command /nonsense");
            type(daveChat, "still here");
            awaitOutput(daveOut, "✓ sent       still here");
            String chat = read(daveOut);
            assertFalse(chat, chat.contains("connection lost"));
        } finally {
            daveChat.getOutputStream().close();
            assertTrue(daveChat.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(read(daveOut), 0, daveChat.exitValue());

        // the chat's stored login is revoked (a password change) while it runs: it says so and leaves
        Files.delete(daveOut);
        Process revoked = run(dave, null, "chat", c);
        awaitOutput(daveOut, "chatting with " + c);
        String shell = ManagementShell.run(server.socket(), "sb:user passwd " + d + " another-dave-password", "sb:kick " + d);
        assertFalse(shell, shell.contains("error:"));
        awaitOutput(daveOut, "your stored login no longer works: run 'sb login " + d + "' again");
        assertTrue(revoked.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, revoked.exitValue());
        revoked.getOutputStream().close();

        Process weak = run(server.home.resolve("cli-erin"), "short\n", "register", "15559400005", "--server",
                "127.0.0.1:" + server.port);
        assertEquals(1, weak.waitFor());
        assertTrue(read(server.home.resolve("cli-erin/register.out")).contains("at least 8 characters"));
    }

    /** Starts the CLI with its own config folder; output goes to {@code <config>/<command>.out}. */
    /**
     * The CLI pins the server's Noise key on first use; a different key later (a relay, or a server
     * whose key really changed) is refused with a message that says how to accept it, and nothing is sent.
     */
    @Test
    public void aChangedServerKeyIsRefusedAndExplained() throws Exception {
        Path carol = server.home.resolve("cli-carol");
        String c = "15559400009";
        assertEquals(0, run(carol, "carol-password\n", "register", c, "--server", "127.0.0.1:" + server.port).waitFor());
        Path pins = carol.resolve("known_servers");
        String real = Files.readString(server.home.resolve("data/noise/server.pub")).trim();
        assertTrue("the key the server proved is pinned", Files.readString(pins).contains("127.0.0.1:" + server.port + " " + real));

        Files.writeString(pins, "127.0.0.1:" + server.port + " " + "ab".repeat(32) + "\n");
        Process refused = run(carol, null, "send", c, "to myself");
        assertEquals(1, refused.waitFor());
        String said = read(carol.resolve("send.out"));
        assertTrue(said, said.contains("presented Noise key") && said.contains("sb trust --forget 127.0.0.1:" + server.port));

        assertEquals(0, run(carol, null, "trust", "--forget", "127.0.0.1:" + server.port).waitFor());
        Process accepted = run(carol, null, "send", c, "to myself");
        assertEquals(read(carol.resolve("send.out")), 0, accepted.waitFor());
        assertTrue("pinned again on first use", Files.readString(pins).contains(real));
    }

    private static Process run(Path config, String stdin, String... args) throws IOException {
        Files.createDirectories(config);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                Path.of(RuntimeProcess.ROOT, "cli/target/switchboard-cli.jar").toAbsolutePath().normalize().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(config.resolve(args[0] + ".out").toFile());
        builder.environment().put("SB_CLI_HOME", config.toString());
        Process p = builder.start();
        if (stdin != null) {
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        return p;
    }

    private static void type(Process chat, String line) throws IOException {
        OutputStream in = chat.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private static void awaitOutput(Path file, String text) throws InterruptedException {
        SwitchboardTestSupport.await(() -> "'" + text + "' in " + file + ":\n" + read(file), Duration.ofSeconds(30),
                () -> read(file).contains(text));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
