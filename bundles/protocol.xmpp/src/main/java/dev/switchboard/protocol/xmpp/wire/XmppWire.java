package dev.switchboard.protocol.xmpp.wire;

import dev.switchboard.api.protocol.Decoded;
import dev.switchboard.api.protocol.FrameCodec;
import dev.switchboard.api.protocol.ProtocolError;
import dev.switchboard.api.stanza.Node;
import java.nio.ByteBuffer;
import javax.xml.stream.XMLStreamException;

/**
 * XMPP's XML as frames: each whitespace run, stream opening, stream closing and whole stanza is
 * one frame ({@link StanzaScanner}), read into a node by {@link StanzaParser}. Keeps nothing
 * between calls, as {@link FrameCodec} asks: stream restarts (after SASL, after STARTTLS) are just
 * another opening frame.
 */
public class XmppWire implements FrameCodec {

    /** Deepest element nesting accepted in a stanza. */
    public static final int MAX_DEPTH = 32;

    @Override
    public String name() {
        return "xmpp";
    }

    /** XMPP has no preamble of its own: the stream's opening is a frame; version 1 is all there is. */
    @Override
    public int readPreamble(ByteBuffer in) {
        return in.hasRemaining() ? 1 : PREAMBLE_NEED_MORE;
    }

    @Override
    public byte[] preamble(int dictionaryVersion) {
        return new byte[0];
    }

    @Override
    public Decoded decode(ByteBuffer in, int dictionaryVersion, int maxFrameBytes) {
        StanzaScanner.Scan scan = StanzaScanner.scan(in, maxFrameBytes, MAX_DEPTH);
        if (scan == StanzaScanner.MORE) {
            return Decoded.NEED_MORE;
        }
        if (!scan.complete()) {
            return new Decoded.Error(scan.error(), scan.text());
        }
        int start = in.position();
        int length = scan.end() - start;
        try {
            Node node = switch (scan.kind()) {
                case SPACE -> SPACE_NODE;
                case CLOSE -> CLOSE_NODE;
                case OPEN -> StanzaParser.open(bytes(in, start, length));
                case STANZA -> in.hasArray()
                        ? StanzaParser.stanza(in.array(), in.arrayOffset() + start, length)
                        : StanzaParser.stanza(bytes(in, start, length), 0, length);
            };
            in.position(scan.end());
            return new Decoded.Frame(node);
        } catch (XMLStreamException | RuntimeException e) {
            // RuntimeException: Aalto reports some malformed input (bad UTF-8) unchecked
            String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            return new Decoded.Error(ProtocolError.NOT_WELL_FORMED, "not well-formed XML: " + detail);
        }
    }

    private static final Node SPACE_NODE = Node.of(XmppFrames.SPACE);
    private static final Node CLOSE_NODE = Node.of(XmppFrames.CLOSE);

    private static byte[] bytes(ByteBuffer in, int start, int length) {
        byte[] out = new byte[length];
        in.get(start, out);
        return out;
    }

    @Override
    public ByteBuffer encode(Node stanza, int dictionaryVersion) {
        return ByteBuffer.wrap(XmlWriter.write(stanza));
    }
}
