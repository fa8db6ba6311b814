package dev.switchboard.cli;

import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.Session;
import dev.switchboard.client.SessionListener;
import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.client.e2e.EncryptedClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code sb chat <user|group>}: each line typed is sent; incoming messages show as they arrive and
 * are marked read; each sent line is followed by its ticks — {@code ✓} sent (the server has it),
 * {@code ✓✓} delivered, {@code ✓✓ read}. Reconnects by itself. {@code /file <path>} sends a file,
 * {@code /quit} (or end of input) leaves once what was sent is acknowledged.
 */
@Command(name = "chat", mixinStandardHelpOptions = true, description = "Chat interactively with a user or a group.")
final class ChatCommand implements Callable<Integer> {

    @ParentCommand
    Cli cli;
    @Parameters(paramLabel = "<user|group>")
    String peer;
    @Option(names = "--linger", description = "seconds to wait for acks after the input ends (default ${DEFAULT-VALUE})")
    int linger = 10;
    @Option(names = "--plain", description = "send unencrypted: the server can read it (for peers without encryption keys)")
    boolean plain;
    @Option(names = "--files", paramLabel = "<dir>", description = "where received files are saved (default: files/ in the CLI's home)")
    Path files;

    @Override
    public Integer call() throws Exception {
        Credentials creds = Credentials.load(cli.configDir());
        Printer printer = new Printer(System.out);
        Map<String, String> sent = new ConcurrentHashMap<>();
        Ticks ticks = new Ticks(printer);
        Session[] holder = new Session[1];
        Path saveTo = files != null ? files : cli.configDir().resolve("files");
        try (SwitchboardClient once = cli.connect()) {
            Encryption.open(cli, creds, once, printer); // keys uploaded here: the session's reader must not wait for it
        }
        EncryptedClient e2e = Encryption.attach(cli, creds, () -> holder[0].connection(), printer);
        e2e.onAck(ack -> { // on the reader thread: "sent" before the receipts that follow it
            String text = sent.get(ack.attr("id"));
            if (text != null) {
                tick(printer, ack, text);
            }
        });
        // downloads and key top-ups are requests on the session's connection: not on its reader thread
        ExecutorService background = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sb-chat-background");
            t.setDaemon(true);
            return t;
        });
        SessionListener listener = new SessionListener() {
            @Override
            public void message(Node m) {
                if ("1".equals(m.attr("e2e"))) {
                    Encryption.show(e2e, m, printer, saveTo, background); // decrypted before it is confirmed
                } else {
                    printer.message(m);
                }
                try {
                    holder[0].markRead(m.attr("from"), m.attr("id"));
                } catch (Exception e) {
                    // the read receipt is a courtesy; the message itself is shown and confirmed
                }
            }

            @Override
            public void receipt(Node r) {
                String text = sent.get(r.attr("id"));
                if (text != null) {
                    ticks.receipt(r.attr("id") + "|" + r.attr("from"), "read".equals(r.attr("type")), text,
                            Printer.user(r.attr("from")));
                }
            }

            @Override
            public void notification(Node n) {
                if ("keys-change".equals(n.attr("type")) || "prekeys-low".equals(n.attr("type"))) {
                    background.execute(() -> {
                        try {
                            e2e.onNotification(n);
                        } catch (Exception e) {
                            printer.line("! could not update encryption keys: " + Cli.describe(e));
                        }
                    });
                    return;
                }
                printer.notification(n);
            }

            @Override
            public void chatState(Node c) {
                printer.chatState(c);
            }

            @Override
            public void presence(Node p) {
                printer.presence(p);
            }

            @Override
            public void disconnected(String reason) {
                if (reason.startsWith("cannot log in again")) {
                    // revoked or expired: say so now, rather than take the next typed line and fail on it
                    printer.line("! " + reason + "\n! your stored login no longer works: run 'sb login " + creds.user()
                            + "' again. Leaving the chat.");
                    System.out.flush();
                    System.exit(1);
                }
                printer.line("* connection lost (" + reason + "); reconnecting…");
            }

            @Override
            public void connected(boolean resumed) {
                if (resumed) {
                    printer.line("* connected again");
                }
            }
        };
        try (Session session = Session.builder(creds.host(), creds.port()).user(creds.user()).device(creds.device())
                .token(creds.token()).trust(cli.trust()).listener(listener).open()) {
            holder[0] = session;
            printer.line("chatting with " + peer + " as " + creds.user() + "; type and press Enter, /file <path> to send a file,"
                    + " /quit to leave");
            long n = 0;
            String idBase = Long.toString(System.currentTimeMillis(), 36) + "-";
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.equals("/quit")) {
                if (line.isBlank()) {
                    continue;
                }
                String id = idBase + (++n);
                try {
                    if (line.startsWith("/file ")) {
                        sendFile(session, e2e, printer, sent, id, Path.of(line.substring(6).trim()));
                    } else if (line.startsWith("/")) {
                        printer.line("! unknown command " + line.split(" ", 2)[0] + "; commands: " + COMMANDS);
                    } else if (plain) {
                        String text = line;
                        sent.put(id, text);
                        session.send(peer, id, text.getBytes(StandardCharsets.UTF_8)).thenAccept(ack -> tick(printer, ack, text));
                    } else {
                        sent.put(id, line);
                        sendEncrypted(e2e, printer, id, line, null);
                    }
                } catch (dev.switchboard.client.ClientException e) {
                    sent.remove(id);
                    if (!"too-large".equals(e.code())) {
                        throw e;
                    }
                    printer.line("! " + Cli.describe(e)); // the line is dropped here, never resent
                }
            }
            if (!session.awaitAcknowledged(java.time.Duration.ofSeconds(linger))) {
                printer.line("! " + session.unacknowledged() + " message(s) not acknowledged yet; they were not sent");
                return 1;
            }
        }
        return 0;
    }

    private static final String COMMANDS = "/file <path> (send a file), /quit (leave)";

    private void sendFile(Session session, EncryptedClient e2e, Printer printer, Map<String, String> sent, String id, Path file)
            throws Exception {
        if (!Files.isRegularFile(file)) {
            printer.line("! no such file: " + file);
            return;
        }
        String mime = Files.probeContentType(file);
        String shown = "[file " + file.getFileName() + "]";
        sent.put(id, shown); // the same id as the message, so its receipts find it
        if (plain) {
            session.sendFile(peer, id, file, mime == null ? "application/octet-stream" : mime, null, null)
                    .thenAccept(ack -> tick(printer, ack, shown));
        } else {
            sendEncrypted(e2e, printer, id, "", file);
        }
    }

    /**
     * Encrypts and sends one line (or file) and waits for its ack. Not resent by the session after a
     * reconnect (its ciphertexts are made for the devices of that moment): a lost one is said so.
     */
    private void sendEncrypted(EncryptedClient e2e, Printer printer, String id, String text, Path file)
            throws dev.switchboard.client.ClientException {
        String shown = file == null ? text : "[file " + file.getFileName() + "]";
        try {
            Encryption.send(e2e, peer, id, text, file, file == null ? null : Files.probeContentType(file)); // ticked by onAck
        } catch (java.io.IOException e) {
            printer.line("  ✗ not sent   " + shown + "  (" + Cli.describe(e) + "; type it again)");
        } catch (dev.switchboard.client.ClientException e) {
            if ("too-large".equals(e.code())) {
                throw e;
            }
            if ("no-keys".equals(e.code())) { // its ack was ticked ✗ already: say what to do
                printer.line("! " + Cli.describe(e).replace("send with --plain", "chat with --plain"));
            } else {
                printer.line("  ✗ not sent   " + shown + "  (" + Cli.describe(e) + ")");
            }
        }
    }

    private static void tick(Printer printer, Node ack, String text) {
        if (ack.attr("error") != null) {
            printer.line("  ✗ not sent   " + text + "  (" + ack.attr("error") + ": " + ack.attr("text") + ")");
        } else {
            printer.line("  ✓ sent       " + text);
        }
    }
}
