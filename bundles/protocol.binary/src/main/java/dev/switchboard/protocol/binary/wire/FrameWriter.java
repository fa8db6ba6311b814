package dev.switchboard.protocol.binary.wire;

import static dev.switchboard.protocol.binary.wire.WireFormat.*;

import dev.switchboard.api.stanza.Node;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/** Encodes a stanza as one frame (docs/PROTOCOL.md §2–§4), choosing the shortest form of each string. */
public final class FrameWriter {

    private byte[] buf = new byte[64];
    private int size;
    private final Dictionary dictionary;

    private FrameWriter(Dictionary dictionary) {
        this.dictionary = dictionary;
    }

    /** The complete frame: length prefix, then the node. */
    public static byte[] encode(Node node, Dictionary dictionary) {
        FrameWriter body = new FrameWriter(dictionary);
        body.node(node, 0);
        FrameWriter frame = new FrameWriter(dictionary);
        frame.varint(body.size);
        frame.raw(body.buf, body.size);
        return Arrays.copyOf(frame.buf, frame.size);
    }

    private void node(Node node, int depth) {
        if (depth >= MAX_DEPTH) {
            throw new IllegalArgumentException("stanza nested deeper than " + MAX_DEPTH);
        }
        Map<String, String> attributes = node.attributes();
        if (attributes.size() > MAX_ATTRIBUTES) {
            throw new IllegalArgumentException("more than " + MAX_ATTRIBUTES + " attributes");
        }
        int kind = node.content() != null ? CONTENT_BYTES
                : node.children().isEmpty() ? CONTENT_NONE : CONTENT_CHILDREN;
        u8(kind << 6 | attributes.size());
        string(node.tag());
        for (Map.Entry<String, String> a : attributes.entrySet()) {
            string(a.getKey());
            string(a.getValue());
        }
        if (kind == CONTENT_BYTES) {
            varint(node.content().length);
            raw(node.content(), node.content().length);
        } else if (kind == CONTENT_CHILDREN) {
            varint(node.children().size());
            for (Node child : node.children()) {
                node(child, depth + 1);
            }
        }
    }

    private void string(String s) {
        if (s.isEmpty()) {
            u8(EMPTY);
            return;
        }
        int token = dictionary.token(s);
        if (token != 0) {
            u8(token);
            return;
        }
        int slash = s.indexOf('/');
        if (slash > 0 && isDigits(s, 0, slash) && isCanonicalDevice(s, slash + 1)) {
            int device = Integer.parseInt(s, slash + 1, s.length(), 10);
            u8(device == 0 ? ADDRESS_DEVICE_0 : ADDRESS);
            digits(s, slash);
            if (device != 0) {
                u8(device);
            }
        } else if (isDigits(s, 0, s.length()) && s.length() <= 255) {
            u8(PACKED_DIGITS);
            digits(s, s.length());
        } else {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            u8(RAW_UTF8);
            varint(utf8.length);
            raw(utf8, utf8.length);
        }
    }

    private void digits(String s, int count) {
        u8(count);
        for (int i = 0; i < count; i += 2) {
            int high = s.charAt(i) - '0';
            int low = i + 1 < count ? s.charAt(i + 1) - '0' : 0x0F;
            u8(high << 4 | low);
        }
    }

    private static boolean isDigits(String s, int from, int to) {
        if (to - from < 1 || to - from > 255) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** 0..255 written without leading zeros, so decoding gives back the same text. */
    private static boolean isCanonicalDevice(String s, int from) {
        int len = s.length() - from;
        if (len < 1 || len > 3 || !isDigits(s, from, s.length()) || (len > 1 && s.charAt(from) == '0')) {
            return false;
        }
        return Integer.parseInt(s, from, s.length(), 10) <= 255;
    }

    private void varint(int value) {
        while ((value & ~0x7F) != 0) {
            u8((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        u8(value);
    }

    private void u8(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    private void raw(byte[] bytes, int length) {
        ensure(length);
        System.arraycopy(bytes, 0, buf, size, length);
        size += length;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }
}
