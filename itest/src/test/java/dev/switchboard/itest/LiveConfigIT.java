package dev.switchboard.itest;

import static org.junit.Assert.*;

import dev.switchboard.client.SwitchboardClient;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * Issue #13's live configuration on the exported runtime, as an operator does it: the transport's
 * file under etc/ is created and edited while clients are connected. Limits apply without dropping
 * anyone; an invalid value is refused with a log line and the listener stays; a new port is
 * listened on while the connections made on the old one carry on.
 */
public class LiveConfigIT {

    private static final String ALICE = "15550000501";
    private static final String BOB = "15550000502";

    private RuntimeProcess server;
    private Path config;

    @Before
    public void start() throws Exception {
        server = new RuntimeProcess("LiveConfigIT", true);
        config = server.home.resolve("etc/dev.switchboard.transport.cfg");
        server.addUsers(ALICE, "alice-password", BOB, "bob-password");
    }

    @After
    public void stop() throws Exception {
        if (server != null) { // null when it did not start; its own failure says why
            server.close();
        }
    }

    /** Replaces the file in one step, as an editor that saves by rename does (FileInstall sees it whole). */
    private void edit(String content) throws Exception {
        Path tmp = server.home.resolve("transport.cfg.new");
        Files.writeString(tmp, content);
        Files.move(tmp, config, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void awaitLog(String text) throws InterruptedException {
        Path log = server.home.resolve("server.log");
        SwitchboardTestSupport.await("'" + text + "' in " + log, Duration.ofSeconds(30), () -> {
            try {
                return Files.readString(log).contains(text);
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }

    private SwitchboardClient login(int port, String user, String password) throws Exception {
        SwitchboardClient c = SwitchboardClient.connect(new InetSocketAddress("127.0.0.1", port), null);
        c.login(user, 0, password);
        return c;
    }

    private static void chat(SwitchboardClient from, SwitchboardClient to, String text) throws Exception {
        assertNull(from.send(to.user(), text, text.getBytes()).get(10, TimeUnit.SECONDS).attr("error"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            dev.switchboard.api.stanza.Node n = to.incoming().poll(100, TimeUnit.MILLISECONDS);
            if (n != null && "message".equals(n.tag()) && text.equals(n.attr("id"))) {
                return;
            }
        }
        fail(text + " did not arrive");
    }

    @Test
    public void editsApplyLiveWithoutDroppingAConnection() throws Exception {
        int oldPort = server.port;
        try (SwitchboardClient alice = login(oldPort, ALICE, "alice-password");
             SwitchboardClient bob = login(oldPort, BOB, "bob-password")) {
            chat(alice, bob, "before");

            edit("port=" + oldPort + "\nmaxConnections=1000\nidleSeconds=60\n");
            awaitLog("Transport settings applied live (no connection dropped)");
            chat(alice, bob, "after-limits");

            // saved right after the previous edit applied: FileInstall once wrote the previous
            // configuration back over a quick second save, so the operator's edit vanished
            String banana = "port=" + oldPort + "\nmaxConnections=1000\nmaxFramesPerSecond=banana\n";
            edit(banana);
            awaitLog("maxFramesPerSecond=banana is not a whole number; keeping 2000");
            assertEquals("the server never rewrites the operator's file", banana, Files.readString(config));
            chat(bob, alice, "after-banana");
            try (SwitchboardClient again = login(oldPort, BOB, "bob-password")) {
                assertTrue("the listener is still up after the bad value", again.isOpen());
            }
            bob.close(); // 'again' replaced bob's session; alice's is the one that must survive the move

            int newPort;
            try (ServerSocket free = new ServerSocket(0)) {
                newPort = free.getLocalPort();
            }
            edit("port=" + newPort + "\n");
            awaitLog("Binary protocol moved from");
            server.port = newPort;
            try (SwitchboardClient bobOnNewPort = login(newPort, BOB, "bob-password")) {
                chat(alice, bobOnNewPort, "across-the-move");
                chat(bobOnNewPort, alice, "reply-across-the-move");
            }
            assertTrue("alice, connected on the old port, is still connected", alice.isOpen());
            assertFalse("the old port no longer listens", listening(oldPort));
        }
    }

    @Test
    public void theMediaUrlFollowsTheHttpsServerAndTokensStayOutOfUrls() throws Exception {
        int httpsPort;
        try (ServerSocket free = new ServerSocket(0)) {
            httpsPort = free.getLocalPort();
        }
        String media = "https://127.0.0.1:" + httpsPort + "/media";
        Path http = server.home.resolve("etc/org.apache.felix.http.cfg");
        Files.writeString(http, Files.readString(http) + "org.osgi.service.http.port.secure=" + httpsPort + "\n");
        awaitLog("Media at " + media);
        try (SwitchboardClient alice = login(server.port, ALICE, "alice-password")) {
            dev.switchboard.client.MediaToken token = alice.mediaToken();
            assertEquals("the token names where media really is", media, token.url());
            assertEquals("and the certificate to pin", Files.readString(server.home.resolve("data/tls/https.sha256")).trim(),
                    token.certificateSha256());
            Path file = server.home.resolve("upload.bin");
            Files.write(file, new byte[4096]);
            dev.switchboard.client.MediaRef ref = alice.upload(file); // over HTTPS, the self-signed certificate pinned
            Path back = server.home.resolve("download.bin");
            alice.download(ref.sha256(), back);
            assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(back));
            // a client that trusts only the usual authorities does not take the development certificate
            java.net.http.HttpClient strict = java.net.http.HttpClient.newHttpClient();
            assertThrows(javax.net.ssl.SSLHandshakeException.class, () -> strict.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(token.url() + "/" + "0".repeat(64) + "?token=" + token.token())).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()));
        }
        // started with the port already in the file, Jetty binds only that one, not the default first
        Path log = server.home.resolve("data/log/switchboard.log");
        long defaultBefore = count(log, "HTTPS:" + server.httpPort);
        long mediaBefore = count(log, "Media at " + media);
        server.close();
        server.start();
        SwitchboardTestSupport.await("media on port " + httpsPort + " after the restart", Duration.ofSeconds(30),
                () -> count(log, "Media at " + media) > mediaBefore);
        assertEquals("the default HTTPS port was not bound for a moment", defaultBefore, count(log, "HTTPS:" + server.httpPort));
    }

    private static long count(Path log, String text) {
        try {
            return Files.readString(log).split(java.util.regex.Pattern.quote(text), -1).length - 1;
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static boolean listening(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
