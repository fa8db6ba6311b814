package dev.switchboard.itest;

import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The exported runtime ({@code run/target/switchboard.jar}) as a separate process in a home of its own. */
final class RuntimeProcess implements AutoCloseable {

    static final String ROOT = System.getProperty("sb.root", "..");

    final Path home;
    /** Where it listens; a test that moves the listener by configuration updates it. */
    volatile int port;
    final int httpPort;
    /** Where its XMPP listener listens (etc/dev.switchboard.transport.xmpp.cfg, port from SB_XMPP_PORT). */
    final int xmppPort;
    private final boolean portInConfig;
    private Process process;

    RuntimeProcess(String name) throws Exception {
        this(name, false);
    }

    /**
     * @param portInConfig put the port in etc/dev.switchboard.transport.cfg as an operator would,
     *                     rather than in SB_PORT (which overrides the file)
     */
    RuntimeProcess(String name, boolean portInConfig) throws Exception {
        this(name, portInConfig, 0);
    }

    /** @param xmppPort where the XMPP listener listens; 0 for a free port */
    RuntimeProcess(String name, boolean portInConfig, int xmppPort) throws Exception {
        this.portInConfig = portInConfig;
        Path homes = Path.of(System.getProperty("sb.itest.dir", "target/itest-homes"));
        Files.createDirectories(homes);
        // short: data/ctl/shell.sock under it must fit the 106 bytes the JDK binds of a Unix domain socket path,
        // wherever the checkout is (CI's is deeper than a laptop's, and the random part varies in length)
        home = Files.createTempDirectory(homes, name.substring(0, Math.min(name.length(), 16)) + "-");
        try (ServerSocket s = new ServerSocket(0); ServerSocket h = new ServerSocket(0); ServerSocket x = new ServerSocket(0)) {
            port = s.getLocalPort();
            httpPort = h.getLocalPort();
            this.xmppPort = xmppPort != 0 ? xmppPort : x.getLocalPort();
        }
        // a new home is a new server key: a pin an earlier test's server left on this port is not for it
        dev.switchboard.client.KnownServers.inMemory().forget("127.0.0.1:" + port);
        start();
    }

    /** Starts the server in this home and waits until it serves. */
    void start() throws Exception {
        Path jar = Path.of(ROOT, "run/target/switchboard.jar").toAbsolutePath().normalize();
        assertTrue("the exported runtime is built first: " + jar, Files.exists(jar));
        Files.deleteIfExists(socket());
        // the management shell only runs when configured, as an operator would
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/dev.switchboard.shell.socket.cfg"), "# enabled for the tests\n");
        for (String carried : new String[] {"logback.xml", "org.apache.felix.http.cfg", "dev.switchboard.transport.xmpp.cfg"}) {
            Path file = home.resolve("etc").resolve(carried); // as a deployment carries the repository's etc/
            if (!Files.exists(file)) {
                Files.copy(Path.of(ROOT, "etc", carried), file);
            }
        }
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.osgi.service.http.port.secure=" + httpPort, "-jar", jar.toString()); // HTTPS, as shipped
        builder.environment().put("SB_XMPP_PORT", String.valueOf(xmppPort)); // never XMPP's 5222, which a peer may hold
        if (portInConfig) {
            Path transport = home.resolve("etc/dev.switchboard.transport.cfg");
            if (!Files.exists(transport)) {
                Files.writeString(transport, "port=" + port + "\n");
            }
        } else {
            builder.environment().put("SB_PORT", String.valueOf(port));
        }
        process = builder.directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("server.log").toFile())).start();
        try {
            SwitchboardTestSupport.await("the server to listen on " + port, Duration.ofSeconds(60), this::listening);
            SwitchboardTestSupport.await("the management socket", Duration.ofSeconds(30), () -> Files.exists(socket()));
            // the socket can answer before the shell's commands are registered
            SwitchboardTestSupport.await("the shell's commands", Duration.ofSeconds(30), () -> {
                try {
                    return !ManagementShell.run(socket(), "sb:status").contains("Command not found");
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (AssertionError | RuntimeException e) {
            process.destroyForcibly(); // a server that did not come up must not outlive the test
            process.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError(e.getMessage() + "; the server's log ends:\n" + logTail(40), e);
        }
    }

    /** The last lines of the server's log, for a failure message. */
    String logTail(int lines) {
        try {
            java.util.List<String> all = Files.readAllLines(home.resolve("server.log"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Creates accounts through the management shell, as an operator would: user, password, user, password, ... */
    void addUsers(String... usersAndPasswords) throws IOException {
        String[] lines = new String[usersAndPasswords.length / 2];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = "sb:user add " + usersAndPasswords[2 * i] + " " + usersAndPasswords[2 * i + 1];
        }
        String out = ManagementShell.run(socket(), lines);
        for (int i = 0; i < lines.length; i++) {
            assertTrue(out, out.contains("created account " + usersAndPasswords[2 * i]));
        }
    }

    Path socket() {
        return home.resolve("data/ctl/shell.sock");
    }

    private boolean listening() {
        assertTrue("server exited early; see " + home.resolve("server.log"), process.isAlive());
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Sends a signal (TERM, INT) as an operator or a terminal would, and waits for the exit.
     *
     * @return the exit status, or -1 when it did not exit within 20 s
     */
    int signal(String name) throws Exception {
        new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start().waitFor();
        return process.waitFor(20, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    /** Another server started in the same home (what an operator might do by mistake). */
    Process startAnother(int otherPort) throws IOException {
        Path jar = Path.of(ROOT, "run/target/switchboard.jar").toAbsolutePath().normalize();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString());
        builder.environment().put("SB_PORT", String.valueOf(otherPort));
        return builder.directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("second.log").toFile())).start();
    }

    /** The server's process id (for jcmd, a heap dump). */
    long pid() {
        return process.pid();
    }

    /** kill -9: no shutdown hook, no flush, nothing graceful. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
