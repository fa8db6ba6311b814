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
                    printer.line(("read".equals(r.attr("type")) ? "  ✓✓ read      " : "  ✓✓ delivered ") + text + "  ("
                            + Printer.user(r.attr("from")) + ")");
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
                .token(creds.token()).listener(listener).open()) {
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
                String shown = line;
                if (line.startsWith("/file ")) {
                    Path file = Path.of(line.substring(6).trim());
                    if (!Files.isRegularFile(file)) {
                        printer.line("! no such file: " + file);
                        continue;
                    }
                    String mime = Files.probeContentType(file);
                    shown = "[file " + file.getFileName() + "]";
                    sent.put(id, shown);
                    String label = shown;
                    session.sendFile(peer, file, mime == null ? "application/octet-stream" : mime, null, null)
                            .thenAccept(ack -> tick(printer, ack, label));
                    continue;
                }
                sent.put(id, shown);
                String label = shown;
                session.send(peer, id, line.getBytes(StandardCharsets.UTF_8)).thenAccept(ack -> tick(printer, ack, label));
            }
            if (!session.awaitAcknowledged(java.time.Duration.ofSeconds(linger))) {
                printer.line("! " + session.unacknowledged() + " message(s) not acknowledged yet; they were not sent");
                return 1;
            }
        }
        return 0;
    }

    private static void tick(Printer printer, Node ack, String text) {
        if (ack.attr("error") != null) {
            printer.line("  ✗ not sent   " + text + "  (" + ack.attr("error") + ": " + ack.attr("text") + ")");
        } else {
            printer.line("  ✓ sent       " + text);
        }
    }
}
