package dev.switchboard.cli;

import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.Session;
import dev.switchboard.client.SessionListener;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
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

    @Override
    public Integer call() throws Exception {
        Credentials creds = Credentials.load(cli.configDir());
        Printer printer = new Printer(System.out);
        Map<String, String> sent = new ConcurrentHashMap<>();
        Ticks ticks = new Ticks(printer);
        Session[] holder = new Session[1];
        SessionListener listener = new SessionListener() {
            @Override
            public void message(Node m) {
                printer.message(m);
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
                        sendFile(session, printer, sent, id, Path.of(line.substring(6).trim()));
                    } else if (line.startsWith("/")) {
                        printer.line("! unknown command " + line.split(" ", 2)[0] + "; commands: " + COMMANDS);
                    } else {
                        String text = line;
                        sent.put(id, text);
                        session.send(peer, id, text.getBytes(StandardCharsets.UTF_8)).thenAccept(ack -> tick(printer, ack, text));
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

    private void sendFile(Session session, Printer printer, Map<String, String> sent, String id, Path file) throws Exception {
        if (!Files.isRegularFile(file)) {
            printer.line("! no such file: " + file);
            return;
        }
        String mime = Files.probeContentType(file);
        String shown = "[file " + file.getFileName() + "]";
        sent.put(id, shown); // the same id as the message, so its receipts find it
        session.sendFile(peer, id, file, mime == null ? "application/octet-stream" : mime, null, null)
                .thenAccept(ack -> tick(printer, ack, shown));
    }

    private static void tick(Printer printer, Node ack, String text) {
        if (ack.attr("error") != null) {
            printer.line("  ✗ not sent   " + text + "  (" + ack.attr("error") + ": " + ack.attr("text") + ")");
        } else {
            printer.line("  ✓ sent       " + text);
        }
    }
}
