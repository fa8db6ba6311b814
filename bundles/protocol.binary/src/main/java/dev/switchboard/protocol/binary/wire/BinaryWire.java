package dev.switchboard.protocol.binary.wire;

import dev.switchboard.api.protocol.Decoded;
import dev.switchboard.api.protocol.FrameCodec;
import dev.switchboard.api.protocol.ProtocolError;
import dev.switchboard.api.stanza.Node;
import java.nio.ByteBuffer;

/**
 * The binary format as a plain {@link FrameCodec}, usable with or without OSGi: the server's
 * component delegates to it and the client library embeds it.
 */
public class BinaryWire implements FrameCodec {

    @Override
    public String name() {
        return "binary";
    }

    @Override
    public int readPreamble(ByteBuffer in) {
        if (in.remaining() < WireFormat.PREAMBLE_LENGTH) {
            return PREAMBLE_NEED_MORE;
        }
        int p = in.position();
        if (in.get(p) != WireFormat.MAGIC_0 || in.get(p + 1) != WireFormat.MAGIC_1) {
            return PREAMBLE_INVALID;
        }
        int version = in.get(p + 2) & 0xFF;
        if (Dictionary.forVersion(version) == null) {
            return PREAMBLE_INVALID;
        }
        in.position(p + WireFormat.PREAMBLE_LENGTH);
        return version;
    }

    @Override
    public byte[] preamble(int dictionaryVersion) {
        return new byte[] {WireFormat.MAGIC_0, WireFormat.MAGIC_1, (byte) dictionaryVersion};
    }

    @Override
    public Decoded decode(ByteBuffer in, int dictionaryVersion, int maxFrameBytes) {
        Dictionary dictionary = Dictionary.forVersion(dictionaryVersion);
        if (dictionary == null) {
            return new Decoded.Error(ProtocolError.BAD_PREAMBLE, "unknown dictionary " + dictionaryVersion);
        }
        return FrameReader.decode(in, dictionary, maxFrameBytes);
    }

    @Override
    public ByteBuffer encode(Node stanza, int dictionaryVersion) {
        Dictionary dictionary = Dictionary.forVersion(dictionaryVersion);
        if (dictionary == null) {
            throw new IllegalArgumentException("unknown dictionary " + dictionaryVersion);
        }
        return ByteBuffer.wrap(FrameWriter.encode(stanza, dictionary));
    }

    @Override
    public boolean encode(Node stanza, int dictionaryVersion, ByteBuffer out) {
        Dictionary dictionary = Dictionary.forVersion(dictionaryVersion);
        if (dictionary == null) {
            throw new IllegalArgumentException("unknown dictionary " + dictionaryVersion);
        }
        return FrameWriter.encodeInto(stanza, dictionary, out) || FrameCodec.super.encode(stanza, dictionaryVersion, out);
    }
}
