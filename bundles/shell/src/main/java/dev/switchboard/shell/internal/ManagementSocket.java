package dev.switchboard.shell.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Gogo lines sent over a Unix domain socket, one command per line, answering each with its
 * output. Only the server's owner can reach it: the socket sits in a directory of mode 0700 and is
 * itself 0600. Example: {@code echo 'sb:status' | socat - UNIX-CONNECT:data/ctl/shell.sock}.
 */
// Only when configured (etc/dev.switchboard.shell.socket.cfg): an operator decides to expose the shell.
@Component(immediate = true, configurationPid = "dev.switchboard.shell.socket",
        configurationPolicy = org.osgi.service.component.annotations.ConfigurationPolicy.REQUIRE)
@Designate(ocd = ManagementSocketConfiguration.class)
public final class ManagementSocket {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementSocket.class);
    /** sun_path is 108 bytes on Linux; the JDK binds at most 106 of them (ManagementSocketPathTest checks). */
    static final int MAX_PATH_BYTES = 106;

    private final CommandProcessor processor;
    private final Path path;
    private final ServerSocketChannel server;
    private final Thread acceptor;

    @Activate
    public ManagementSocket(@Reference CommandProcessor processor, ManagementSocketConfiguration config,
                            BundleContext context) throws IOException {
        this.processor = processor;
        String home = context.getProperty("switchboard.home");
        this.path = config.path().isBlank()
                ? Path.of(home == null ? "." : home, "data", "ctl", "shell.sock").toAbsolutePath().normalize()
                : Path.of(config.path()).toAbsolutePath();
        Path dir = path.getParent();
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Files.deleteIfExists(path);
        if (path.toString().getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw new IOException("the management socket path " + path + " is longer than the " + MAX_PATH_BYTES
                    + " bytes a Unix domain socket allows; set path= to a shorter one in etc/dev.switchboard.shell.socket.cfg");
        }
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        acceptor = new Thread(this::acceptLoop, "sb-shell-socket");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("Management shell on {}", path);
    }

    @Deactivate
    void deactivate() throws IOException {
        server.close();
        Files.deleteIfExists(path);
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                Thread t = new Thread(() -> serve(client), "sb-shell-client");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (server.isOpen()) {
                    LOG.warn("Management socket accept failed: {}", e.toString());
                }
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client;
             BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
             OutputStream raw = Channels.newOutputStream(client);
             PrintStream out = new PrintStream(raw, true, StandardCharsets.UTF_8)) {
            CommandSession session = processor.createSession(InputStream.nullInputStream(), out, out);
            try {
                String line;
                while ((line = in.readLine()) != null) {
                    if (!line.isBlank()) {
                        run(session, line, out);
                    }
                }
            } finally {
                session.close();
            }
        } catch (IOException e) {
            LOG.debug("Management client went away: {}", e.toString());
        }
    }

    /**
     * Runs one line and answers with its output. A failed command's answer starts with
     * {@code error: } (what {@code sb admin} turns into a non-zero exit); the line and its outcome
     * are logged here too, so the server's log shows what operators did (passwords masked).
     */
    private static void run(CommandSession session, String line, PrintStream out) {
        String answer;
        try {
            Object result = session.execute(line);
            answer = result == null ? "" : String.valueOf(session.format(result, Converter.INSPECT));
        } catch (Exception e) {
            LOG.debug("Management command failed: {}", masked(line), e); // the trace stays in the log
            answer = "error: " + (e.getMessage() == null ? e.toString() : e.getMessage());
        }
        String first = answer.lines().findFirst().orElse("");
        if (first.startsWith("error:")) {
            LOG.warn("Management command '{}' failed: {}", masked(line), first);
        } else {
            LOG.info("Management command '{}': {}", masked(line), first.isEmpty() ? "done" : first
                    + (answer.lines().count() > 1 ? " (" + answer.lines().count() + " lines)" : ""));
        }
        if (!answer.isEmpty()) {
            out.println(answer);
        }
        out.flush();
    }

    /** The line with the password of {@code sb:user add|passwd} replaced, for the log. */
    static String masked(String line) {
        String[] words = line.trim().split("\\s+");
        if (words.length >= 4 && words[0].endsWith("user") && (words[1].equals("add") || words[1].equals("passwd"))) {
            return words[0] + " " + words[1] + " " + words[2] + " ***";
        }
        return line.trim();
    }
}
