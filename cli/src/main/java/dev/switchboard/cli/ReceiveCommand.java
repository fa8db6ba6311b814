package dev.switchboard.cli;

import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.client.e2e.EncryptedClient;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code sb receive}: shows what arrives for a while (queued first), decrypting what is encrypted; files are saved. */
@Command(name = "receive", mixinStandardHelpOptions = true,
        description = "Show what arrives (queued messages first) for a while, then exit.")
final class ReceiveCommand implements Callable<Integer> {
    @ParentCommand
    Cli cli;
    @Option(names = "--seconds", description = "how long to listen (default ${DEFAULT-VALUE})")
    int seconds = 5;
    @Option(names = "--read", description = "tell the senders their messages were read")
    boolean read;
    @Option(names = "--files", paramLabel = "<dir>", description = "where received files are saved (default: files/ in the CLI's home)")
    Path files;

    @Override
    public Integer call() throws Exception {
        Printer printer = new Printer(System.out);
        Credentials creds = Credentials.load(cli.configDir());
        Path saveTo = files != null ? files : cli.configDir().resolve("files");
        try (SwitchboardClient c = cli.connectReceiving()) {
            EncryptedClient e2e = Encryption.open(cli, creds, c, printer);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline) {
                Node n = c.incoming().poll(100, TimeUnit.MILLISECONDS);
                if (n == null) {
                    continue;
                }
                switch (n.tag()) {
                    case "message" -> {
                        if ("1".equals(n.attr("e2e"))) {
                            Encryption.show(e2e, n, printer, saveTo, Runnable::run);
                        } else {
                            printer.message(n);
                        }
                        c.confirm(n); // before the read receipt: the server relays it only for a confirmed message
                        if (read) {
                            c.markRead(n.attr("from"), n.attr("id"));
                        }
                    }
                    case "notification" -> {
                        if (!e2e.onNotification(n)) {
                            printer.notification(n);
                        } else if ("keys-change".equals(n.attr("type"))) {
                            printer.line("* " + n.attr("user") + "'s encryption keys changed (" + n.attr("reason") + ")");
                        }
                    }
                    case "receipt" -> printer.line("✓✓ " + n.attr("type") + " " + n.attr("id") + " by " + n.attr("from"));
                    case "error" -> { // the server ends the session: say why rather than fall silent until the deadline
                        printer.line("! the server closed this session: " + n.attr("text") + " (" + n.attr("code") + ")");
                        return 1;
                    }
                    default -> { }
                }
                if (!"message".equals(n.tag())) {
                    c.confirm(n); // shown: it may go (a message was confirmed above, before its read receipt)
                }
            }
        }
        return 0;
    }
}
