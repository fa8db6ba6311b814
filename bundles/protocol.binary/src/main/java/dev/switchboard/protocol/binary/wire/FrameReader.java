package dev.switchboard.protocol.binary.wire;

import static dev.switchboard.protocol.binary.wire.WireFormat.*;

import dev.switchboard.api.protocol.Decoded;
import dev.switchboard.api.protocol.ProtocolError;
import dev.switchboard.api.stanza.Node;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes one frame (docs/PROTOCOL.md §2) as a two-state machine: READ_LENGTH, then READ_BODY once
 * the whole body is buffered. The body is parsed against its declared length, so a short or
 * overlong body is {@link ProtocolError#TRUNCATED}, never a stalled reader. Malformed input is
 * returned as {@link Decoded.Error}; nothing is thrown to the caller.
 */
public final class FrameReader {

    private FrameReader() {
    }

    /** Reads one frame at the buffer's position; see {@link dev.switchboard.api.protocol.FrameCodec#decode}. */
    public static Decoded decode(ByteBuffer in, Dictionary dictionary, int maxFrameBytes) {
        int start = in.position();
        // READ_LENGTH: a little-endian base-128 varint.
        int length = 0;
        int pos = start;
        for (int i = 0; ; i++) {
            if (i == MAX_LENGTH_BYTES) {
                return new Decoded.Error(ProtocolError.FRAME_TOO_LARGE, "frame length field too long");
            }
            if (pos >= in.limit()) {
                return Decoded.NEED_MORE;
            }
            int b = in.get(pos++) & 0xFF;
            length |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                break;
            }
        }
        if (length > maxFrameBytes) {
            return new Decoded.Error(ProtocolError.FRAME_TOO_LARGE,
                    "frame of " + length + " bytes exceeds the limit of " + maxFrameBytes);
        }
        if (length == 0) {
            return new Decoded.Error(ProtocolError.TRUNCATED, "empty frame");
        }
        // READ_BODY: only once every byte of the body is here.
        if (in.limit() - pos < length) {
            return Decoded.NEED_MORE;
        }
        ByteBuffer body = in.duplicate();
        body.position(pos).limit(pos + length);
        in.position(pos + length);
        try {
            Node node = new Parser(body, dictionary).node(0);
            if (body.hasRemaining()) {
                return new Decoded.Error(ProtocolError.TRUNCATED, body.remaining() + " bytes after the node");
            }
            return new Decoded.Frame(node);
        } catch (Malformed m) {
            return new Decoded.Error(m.error, m.getMessage());
        }
    }

    /** Thrown only inside this class and turned into a {@link Decoded.Error} at its boundary. */
    private static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;
        final transient ProtocolError error;

        Malformed(ProtocolError error, String message) {
            super(message, null, false, false);
            this.error = error;
        }
    }

    private static final class Parser {
        private final ByteBuffer body;
        private final Dictionary dictionary;

        Parser(ByteBuffer body, Dictionary dictionary) {
            this.body = body;
            this.dictionary = dictionary;
        }

        Node node(int depth) throws Malformed {
            if (depth >= MAX_DEPTH) {
                throw new Malformed(ProtocolError.BAD_NESTING, "nodes nested deeper than " + MAX_DEPTH);
            }
            int header = u8();
            int kind = header >>> 6;
            int attributeCount = header & MAX_ATTRIBUTES;
            String tag = string();
            if (tag.isEmpty()) {
                throw new Malformed(ProtocolError.BAD_VALUE, "empty tag");
            }
            Map<String, String> attributes = new LinkedHashMap<>(attributeCount * 2);
            for (int i = 0; i < attributeCount; i++) {
                String name = string();
                if (attributes.put(name, string()) != null) {
                    throw new Malformed(ProtocolError.BAD_VALUE, "attribute '" + name + "' repeated");
                }
            }
            switch (kind) {
                case CONTENT_NONE:
                    return new Node(tag, attributes, List.of(), null);
                case CONTENT_BYTES:
                    return new Node(tag, attributes, List.of(), bytes(varint()));
                case CONTENT_CHILDREN:
                    int count = varint();
                    if (count > body.remaining()) {
                        throw new Malformed(ProtocolError.TRUNCATED, "more children declared than bytes left");
                    }
                    List<Node> children = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) {
                        children.add(node(depth + 1));
                    }
                    return new Node(tag, attributes, children, null);
                default:
                    throw new Malformed(ProtocolError.BAD_NESTING, "node header with both children and bytes");
            }
        }

        String string() throws Malformed {
            int marker = u8();
            if (marker == EMPTY) {
                return "";
            }
            if (marker < ADDRESS_DEVICE_0) {
                String s = dictionary.string(marker);
                if (s == null) {
                    throw new Malformed(ProtocolError.UNKNOWN_TOKEN, String.format(
                            "byte 0x%02x is no token of dictionary %d", marker, dictionary.version()));
                }
                return s;
            }
            switch (marker) {
                case ADDRESS_DEVICE_0:
                    return digits() + "/0";
                case ADDRESS:
                    String user = digits();
                    return user + "/" + u8();
                case PACKED_DIGITS:
                    return digits();
                case RAW_UTF8:
                    return utf8(bytes(varint()));
                default:
                    throw new Malformed(ProtocolError.UNKNOWN_TOKEN, String.format("unknown marker 0x%02x", marker));
            }
        }

        String digits() throws Malformed {
            int count = u8();
            if (count == 0) {
                throw new Malformed(ProtocolError.BAD_VALUE, "packed digits of length 0");
            }
            char[] out = new char[count];
            for (int i = 0; i < count; i += 2) {
                int b = u8();
                out[i] = digit(b >>> 4);
                if (i + 1 < count) {
                    out[i + 1] = digit(b & 0x0F);
                } else if ((b & 0x0F) != 0x0F) {
                    throw new Malformed(ProtocolError.BAD_VALUE, "odd packed digits not padded with 0xF");
                }
            }
            return new String(out);
        }

        private static char digit(int nibble) throws Malformed {
            if (nibble > 9) {
                throw new Malformed(ProtocolError.BAD_VALUE, "nibble " + nibble + " is not a digit");
            }
            return (char) ('0' + nibble);
        }

        int varint() throws Malformed {
            int value = 0;
            for (int i = 0; i < 4; i++) {
                int b = u8();
                value |= (b & 0x7F) << (7 * i);
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new Malformed(ProtocolError.BAD_VALUE, "varint longer than 4 bytes");
        }

        byte[] bytes(int length) throws Malformed {
            if (length > body.remaining()) {
                throw new Malformed(ProtocolError.TRUNCATED,
                        "needs " + length + " bytes, frame has " + body.remaining() + " left");
            }
            byte[] out = new byte[length];
            body.get(out);
            return out;
        }

        int u8() throws Malformed {
            if (!body.hasRemaining()) {
                throw new Malformed(ProtocolError.TRUNCATED, "frame ended inside a node");
            }
            return body.get() & 0xFF;
        }

        private static String utf8(byte[] bytes) throws Malformed {
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new Malformed(ProtocolError.BAD_VALUE, "string is not valid UTF-8");
            }
        }
    }
}
