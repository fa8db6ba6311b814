package dev.switchboard.protocol.xmpp.wire;

import dev.switchboard.api.stanza.Node;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes nodes as XMPP's XML: escaped, and without characters XML 1.0 cannot carry. */
final class XmlWriter {

    private XmlWriter() {
    }

    static byte[] write(Node node) {
        StringBuilder out = new StringBuilder(128);
        switch (node.tag()) {
            case XmppFrames.OPEN -> {
                out.append("<?xml version='1.0'?><stream:stream xmlns='").append(StanzaParser.CLIENT_NS)
                        .append("' xmlns:stream='").append(StanzaParser.STREAMS_NS).append('\'');
                attributes(out, node.attributes());
                out.append('>');
            }
            case XmppFrames.CLOSE -> out.append("</stream:stream>");
            case XmppFrames.SPACE -> out.append(' ');
            default -> element(out, node);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A name XML can carry as an element or attribute name. Nodes from elsewhere (an iq relayed from a
     * binary-protocol device) may hold any string there, and written raw one would inject markup
     * into the client's stream: an element with such a name is left out, with what it holds, and so
     * is such an attribute.
     */
    static boolean isName(String name) {
        if (name == null || name.isEmpty() || name.length() > 256) {
            return false;
        }
        char first = name.charAt(0);
        if (!(Character.isLetter(first) || first == '_')) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' || c == ':')) {
                return false;
            }
        }
        return true;
    }

    private static void element(StringBuilder out, Node node) {
        if (!isName(node.tag())) {
            return;
        }
        out.append('<').append(node.tag());
        attributes(out, node.attributes());
        if (node.children().isEmpty() && node.content() == null) {
            out.append("/>");
            return;
        }
        out.append('>');
        if (node.content() != null) {
            escape(out, new String(node.content(), StandardCharsets.UTF_8), false);
        }
        for (Node child : node.children()) {
            element(out, child);
        }
        out.append("</").append(node.tag()).append('>');
    }

    private static void attributes(StringBuilder out, Map<String, String> attributes) {
        for (Map.Entry<String, String> a : attributes.entrySet()) {
            if (!isName(a.getKey())) {
                continue;
            }
            out.append(' ').append(a.getKey()).append("='");
            escape(out, a.getValue(), true);
            out.append('\'');
        }
    }

    /** Escapes markup; a character XML 1.0 forbids (most controls, lone surrogates) becomes U+FFFD. */
    static void escape(StringBuilder out, String text, boolean attribute) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '\'' -> out.append(attribute ? "&apos;" : "'");
                case '"' -> out.append(attribute ? "&quot;" : "\"");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                        out.append(c).append(text.charAt(++i));
                    } else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || Character.isSurrogate(c)
                            || c == 0xFFFE || c == 0xFFFF) {
                        out.append('\uFFFD');
                    } else if (attribute && (c == '\t' || c == '\n' || c == '\r')) {
                        out.append("&#").append((int) c).append(';'); // kept as is, not normalised to a space
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }
}
