package dev.switchboard.cli;

import dev.switchboard.client.KnownServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code sb trust}: the servers' Noise keys this CLI pinned on first use (docs/PROTOCOL.md §1a). */
@Command(name = "trust", mixinStandardHelpOptions = true,
        description = "Show the servers' keys this CLI has pinned, or forget one whose key really changed.")
final class TrustCommand implements Callable<Integer> {
    @ParentCommand
    Cli cli;
    @Option(names = "--forget", paramLabel = "host:port", description = "trust whatever key this server presents next")
    String forget;

    @Override
    public Integer call() throws IOException {
        KnownServers pins = cli.knownServers();
        if (forget != null) {
            if (!forget.matches("[^\\s:]+:\\d{1,5}")) {
                System.err.println("error: --forget takes host:port, e.g. 127.0.0.1:5200, not '" + forget + "'");
                return 2;
            }
            System.out.println(pins.forget(forget) ? "forgot the key of " + forget + "; the next connection pins what it presents"
                    : "no key was pinned for " + forget);
            return 0;
        }
        Path file = cli.configDir().resolve("known_servers");
        System.out.println(Files.exists(file) ? Files.readString(file) : "no server pinned yet (" + file + ")");
        return 0;
    }
}
