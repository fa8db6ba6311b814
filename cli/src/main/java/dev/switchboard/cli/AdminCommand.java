package dev.switchboard.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sb admin [--home DIR] <shell command...>}: runs Gogo commands on a running server through
 * its owner-only management socket ({@code <home>/data/ctl/shell.sock}), with no other tool
 * needed. With no command, reads one per line from standard input. Exits 1 when a command failed
 * (its answer starts with {@code error:}) or the server cannot be reached.
 */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Run shell commands (sb:status, lb, ...) on the server running in a folder.")
final class AdminCommand implements Callable<Integer> {

    @Option(names = "--home", description = "the server's folder (default: $SWITCHBOARD_HOME or the current folder)")
    Path home;
    @Parameters(paramLabel = "<command>", description = "one shell command and its arguments; none: read lines from standard input")
    List<String> words = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        Path dir = home != null ? home : Path.of(System.getenv().getOrDefault("SWITCHBOARD_HOME", "."));
        Path socket = dir.resolve("data/ctl/shell.sock").toAbsolutePath().normalize();
        if (!Files.exists(socket)) {
            System.err.println("error: no management socket at " + socket + ": is the server running in "
                    + dir.toAbsolutePath().normalize() + " with etc/dev.switchboard.shell.socket.cfg present?");
            return 1;
        }
        String lines = words.isEmpty() ? readStdin() : String.join(" ", words) + "\n";
        String answer;
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap(lines.getBytes(StandardCharsets.UTF_8)));
            ch.shutdownOutput();
            answer = new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.err.println("error: cannot reach the server through " + socket + ": " + e.getMessage());
            return 1;
        }
        System.out.print(answer);
        System.out.flush();
        return answer.lines().anyMatch(l -> l.startsWith("error:")) ? 1 : 0;
    }

    private static String readStdin() throws IOException {
        StringBuilder out = new StringBuilder();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            out.append(line).append('\n');
        }
        return out.toString();
    }
}
