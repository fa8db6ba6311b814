package dev.switchboard.cli;

import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.ClientException;
import dev.switchboard.client.MediaRef;
import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.client.e2e.EncryptedClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code sb send}: one message or file, end-to-end encrypted unless {@code --plain}; waits for the ack (and receipts if asked). */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = "Send a text (or with --file, a file), end-to-end encrypted, and wait for the server's ack.")
final class SendCommand implements Callable<Integer> {
    @ParentCommand
    Cli cli;
    @Option(names = "--file", paramLabel = "<path>", description = "send this file (encrypted before it is uploaded)")
    Path file;
    @Option(names = "--mime", description = "the file's type (default: guessed)")
    String mime;
    @Option(names = "--plain", description = "send unencrypted: the server can read it (for devices without encryption keys)")
    boolean plain;
    @Option(names = "--wait", paramLabel = "sent|delivered|read", description = "how far to wait (default ${DEFAULT-VALUE})")
    String waitFor = "sent";
    @Option(names = "--timeout", description = "seconds to wait (default ${DEFAULT-VALUE})")
    int timeout = 30;
    @Parameters(index = "0", paramLabel = "<to>", description = "a user id or group id (with --plain also user/device)")
    String to;
    @Parameters(index = "1..*", paramLabel = "<text>", description = "the message (the file's caption with --file)")
    List<String> words = List.of();

    @Override
    public Integer call() throws Exception {
        if (!List.of("sent", "delivered", "read").contains(waitFor)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--wait must be sent, delivered or read");
        }
        String text = String.join(" ", words);
        if (file == null && text.isEmpty()) {
            throw new CommandLine.ParameterException(new CommandLine(this), "nothing to send: give a text or --file");
        }
        if (file != null && !Files.isRegularFile(file)) {
            throw new IOException("no such file: " + file);
        }
        try (SwitchboardClient c = cli.connect()) {
            String id = Long.toString(System.currentTimeMillis(), 36);
            String type = file == null ? null : mime != null ? mime : Files.probeContentType(file);
            Node ack;
            if (plain) {
                ack = sendPlain(c, id, text, type);
            } else {
                Credentials creds = Credentials.load(cli.configDir());
                EncryptedClient e2e = Encryption.open(cli, creds, c, new Printer(System.err));
                ack = Encryption.send(e2e, to, id, text, file, type);
            }
            if (ack.attr("error") != null) {
                throw new ClientException(ack.attr("error"), String.valueOf(ack.attr("text")));
            }
            System.out.println("✓ sent " + id + (plain ? " (unencrypted)" : " (end-to-end encrypted)"));
            if (!waitFor.equals("sent")) {
                awaitReceipt(c, id, waitFor);
            }
        }
        return 0;
    }

    private Node sendPlain(SwitchboardClient c, String id, String text, String type) throws Exception {
        if (file == null) {
            return c.send(to, id, text.getBytes(StandardCharsets.UTF_8)).get(timeout, TimeUnit.SECONDS);
        }
        MediaRef ref = c.upload(file);
        Node ack = c.sendMedia(to, id, ref, type == null ? "application/octet-stream" : type, null,
                text.isEmpty() ? null : text.getBytes(StandardCharsets.UTF_8)).get(timeout, TimeUnit.SECONDS);
        System.out.println("uploaded sha256 " + ref.sha256() + " (" + ref.size() + " bytes)");
        return ack;
    }

    private void awaitReceipt(SwitchboardClient c, String id, String type) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
        while (System.nanoTime() < deadline) {
            Node n = c.incoming().poll(100, TimeUnit.MILLISECONDS);
            if (n != null && n.tag().equals("receipt") && id.equals(n.attr("id"))) {
                System.out.println((n.attr("type").equals("read") ? "✓✓ read by " : "✓✓ delivered to ") + n.attr("from"));
                if (n.attr("type").equals(type) || type.equals("delivered")) {
                    return;
                }
            }
        }
        throw new TimeoutException("no " + type + " receipt within " + timeout + " s");
    }
}
