package dev.switchboard.protocol.binary.wire;

import static dev.switchboard.protocol.binary.wire.WireFormat.*;

import dev.switchboard.api.stanza.Node;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/** Encodes a stanza as one frame (docs/PROTOCOL.md §2–§4), choosing the shortest form of each string. */
public final class FrameWriter {

    private byte[] buf;
    private int size;
    private final Dictionary dictionary;
    /** What the sizing pass has counted so far. */
    private int counted;
    /** Writing into a caller's array: past this index the frame does not fit (no growing). */
    private int bound = -1;

    /** Thrown (without a stack) when a frame does not fit the caller's buffer. */
    private static final class DoesNotFit extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final DoesNotFit INSTANCE = new DoesNotFit();

        private DoesNotFit() {
            super(null, null, false, false);
        }
    }

    /** Room left before the body for the length prefix: a frame up to 2 MiB has at most 3 bytes of it. */
    private static final int PREFIX_ROOM = 3;

    private FrameWriter(Dictionary dictionary, byte[] buf) {
        this.dictionary = dictionary;
        this.buf = buf;
    }

    /**
     * Writes the frame straight into {@code out}'s array at its position, in one pass: the body
     * after room for the longest prefix, then the prefix, moving a short body down to meet it.
     *
     * @return false, with {@code out} unchanged, when it does not fit (or {@code out} has no array)
     */
    public static boolean encodeInto(Node node, Dictionary dictionary, java.nio.ByteBuffer out) {
        if (!out.hasArray() || out.remaining() < PREFIX_ROOM + 1) {
            return false;
        }
        int start = out.arrayOffset() + out.position();
        FrameWriter w = new FrameWriter(dictionary, out.array());
        w.size = start + PREFIX_ROOM;
        w.bound = out.arrayOffset() + out.limit();
        try {
            w.node(node, 0);
        } catch (DoesNotFit full) {
            return false;
        }
        int length = w.size - start - PREFIX_ROOM;
        int prefix = varintLength(length);
        if (prefix > PREFIX_ROOM) {
            return false; // over 2 MiB: the caller's other path writes it
        }
        if (prefix < PREFIX_ROOM) {
            System.arraycopy(w.buf, start + PREFIX_ROOM, w.buf, start + prefix, length);
        }
        w.size = start;
        w.varint(length);
        out.position(out.position() + prefix + length);
        return true;
    }

    /**
     * The complete frame: length prefix, then the node. A first pass counts the bytes, so the frame
     * is written straight into an array of its exact size (one allocation per frame; no scratch
     * space kept per thread, which would pin this bundle's classes to the transport's threads
     * after a swap).
     */
    public static byte[] encode(Node node, Dictionary dictionary) {
        FrameWriter counter = new FrameWriter(dictionary, null);
        counter.count(node, 0);
        int length = counter.counted;
        FrameWriter frame = new FrameWriter(dictionary, new byte[varintLength(length) + length]);
        frame.varint(length);
        frame.node(node, 0);
        if (frame.size == frame.buf.length) {
            return frame.buf;
        }
        // the count and the writing disagree (a bug): fall back to writing twice, never a wrong prefix
        FrameWriter body = new FrameWriter(dictionary, new byte[64]);
        body.node(node, 0);
        FrameWriter whole = new FrameWriter(dictionary, new byte[varintLength(body.size) + body.size]);
        whole.varint(body.size);
        whole.raw(body.buf, body.size);
        return whole.buf;
    }

    private static int varintLength(int value) {
        int n = 1;
        while ((value & ~0x7F) != 0) {
            n++;
            value >>>= 7;
        }
        return n;
    }

    /** The sizing pass: the same decisions as {@link #node}, counting instead of writing. */
    private void count(Node node, int depth) {
        if (depth >= MAX_DEPTH) {
            throw new IllegalArgumentException("stanza nested deeper than " + MAX_DEPTH);
        }
        counted += 1 + stringSize(node.tag());
        node.attributes().forEach(this::countAttribute);
        if (node.content() != null) {
            counted += varintLength(node.content().length) + node.content().length;
        } else if (!node.children().isEmpty()) {
            counted += varintLength(node.children().size());
            for (Node child : node.children()) {
                count(child, depth + 1);
            }
        }
    }

    private void countAttribute(String name, String value) {
        counted += stringSize(name) + stringSize(value);
    }

    private int stringSize(String s) {
        if (s.isEmpty() || tokenOf(s) != 0) {
            return 1;
        }
        int slash = s.indexOf('/');
        if (slash > 0 && isDigits(s, 0, slash) && isCanonicalDevice(s, slash + 1)) {
            int device = Integer.parseInt(s, slash + 1, s.length(), 10);
            return 2 + (slash + 1) / 2 + (device != 0 ? 1 : 0);
        }
        if (isDigits(s, 0, s.length()) && s.length() <= 255) {
            return 2 + (s.length() + 1) / 2;
        }
        int utf8 = utf8Length(s);
        return 1 + varintLength(utf8) + utf8;
    }

    /** What {@code s.getBytes(UTF_8).length} would be, without the array (an unpaired surrogate becomes '?'). */
    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /**
     * The string's token, or 0. No token is made of digits but "0".."3": seqs, times and addresses
     * skip the lookup (and its hashing).
     */
    private int tokenOf(String s) {
        char first = s.charAt(0);
        return first >= '0' && first <= '9' && s.length() > 1 ? 0 : dictionary.token(s);
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
        attributes.forEach(this::attribute);
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

    private void attribute(String name, String value) {
        string(name);
        string(value);
    }

    private void string(String s) {
        if (s.isEmpty()) {
            u8(EMPTY);
            return;
        }
        int token = tokenOf(s);
        if (token != 0) {
            u8(token); // one lookup: this runs for every tag, name and value written
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
        if (bound >= 0) {
            if (size + more > bound) {
                throw DoesNotFit.INSTANCE;
            }
            return;
        }
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }
}
