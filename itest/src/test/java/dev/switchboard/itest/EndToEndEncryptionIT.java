package dev.switchboard.itest;

import static org.junit.Assert.*;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.client.e2e.EncryptedClient;
import dev.switchboard.client.e2e.Envelope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Issue #17's acceptance with the SDK's encryption ({@code client-e2e}, libsignal) against the
 * exported runtime: every device decrypts its copy, a newly linked device is covered by the
 * automatic resend, a device without one-time prekeys is reached from its signed prekey, a group
 * message sent once decrypts on every member device, and a file is encrypted before upload. Then
 * the marker check: the server's database, journal, logs, media folder and a heap dump hold none
 * of the markers sent encrypted, while a marker sent in plain text is found (the scan can fail).
 */
public class EndToEndEncryptionIT {

    private static RuntimeProcess server;
    private final Map<SwitchboardClient, List<EncryptedClient.Received>> decrypted = new HashMap<>();
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeClass
    public static void startServer() throws Exception {
        server = new RuntimeProcess("E2eIT");
    }

    @AfterClass
    public static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private record Device(SwitchboardClient client, EncryptedClient e2e) {
    }

    private Device device(String user, int device, int preKeys) throws Exception {
        SwitchboardClient c = SwitchboardClient.connect("127.0.0.1", server.port);
        open.add(c);
        c.login(user, device, "pw-" + user);
        Path dir = server.home.resolve("clients").resolve(user + "." + device);
        return new Device(c, EncryptedClient.open(c, device, dir, preKeys));
    }

    private Device device(String user, int device) throws Exception {
        return device(user, device, EncryptedClient.DEFAULT_PREKEYS);
    }

    /** Decrypts everything encrypted that reaches the device, in order, and returns the message with this id. */
    private EncryptedClient.Received receive(Device d, String id) throws Exception {
        List<EncryptedClient.Received> seen = decrypted.computeIfAbsent(d.client(), k -> new ArrayList<>());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (EncryptedClient.Received r : seen) {
                if (id.equals(r.id())) {
                    seen.remove(r);
                    return r;
                }
            }
            Node n = d.client().incoming().poll(100, TimeUnit.MILLISECONDS);
            if (n == null) {
                continue;
            }
            if (n.tag().equals("message") && "1".equals(n.attr("e2e"))) {
                EncryptedClient.Received r = d.e2e().decrypt(n);
                if (r.content().kind() != Envelope.SENDER_KEY) {
                    seen.add(r);
                }
            } else {
                d.e2e().onNotification(n);
            }
        }
        throw new AssertionError("no message " + id + " decrypted within 30 s; had " + seen);
    }

    @Test
    public void encryptedOnEveryDeviceAcrossLinksGroupsAndFilesAndTheServerNeverHoldsThePlaintext() throws Exception {
        String a = "15559700001", b = "15559700002", c = "15559700003", away = "15559700004";
        server.addUsers(a, "pw-" + a, b, "pw-" + b, c, "pw-" + c, away, "pw-" + away);
        String marker = "MARKER-" + UUID.randomUUID();
        try {
            Device alice = device(a, 0);
            alice.client().linkDevice(1, "pw-" + a);
            Device aliceLaptop = device(a, 1);
            Device bob = device(b, 0);
            bob.client().linkDevice(1, "pw-" + b);
            bob.client().linkDevice(2, "pw-" + b);
            Device bobPhone = device(b, 1);
            Device bobTablet = device(b, 2);
            // carol keeps no one-time prekeys: a session with her starts from her signed prekey alone
            Device carol = device(c, 0, 0);

            assertNull(alice.e2e().send(b, "m1", "hello " + marker + " 1").attr("error"));
            for (Device d : List.of(bob, bobPhone, bobTablet, aliceLaptop)) {
                assertEquals("hello " + marker + " 1", receive(d, "m1").text());
            }
            assertNull(alice.e2e().send(b, "m1b", "again " + marker).attr("error")); // on the session the first one started
            EncryptedClient.Received again = receive(bob, "m1b");
            assertEquals("again " + marker, again.text());
            assertEquals(new Address(a, 0), again.from());

            // a device linked since: the first try is refused mismatched-devices, the SDK fetches its keys and resends
            bob.client().linkDevice(3, "pw-" + b);
            Device bobWatch = device(b, 3);
            long resends = alice.e2e().resends();
            assertNull(alice.e2e().send(b, "m2", "second " + marker).attr("error"));
            assertEquals(resends + 1, alice.e2e().resends());
            for (Device d : List.of(bob, bobPhone, bobTablet, bobWatch, aliceLaptop)) {
                assertEquals("second " + marker, receive(d, "m2").text());
            }

            assertNull(alice.e2e().send(c, "m3", "to carol " + marker).attr("error"));
            assertEquals("to carol " + marker, receive(carol, "m3").text());
            assertEquals(alice.e2e().safetyNumbers(c).get(new Address(c, 0)), carol.e2e().safetyNumbers(a).get(new Address(a, 0)));

            // carol reinstalls (a new identity and registration id): alice's old session cannot reach her; the
            // server names the device stale, the SDK warns of the new identity before it encrypts to it, and resends
            List<Address> warned = new java.util.concurrent.CopyOnWriteArrayList<>();
            alice.e2e().onIdentityChange((device, number) -> warned.add(device));
            carol.client().close();
            deleteTree(server.home.resolve("clients").resolve(c + ".0"));
            carol = device(c, 0, 0);
            long beforeReinstall = alice.e2e().resends();
            assertNull(alice.e2e().send(c, "m4", "after the reinstall " + marker).attr("error"));
            assertEquals(List.of(new Address(c, 0)), warned);
            assertEquals(beforeReinstall + 1, alice.e2e().resends());
            assertEquals("after the reinstall " + marker, receive(carol, "m4").text());

            // a group message: sender keys pairwise first, then one ciphertext for everyone
            String g = alice.client().createGroup("secret plans", List.of(b, c));
            assertNull(alice.e2e().sendGroup(g, "g1", "group " + marker).attr("error"));
            for (Device d : List.of(bob, bobPhone, bobTablet, bobWatch, carol, aliceLaptop)) {
                EncryptedClient.Received r = receive(d, "g1");
                assertEquals("group " + marker, r.text());
                assertEquals(g, r.group());
            }

            // a file, encrypted before upload, its name and contents marked
            Path file = server.home.resolve(marker + ".txt");
            byte[] contents = ("file contents " + marker + "\n").repeat(200).getBytes(StandardCharsets.UTF_8);
            Files.write(file, contents);
            assertNull(alice.e2e().sendFile(b, "f1", file, "text/plain", "caption " + marker).attr("error"));
            Files.delete(file);
            EncryptedClient.Received media = receive(bob, "f1");
            assertEquals(Envelope.MEDIA, media.content().kind());
            assertEquals(marker + ".txt", media.content().media().name());
            Path fetched = server.home.resolve("fetched.bin");
            bob.e2e().fetchFile(media.content().media(), fetched);
            assertArrayEquals(contents, Files.readAllBytes(fetched));
            Files.delete(fetched);

            // the client's state is its owner's only
            Path aliceState = server.home.resolve("clients").resolve(a + ".0");
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(aliceState)));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(aliceState.resolve("identity"))));

            // the control: a plain message to an account that is away is stored, so its marker is on the disk
            String plainMarker = "PLAINMARKER-" + UUID.randomUUID();
            assertNull(alice.client().send(away, "p1", plainMarker.getBytes(StandardCharsets.UTF_8))
                    .get(30, TimeUnit.SECONDS).attr("error"));
            Path heap = server.home.resolve("server.hprof");
            Process dump = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(server.pid()), "GC.heap_dump", heap.toString()).redirectErrorStream(true).start();
            assertTrue(dump.waitFor(120, TimeUnit.SECONDS));
            assertEquals(new String(dump.getInputStream().readAllBytes()), 0, dump.exitValue());
            for (AutoCloseable x : open) {
                x.close();
            }
            open.clear();
            server.close(); // a clean stop: the database and logs are flushed to the files scanned
            List<String> withPlain = filesContaining(server.home.resolve("data"), plainMarker);
            assertFalse("the control marker is found where plain messages are kept", withPlain.isEmpty());
            List<String> leaks = new ArrayList<>(filesContaining(server.home.resolve("data"), marker));
            leaks.addAll(filesContaining(server.home.resolve("server.log"), marker));
            leaks.addAll(filesContaining(heap, marker));
            assertEquals("no encrypted marker in the server's files or heap", List.of(), leaks);
            assertFalse("the heap dump was scanned", filesContaining(heap, "dev.switchboard").isEmpty());
        } finally {
            for (AutoCloseable x : open) {
                x.close();
            }
            server.start(); // the next test (if any) finds a server
        }
    }

    private static void deleteTree(Path root) throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    /** The files under {@code root} (or the file itself) whose bytes contain the text, in UTF-8 or UTF-16. */
    private static List<String> filesContaining(Path root, String text) throws Exception {
        byte[][] needles = {text.getBytes(StandardCharsets.UTF_8), text.getBytes(StandardCharsets.UTF_16LE),
                text.getBytes(StandardCharsets.UTF_16BE)};
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.isDirectory(root) ? Files.walk(root) : Stream.of(root)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                if (contains(f, needles)) {
                    out.add(f.toString());
                }
            }
        }
        return out;
    }

    private static boolean contains(Path file, byte[][] needles) throws Exception {
        byte[] hay = Files.readAllBytes(file);
        for (byte[] needle : needles) {
            outer:
            for (int i = 0; i + needle.length <= hay.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (hay[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
        }
        return false;
    }
}
