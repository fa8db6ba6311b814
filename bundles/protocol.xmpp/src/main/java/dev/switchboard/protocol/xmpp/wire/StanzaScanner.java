package dev.switchboard.protocol.xmpp.wire;

import dev.switchboard.api.protocol.ProtocolError;
import java.nio.ByteBuffer;

/**
 * Finds where the next top-level piece of an XMPP stream ends, without parsing it: whitespace (a
 * keep-alive), the stream's opening tag (with an XML declaration before it), the stream's closing
 * tag, or one whole stanza. Byte-level and stateless, so the transport can keep the bytes and any
 * revision of the codec can go on from a stanza boundary. What XMPP forbids (RFC 6120 §11.1:
 * comments, processing instructions, a DOCTYPE) is refused here; well-formedness, UTF-8 and
 * entities are checked by the parser that reads the stanza afterwards.
 */
final class StanzaScanner {

    enum Kind { SPACE, OPEN, CLOSE, STANZA }

    /**
     * What was found: a kind and the index just past it, or an error (kind null). {@link #MORE}
     * says the buffer ends first.
     */
    record Scan(Kind kind, int end, ProtocolError error, String text) {
        boolean complete() {
            return kind != null;
        }
    }

    static final Scan MORE = new Scan(null, -1, null, null);

    private StanzaScanner() {
    }

    static Scan scan(ByteBuffer in, int maxBytes, int maxDepth) {
        int start = in.position();
        int limit = in.limit();
        int i = start;
        if (i >= limit) {
            return MORE;
        }
        if (space(in.get(i))) {
            while (i < limit && space(in.get(i))) {
                i++;
            }
            return new Scan(Kind.SPACE, i, null, null);
        }
        if (in.get(i) != '<') {
            return error(ProtocolError.NOT_WELL_FORMED, "text outside a stanza");
        }
        if (i + 1 >= limit) {
            return MORE;
        }
        byte next = in.get(i + 1);
        if (next == '?') {
            return declarationThenOpen(in, start, limit, maxBytes);
        }
        if (next == '!') {
            return error(ProtocolError.RESTRICTED_XML, "a DOCTYPE, comment or CDATA section outside a stanza");
        }
        if (next == '/') {
            int end = indexOf(in, '>', i, limit);
            if (end < 0) {
                return tooLarge(start, limit, maxBytes);
            }
            return new Scan(Kind.CLOSE, end + 1, null, null);
        }
        int tagEnd = tagEnd(in, i, limit);
        if (tagEnd < 0) {
            return tooLarge(start, limit, maxBytes);
        }
        if (streamTag(in, i, tagEnd) && !selfClosing(in, tagEnd)) {
            return new Scan(Kind.OPEN, tagEnd, null, null);
        }
        if (selfClosing(in, tagEnd)) {
            return within(new Scan(Kind.STANZA, tagEnd, null, null), start, maxBytes);
        }
        int depth = 1;
        i = tagEnd;
        while (true) {
            if (i - start > maxBytes) {
                return error(ProtocolError.FRAME_TOO_LARGE, "a stanza of more than " + maxBytes + " bytes");
            }
            int lt = indexOf(in, '<', i, limit);
            if (lt < 0 || lt + 1 >= limit) {
                return tooLarge(start, limit, maxBytes);
            }
            byte c = in.get(lt + 1);
            if (c == '/') {
                int end = indexOf(in, '>', lt, limit);
                if (end < 0) {
                    return tooLarge(start, limit, maxBytes);
                }
                i = end + 1;
                if (--depth == 0) {
                    return within(new Scan(Kind.STANZA, i, null, null), start, maxBytes);
                }
            } else if (c == '!') {
                if (lt + 9 > limit) {
                    return tooLarge(start, limit, maxBytes);
                }
                if (!startsWith(in, lt, "<![CDATA[")) {
                    return error(ProtocolError.RESTRICTED_XML, "a comment or DOCTYPE inside a stanza");
                }
                int end = indexOf(in, "]]>", lt + 9, limit);
                if (end < 0) {
                    return tooLarge(start, limit, maxBytes);
                }
                i = end + 3;
            } else if (c == '?') {
                return error(ProtocolError.RESTRICTED_XML, "a processing instruction inside a stanza");
            } else {
                int end = tagEnd(in, lt, limit);
                if (end < 0) {
                    return tooLarge(start, limit, maxBytes);
                }
                if (!selfClosing(in, end) && ++depth > maxDepth) {
                    return error(ProtocolError.BAD_NESTING, "elements nested deeper than " + maxDepth);
                }
                i = end;
            }
        }
    }

    /** {@code <?xml ...?>} and then the stream's opening tag, read as one piece. */
    private static Scan declarationThenOpen(ByteBuffer in, int start, int limit, int maxBytes) {
        if (start + 6 > limit) {
            return MORE;
        }
        if (!startsWith(in, start, "<?xml") || !space(in.get(start + 5))) {
            return error(ProtocolError.RESTRICTED_XML, "a processing instruction");
        }
        int end = indexOf(in, "?>", start, limit);
        if (end < 0) {
            return tooLarge(start, limit, maxBytes);
        }
        int i = end + 2;
        while (i < limit && space(in.get(i))) {
            i++;
        }
        if (i >= limit) {
            return tooLarge(start, limit, maxBytes);
        }
        if (in.get(i) != '<') {
            return error(ProtocolError.NOT_WELL_FORMED, "text after the XML declaration");
        }
        int tagEnd = tagEnd(in, i, limit);
        if (tagEnd < 0) {
            return tooLarge(start, limit, maxBytes);
        }
        if (!streamTag(in, i, tagEnd) || selfClosing(in, tagEnd)) {
            return error(ProtocolError.NOT_WELL_FORMED, "the XML declaration must be followed by <stream:stream>");
        }
        return within(new Scan(Kind.OPEN, tagEnd, null, null), start, maxBytes);
    }

    /** The index just past the {@code >} of the tag that starts at {@code lt}, quotes respected; -1 when not there yet. */
    private static int tagEnd(ByteBuffer in, int lt, int limit) {
        byte quote = 0;
        for (int i = lt + 1; i < limit; i++) {
            byte b = in.get(i);
            if (quote != 0) {
                if (b == quote) {
                    quote = 0;
                }
            } else if (b == '"' || b == '\'') {
                quote = b;
            } else if (b == '>') {
                return i + 1;
            }
        }
        return -1;
    }

    private static boolean selfClosing(ByteBuffer in, int tagEnd) {
        return in.get(tagEnd - 2) == '/';
    }

    /** The tag's name is {@code prefix:stream}: the opening of a stream (RFC 6120 §4.2). */
    private static boolean streamTag(ByteBuffer in, int lt, int tagEnd) {
        int i = lt + 1;
        int colon = -1;
        while (i < tagEnd && !space(in.get(i)) && in.get(i) != '>' && in.get(i) != '/') {
            if (in.get(i) == ':') {
                colon = i;
            }
            i++;
        }
        return colon > lt + 1 && i - colon - 1 == 6 && startsWith(in, colon + 1, "stream");
    }

    private static Scan tooLarge(int start, int limit, int maxBytes) {
        return limit - start > maxBytes
                ? error(ProtocolError.FRAME_TOO_LARGE, "a stanza of more than " + maxBytes + " bytes") : MORE;
    }

    private static Scan within(Scan found, int start, int maxBytes) {
        return found.end() - start > maxBytes
                ? error(ProtocolError.FRAME_TOO_LARGE, "a stanza of more than " + maxBytes + " bytes") : found;
    }

    private static Scan error(ProtocolError code, String text) {
        return new Scan(null, -1, code, text);
    }

    private static boolean space(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private static int indexOf(ByteBuffer in, char c, int from, int limit) {
        for (int i = from; i < limit; i++) {
            if (in.get(i) == c) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(ByteBuffer in, String s, int from, int limit) {
        for (int i = from; i + s.length() <= limit; i++) {
            if (startsWith(in, i, s)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWith(ByteBuffer in, int at, String s) {
        if (at + s.length() > in.limit()) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            if (in.get(at + k) != s.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
