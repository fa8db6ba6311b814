package dev.switchboard.cli;

import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.ClientException;
import dev.switchboard.client.MovedException;
import dev.switchboard.client.KnownServers;
import dev.switchboard.client.ServerTrust;
import dev.switchboard.client.SwitchboardClient;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code sb}: a terminal client for Switchboard. {@code sb login} stores a resume token (never the
 * password) in a file only its owner can read; every other command uses it.
 */
@Command(name = "sb", mixinStandardHelpOptions = true, version = "Switchboard CLI 0.1.0",
        description = "Chat on a Switchboard server from the terminal.",
        subcommands = {Cli.Register.class, Cli.Login.class, Cli.Logout.class, SendCommand.class, Cli.Fetch.class,
                ReceiveCommand.class, SafetyCommand.class, TrustCommand.class, ChatCommand.class, GroupCommands.class, PresenceCommands.class, AdminCommand.class})
public final class Cli implements Callable<Integer> {

    @Option(names = "--config", description = "folder of the stored login (default: $SB_CLI_HOME or ~/.switchboard)")
    Path config;

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 0;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        CommandLine cli = new CommandLine(new Cli());
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("error: " + describe(e));
            return 1;
        });
        return cli.execute(args);
    }

    /** An exception as one plain sentence. */
    static String describe(Exception e) {
        if (e instanceof ClientException ce) {
            return switch (ce.code()) {
                case "not-authorized" -> "wrong user, device or password";
                case "token-invalid" -> "the stored login has expired or was revoked: run 'sb login <user>' again";
                case "duplicate" -> "that user id is already registered";
                case "too-large" -> ce.getMessage().substring(ce.code().length() + 2);
                default -> ce.getMessage();
            };
        }
        if (e instanceof java.net.ConnectException) {
            return "cannot reach the server (" + e.getMessage() + "); is it running?";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    Path configDir() {
        if (config != null) {
            return config;
        }
        String env = System.getenv("SB_CLI_HOME");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".switchboard");
    }

    /**
     * A one-shot connection logged in with the stored token: it takes none of the device's queued
     * messages and leaves the device's open chat connected (only {@code receive} and {@code chat}
     * take messages).
     */
    SwitchboardClient connect() throws IOException, ClientException {
        return connect(false);
    }

    /** A connection that takes the device's queued messages, replacing its other session. */
    SwitchboardClient connectReceiving() throws IOException, ClientException {
        return connect(true);
    }

    private SwitchboardClient connect(boolean receive) throws IOException, ClientException {
        try {
            return connectOnce(receive);
        } catch (MovedException moved) {
            // a cluster serves the account on another node: use it from now on, and say so
            Credentials c = Credentials.load(configDir());
            new Credentials(moved.host(), moved.port(), c.user(), c.device(), c.token()).save(configDir());
            System.err.println("(" + moved.getMessage().replaceFirst("^see-other-host: ", "") + ": using "
                    + moved.host() + ":" + moved.port() + " from now on)");
            return connectOnce(receive);
        }
    }

    private SwitchboardClient connectOnce(boolean receive) throws IOException, ClientException {
        Credentials c = Credentials.load(configDir());
        SwitchboardClient client = open(c.host(), c.port());
        if (!receive) {
            client.oneShot();
        } else {
            // confirmed once shown, not on arrival: what is not shown before the command ends stays queued
            client.setAutoConfirm(false);
        }
        try {
            client.resume(c.user(), c.device(), c.token());
        } catch (ClientException | IOException e) {
            client.close();
            throw e;
        }
        return client;
    }

    /**
     * Connects over Noise. The server's key is pinned in {@code known_servers} in the CLI's home on
     * first use and refused if it changes; {@code SB_SERVER_KEY} (the hex of the server's
     * data/noise/server.pub) pins it from the start instead.
     */
    SwitchboardClient open(String host, int port) throws IOException {
        return SwitchboardClient.connect(new java.net.InetSocketAddress(host, port), null, trust());
    }

    ServerTrust trust() throws IOException {
        String key = System.getenv("SB_SERVER_KEY");
        ServerTrust trust;
        if (key != null && !key.isBlank()) {
            try {
                trust = ServerTrust.pinned(java.util.HexFormat.of().parseHex(key.trim()));
            } catch (IllegalArgumentException e) {
                throw new IOException("SB_SERVER_KEY is not a key in hex (64 digits, as in the server's data/noise/server.pub)");
            }
        } else {
            trust = ServerTrust.firstUse(knownServers());
        }
        return trust;
    }

    KnownServers knownServers() {
        return KnownServers.file(configDir().resolve("known_servers"));
    }

    /** The server's default shortest password; the server only ever sees a derived credential, so the client checks. */
    static final int MIN_PASSWORD_LENGTH = 8;

    /**
     * A password being chosen: at a terminal it is asked twice and must match; either way it must
     * be long enough. Piped on standard input (scripts), it is read once.
     */
    static String newPassword(String prompt) throws IOException {
        String password = password(prompt);
        if (password.length() < MIN_PASSWORD_LENGTH) {
            throw new IOException("the password must be at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        if (System.console() != null && !password.equals(password("again, to be sure: "))) {
            throw new IOException("the two passwords differ; nothing was changed");
        }
        return password;
    }

    /** The password: typed without echo at a terminal, else the first line of standard input. */
    static String password(String prompt) throws IOException {
        Console console = System.console();
        if (console != null) {
            char[] typed = console.readPassword(prompt);
            if (typed == null) {
                throw new IOException("no password given");
            }
            return new String(typed);
        }
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (line == null || line.isEmpty()) {
            throw new IOException("no password given (type it, or pipe it on standard input)");
        }
        return line;
    }

    /** host:port of the server. */
    static final class Server {
        final String host;
        final int port;

        Server(String text) {
            int colon = text.lastIndexOf(':');
            try {
                host = colon < 0 ? text : text.substring(0, colon);
                port = colon < 0 ? 5200 : Integer.parseInt(text.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("expected host:port, got '" + text + "'");
            }
        }

        @Override
        public String toString() {
            return host + ":" + port; // what --help shows as the default
        }
    }

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Create an account (asks for its password) and log in as its primary device.")
    static final class Register implements Callable<Integer> {
        @ParentCommand
        Cli cli;
        @Parameters(paramLabel = "<user>", description = "the new user id: digits, like a phone number")
        String user;
        @Option(names = "--server", paramLabel = "host:port", description = "default ${DEFAULT-VALUE}",
                converter = ServerConverter.class)
        Server server = new Server("127.0.0.1:5200");

        @Override
        public Integer call() throws Exception {
            String password = newPassword("password for " + user + ": ");
            try (SwitchboardClient c = cli.open(server.host, server.port)) {
                c.register(user, password);
            }
            return Login.login(cli, server, user, 0, password);
        }
    }

    @Command(name = "login", mixinStandardHelpOptions = true,
            description = "Log in (asks for the password) and store the resume token for the other commands.")
    static final class Login implements Callable<Integer> {
        @ParentCommand
        Cli cli;
        @Parameters(paramLabel = "<user>")
        String user;
        @Option(names = "--device", description = "device number (default ${DEFAULT-VALUE}: the primary)")
        int device;
        @Option(names = "--server", paramLabel = "host:port", description = "default ${DEFAULT-VALUE}",
                converter = ServerConverter.class)
        Server server = new Server("127.0.0.1:5200");

        @Override
        public Integer call() throws Exception {
            return login(cli, server, user, device, password("password for " + user + "/" + device + ": "));
        }

        static int login(Cli cli, Server server, String user, int device, String password) throws Exception {
            try (SwitchboardClient c = cli.open(server.host, server.port).oneShot()) {
                c.login(user, device, password);
                Credentials creds = new Credentials(server.host, server.port, user, device, c.token());
                creds.save(cli.configDir());
                Encryption.open(cli, creds, c, new Printer(System.out)); // its keys on the server: others can encrypt to it at once
            }
            System.out.println("logged in as " + user + "/" + device + " on " + server.host + ":" + server.port
                    + " (end-to-end encryption keys uploaded)");
            return 0;
        }
    }

    static final class ServerConverter implements CommandLine.ITypeConverter<Server> {
        @Override
        public Server convert(String value) {
            return new Server(value);
        }
    }

    @Command(name = "logout", mixinStandardHelpOptions = true, description = "Forget the stored login.")
    static final class Logout implements Callable<Integer> {
        @ParentCommand
        Cli cli;

        @Override
        public Integer call() throws IOException {
            Files.deleteIfExists(Credentials.file(cli.configDir()));
            System.out.println("logged out");
            return 0;
        }
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true, description = "Download a file by its hash (checked).")
    static final class Fetch implements Callable<Integer> {
        @ParentCommand
        Cli cli;
        @Parameters(paramLabel = "<sha256>")
        String hash;
        @Option(names = {"-o", "--output"}, description = "where to save it (default: the hash, here)")
        Path output;

        @Override
        public Integer call() throws Exception {
            Path target = output != null ? output : Path.of(hash);
            try (SwitchboardClient c = cli.connect()) {
                c.download(hash, target);
            }
            System.out.println("saved " + target + " (" + Files.size(target) + " bytes, sha256 checked)");
            return 0;
        }
    }

    /** Waits for a future, turning its failure into a plain error. */
    static Node get(java.util.concurrent.CompletableFuture<Node> f, int seconds) throws Exception {
        try {
            return f.get(seconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }
}
