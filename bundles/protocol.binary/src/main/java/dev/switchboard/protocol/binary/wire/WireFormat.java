package dev.switchboard.protocol.binary.wire;

/** Byte values of the binary format (docs/PROTOCOL.md §2–§4). */
public final class WireFormat {

    /** The first two bytes of every connection: ASCII "SB". */
    public static final byte MAGIC_0 = 'S';
    public static final byte MAGIC_1 = 'B';
    public static final int PREAMBLE_LENGTH = 3;

    /** String markers above the token range. */
    public static final int EMPTY = 0x00;
    public static final int ADDRESS_DEVICE_0 = 0xF0;
    public static final int ADDRESS = 0xF1;
    public static final int PACKED_DIGITS = 0xF2;
    public static final int RAW_UTF8 = 0xF3;

    /** Node header: two high bits say what follows the attributes, six low bits count attributes. */
    public static final int CONTENT_NONE = 0;
    public static final int CONTENT_BYTES = 1;
    public static final int CONTENT_CHILDREN = 2;
    public static final int MAX_ATTRIBUTES = 63;

    /** Deeper nesting is refused (§4): no stanza of this protocol needs more. */
    public static final int MAX_DEPTH = 16;
    /** A frame length is a varint of at most this many bytes (up to 256 MiB). */
    public static final int MAX_LENGTH_BYTES = 4;

    private WireFormat() {
    }
}
