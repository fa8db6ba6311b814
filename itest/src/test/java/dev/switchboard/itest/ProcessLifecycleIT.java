package dev.switchboard.itest;

import static org.junit.Assert.*;

import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.SwitchboardClient;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * Issue #13's process-level operations on the exported runtime: SIGTERM and Ctrl-C stop it cleanly
 * (clients told, exit 0, a message acknowledged just before is there after the restart); a second
 * instance in the same home exits at once and leaves the first one serving and manageable; the
 * data folder and its files are owner-only whatever the umask.
 */
public class ProcessLifecycleIT {

    private static final String ALICE = "15550000601";
    private static final String BOB = "15550000602";

    private RuntimeProcess server;

    @Before
    public void start() throws Exception {
        server = new RuntimeProcess("ProcessLifecycleIT");
        server.addUsers(ALICE, "alice-password", BOB, "bob-password");
    }

    @After
    public void stop() throws Exception {
        if (server != null) { // null when it did not start; its own failure says why
            server.close();
        }
    }

    private SwitchboardClient login(String user, String password) throws Exception {
        SwitchboardClient c = SwitchboardClient.connect(new InetSocketAddress("127.0.0.1", server.port), null);
        c.login(user, 0, password);
        return c;
    }

    @Test
    public void sigtermAndCtrlCStopCleanlyAndLoseNothing() throws Exception {
        for (String signal : List.of("TERM", "INT")) {
            try (SwitchboardClient alice = login(ALICE, "alice-password")) {
                Node ack = alice.send(BOB, "before-" + signal, ("queued before " + signal).getBytes()).get(10, TimeUnit.SECONDS);
                assertNull(ack.attr("error"));
                long t0 = System.nanoTime();
                int status = server.signal(signal);
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertEquals("exit status after SIG" + signal, 0, status);
                assertTrue("stopped within 10 s: " + ms + " ms", ms < 10_000);
                assertEquals("the client is told", "shutdown", alice.closed().get(10, TimeUnit.SECONDS).attr("code"));
            }
            String log = Files.readString(server.home.resolve("server.log"));
            assertTrue(log, log.contains("Switchboard stopped cleanly"));
            server.start();
        }
        try (SwitchboardClient bob = login(BOB, "bob-password")) {
            for (String signal : List.of("TERM", "INT")) {
                Node m;
                do {
                    m = bob.incoming().poll(10, TimeUnit.SECONDS);
                } while (m != null && !"message".equals(m.tag()));
                assertNotNull("the message acknowledged before SIG" + signal + " survived it", m);
                assertEquals("before-" + signal, m.attr("id"));
            }
        }
    }

    @Test
    public void aSecondInstanceInTheSameHomeExitsAndTouchesNothing() throws Exception {
        int otherPort;
        try (ServerSocket free = new ServerSocket(0)) {
            otherPort = free.getLocalPort();
        }
        Process second = server.startAnother(otherPort);
        assertTrue("the second instance exits at once", second.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, second.exitValue());
        String said = Files.readString(server.home.resolve("second.log"));
        assertTrue(said, said.contains("Switchboard is already running in"));
        assertFalse("it never listened", said.contains("Binary protocol listening"));
        try (SwitchboardClient alice = login(ALICE, "alice-password")) {
            assertTrue("the first one still serves", alice.isOpen());
        }
        assertTrue("and can still be managed", ManagementShell.run(server.socket(), "sb:status").contains("uptime"));
    }

    @Test
    public void theDataFolderIsTheOwnersOnly() throws Exception {
        Path data = server.home.resolve("data");
        assertEquals("rwx------", mode(data));
        assertEquals("rwx------", mode(data.resolve("media")));
        for (String file : List.of("switchboard.mv.db", "h2.credential", "switchboard.lock")) {
            assertEquals(file, "rw-------", mode(data.resolve(file)));
        }
    }

    /** bin/sb-shell from another folder, its exit codes, the log file, a refused deploy set aside. */
    @Test
    public void operatorToolsSayWhatHappened() throws Exception {
        Path script = Path.of(RuntimeProcess.ROOT, "bin/sb-shell").toAbsolutePath().normalize();
        assertEquals(0, shell(script, "sb:status"));
        assertEquals("a failed command exits non-zero", 1, shell(script, "sb:no-such-command"));
        assertEquals(1, new ProcessBuilder(script.toString(), "--home", "/nonexistent", "lb").inheritIO().start().waitFor());
        Path log = server.home.resolve("data/log/switchboard.log");
        SwitchboardTestSupport.await("the commands in the server's log", java.time.Duration.ofSeconds(10), () -> {
            try {
                String text = Files.readString(log);
                return text.contains("Management command 'sb:status'") && text.contains("'sb:no-such-command' failed")
                        && text.contains("sb:user add " + ALICE + " ***") && !text.contains("alice-password");
            } catch (java.io.IOException e) {
                return false;
            }
        });

        Path broken = server.home.resolve("not-a-bundle.jar");
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(broken))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("hello.txt"));
            zip.write("no manifest here".getBytes());
        }
        Files.move(broken, server.home.resolve("deploy/not-a-bundle.jar"));
        Path reason = server.home.resolve("deploy/refused/not-a-bundle.jar.reason");
        SwitchboardTestSupport.await("the refused jar set aside with its reason", java.time.Duration.ofSeconds(15),
                () -> Files.exists(reason));
        assertTrue(Files.readString(reason).contains("not a bundle"));
        assertFalse(Files.exists(server.home.resolve("deploy/not-a-bundle.jar")));
    }

    private int shell(Path script, String command) throws Exception {
        // run from another folder, naming the server's home
        return new ProcessBuilder(script.toString(), "--home", server.home.toString(), command)
                .directory(new java.io.File("/")).inheritIO().start().waitFor();
    }

    private static String mode(Path p) throws java.io.IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
