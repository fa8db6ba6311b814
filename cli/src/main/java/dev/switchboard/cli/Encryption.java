package dev.switchboard.cli;

import dev.switchboard.api.groups.GroupDirectory;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.ClientException;
import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.client.e2e.EncryptedClient;
import dev.switchboard.client.e2e.Envelope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.function.Supplier;

/**
 * The terminal client's end-to-end encryption (client-e2e): this device's keys and sessions in
 * the CLI's home under {@code e2e/<user>.<device>}, a warning no one can miss when a contact's
 * identity key changes, and how encrypted messages are sent and shown.
 */
final class Encryption {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private Encryption() {
    }

    static Path dir(Cli cli, Credentials c) {
        return cli.configDir().resolve("e2e").resolve(c.user() + "." + c.device());
    }

    /** Opens this device's encryption, uploading its keys (on a connection whose reader is not the calling thread). */
    static EncryptedClient open(Cli cli, Credentials c, SwitchboardClient connection, Printer printer) throws IOException, ClientException {
        EncryptedClient e = EncryptedClient.open(() -> connection, new Address(c.user(), c.device()), dir(cli, c),
                EncryptedClient.DEFAULT_PREKEYS);
        e.onIdentityChange((device, number) -> printer.line(warning(device, number)));
        return e;
    }

    /** Attaches to this device's encryption without an upload (see {@link EncryptedClient#attach}). */
    static EncryptedClient attach(Cli cli, Credentials c, Supplier<SwitchboardClient> connection, Printer printer) throws IOException {
        EncryptedClient e = EncryptedClient.attach(connection, new Address(c.user(), c.device()), dir(cli, c));
        e.onIdentityChange((device, number) -> printer.line(warning(device, number)));
        return e;
    }

    static String warning(Address device, String safetyNumber) {
        String bar = "!".repeat(72);
        return bar + "\n!!! " + device + " HAS A NEW IDENTITY KEY.\n"
                + "!!! It was reinstalled, or someone is between you. Your message is encrypted to the new key.\n"
                + "!!! New safety number: " + SafetyCommand.group(safetyNumber) + "\n"
                + "!!! Compare it with theirs (sb safety " + device.user() + ") before you trust what you say.\n" + bar;
    }

    /**
     * Sends a text or a file encrypted: to a group with its sender key, to a user for every device
     * that can decrypt. @return the server's ack
     */
    static Node send(EncryptedClient e, String to, String id, String text, Path file, String mime) throws IOException, ClientException {
        if (to.indexOf('/') >= 0) {
            throw new ClientException("bad-recipient", "an encrypted message goes to every device of a user: give the user id"
                    + " (or --plain to send to one device unencrypted)");
        }
        Node ack;
        if (GroupDirectory.isGroupId(to)) {
            if (file != null) {
                throw new ClientException("bad-request", "encrypted files go to users, not yet to groups: use --plain for a group file");
            }
            ack = e.sendGroup(to, id, text);
        } else if (file != null) {
            ack = e.sendFile(to, id, file, mime, text.isEmpty() ? null : text);
        } else {
            ack = e.send(to, id, text);
        }
        if ("no-keys".equals(ack.attr("error"))) {
            throw new ClientException("no-keys", to + " has no device that can decrypt (none uploaded encryption keys);"
                    + " send with --plain if the server may read it");
        }
        return ack;
    }

    /**
     * Shows an encrypted message: decrypted, a file saved into {@code files}. A group key handed over
     * is taken in silently. A message that does not decrypt is said so (it never will).
     *
     * @param downloads runs a file's download: elsewhere than a connection's reader thread, which
     *                  the download's request waits for
     */
    static void show(EncryptedClient e, Node m, Printer printer, Path files, java.util.concurrent.Executor downloads) {
        EncryptedClient.Received r;
        try {
            r = e.decrypt(m);
        } catch (ClientException x) {
            printer.line("! " + x.getMessage().substring(x.code().length() + 2));
            return;
        }
        if (r.content().kind() == Envelope.SENDER_KEY) {
            return;
        }
        String when = m.attr("t") == null ? "" : TIME.format(Instant.ofEpochMilli(Long.parseLong(m.attr("t")))) + " ";
        String where = r.group() != null ? r.group() + " " : m.attr("to") != null ? "(to " + m.attr("to") + ") " : "";
        String head = "[" + when.trim() + "] " + where + Printer.user(m.attr("from")) + ": ";
        if (r.content().kind() == Envelope.MEDIA) {
            Envelope.Media media = r.content().media();
            String caption = r.text().isEmpty() ? "" : " " + r.text();
            downloads.execute(() -> {
                try {
                    Path saved = saveAs(files, media.name());
                    e.fetchFile(media, saved);
                    printer.line(head + "[file " + media.name() + ", " + media.mime() + ", " + media.size() + " bytes]" + caption
                            + "\n    saved to " + saved);
                } catch (IOException | ClientException x) {
                    printer.line(head + "[file " + media.name() + "]" + caption + "\n    ! could not fetch it: " + Cli.describe(x));
                }
            });
        } else {
            printer.line(head + r.text());
        }
    }

    /** A free path in {@code dir} for a received file's name (its last part only: a name cannot climb out). */
    static Path saveAs(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        Path last = Path.of(name.replace('\\', '/').replace("\0", "")).getFileName(); // null for "/"
        String base = last == null ? "" : last.toString();
        if (base.isBlank() || base.startsWith(".")) {
            base = "file" + base;
        }
        Path p = dir.resolve(base);
        for (int i = 1; Files.exists(p); i++) {
            p = dir.resolve(base + " (" + i + ")");
        }
        return p;
    }
}
