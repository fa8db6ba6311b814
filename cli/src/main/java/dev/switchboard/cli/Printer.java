package dev.switchboard.cli;

import dev.switchboard.api.stanza.Node;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** How incoming stanzas look on the terminal, one line each. */
final class Printer {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final PrintStream out;

    Printer(PrintStream out) {
        this.out = out;
    }

    synchronized void line(String text) {
        out.println(text);
        out.flush();
    }

    void message(Node m) {
        String when = m.attr("t") == null ? "" : TIME.format(Instant.ofEpochMilli(Long.parseLong(m.attr("t")))) + " ";
        String from = user(m.attr("from"));
        String where = m.attr("group") != null ? m.attr("group") + " " : "";
        String text = m.content() == null ? "" : new String(m.content(), StandardCharsets.UTF_8);
        if ("media".equals(m.attr("type"))) {
            String name = m.attr("name");
            line("[" + when.trim() + "] " + where + from + ": [file " + (name == null ? "" : name + ", ") + m.attr("mime") + ", "
                    + m.attr("size") + " bytes, sha256 " + m.attr("media") + "]" + (text.isEmpty() ? "" : " " + text)
                    + "\n    fetch it: sb fetch " + m.attr("media") + (name == null ? "" : " -o " + name));
        } else {
            line("[" + when.trim() + "] " + where + from + ": " + text);
        }
    }

    void notification(Node n) {
        line("* " + n.attr("group") + ": " + n.attr("type").replace("group-", "") + " by " + user(n.attr("from"))
                + (n.attr("members") != null ? " (" + n.attr("members") + ")" : "")
                + (n.attr("subject") != null ? " \"" + n.attr("subject") + "\"" : ""));
    }

    void presence(Node p) {
        String last = p.attr("last") == null ? "" : ", last seen " + TIME.format(Instant.ofEpochMilli(Long.parseLong(p.attr("last"))));
        line("* " + p.attr("from") + " is " + ("available".equals(p.attr("type")) ? "online" : "offline") + last);
    }

    void chatState(Node c) {
        line("* " + user(c.attr("from")) + " is " + switch (String.valueOf(c.attr("state"))) {
            case "composing" -> "typing…";
            case "recording" -> "recording audio…";
            default -> "not typing";
        });
    }

    static String user(String device) {
        return device == null ? "?" : device.endsWith("/0") ? device.substring(0, device.length() - 2) : device;
    }
}
