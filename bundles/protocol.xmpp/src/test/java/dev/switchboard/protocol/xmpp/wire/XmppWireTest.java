package dev.switchboard.protocol.xmpp.wire;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.protocol.Decoded;
import dev.switchboard.api.protocol.ProtocolError;
import dev.switchboard.api.stanza.Node;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class XmppWireTest {

    private static final String HEADER = "<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client'"
            + " xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";
    private static final String MESSAGE = "<message to='15550002@localhost' id='m1' type='chat'><body>a &amp; b &lt;3 é</body>"
            + "<request xmlns='urn:xmpp:receipts'/></message>";

    private final XmppWire wire = new XmppWire();

    private List<Node> decodeAll(String text) {
        ByteBuffer in = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        List<Node> out = new ArrayList<>();
        while (in.hasRemaining()) {
            Decoded d = wire.decode(in, 1, 1 << 16);
            if (d instanceof Decoded.Frame f) {
                out.add(f.node());
            } else if (d instanceof Decoded.Error e) {
                fail("unexpected error " + e);
            } else {
                break;
            }
        }
        return out;
    }

    private Decoded.Error error(String text, int max) {
        ByteBuffer in = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (true) {
            Decoded d = wire.decode(in, 1, max);
            if (d instanceof Decoded.Error e) {
                return e;
            }
            if (!(d instanceof Decoded.Frame)) {
                fail("no error for " + text + ": " + d);
            }
        }
    }

    @Test
    void readsHeaderStanzasWhitespaceAndClose() {
        List<Node> frames = decodeAll(HEADER + MESSAGE + "\n " + "<presence/></stream:stream>");
        assertEquals(List.of(XmppFrames.OPEN, "message", XmppFrames.SPACE, "presence", XmppFrames.CLOSE),
                frames.stream().map(Node::tag).toList());
        assertEquals("localhost", frames.get(0).attr("to"));
        Node message = frames.get(1);
        assertEquals("15550002@localhost", message.attr("to"));
        assertNull(message.attr("xmlns"), "the stream's default namespace is not repeated");
        assertEquals("a & b <3 é", new String(message.children().get(0).content(), StandardCharsets.UTF_8));
        assertEquals("urn:xmpp:receipts", message.children().get(1).attr("xmlns"));
    }

    @Test
    void aStanzaSplitAnywhereIsReadOnceWhole() {
        byte[] all = (HEADER + MESSAGE + MESSAGE).getBytes(StandardCharsets.UTF_8);
        Random random = new Random(7);
        for (int run = 0; run < 200; run++) {
            ByteBuffer held = ByteBuffer.allocate(0);
            List<String> tags = new ArrayList<>();
            int at = 0;
            while (at < all.length) {
                int n = Math.min(all.length - at, 1 + random.nextInt(40));
                ByteBuffer joined = ByteBuffer.allocate(held.remaining() + n).put(held).put(all, at, n).flip();
                at += n;
                while (true) {
                    int before = joined.position();
                    Decoded d = wire.decode(joined, 1, 1 << 16);
                    if (d instanceof Decoded.Frame f) {
                        tags.add(f.node().tag());
                    } else {
                        assertInstanceOf(Decoded.NeedMore.class, d, "only whole frames or need-more");
                        assertEquals(before, joined.position(), "need-more consumes nothing");
                        break;
                    }
                }
                held = joined.slice();
            }
            assertEquals(List.of(XmppFrames.OPEN, "message", "message"), tags, "run " + run);
        }
    }

    @Test
    void attributeValuesMayHoldAngleBrackets() {
        List<Node> frames = decodeAll(HEADER + "<message id='a&gt;b' to=\"x>y@localhost\"><body>1 &gt; 0</body></message>");
        assertEquals("x>y@localhost", frames.get(1).attr("to"));
        assertEquals("a>b", frames.get(1).attr("id"));
    }

    @Test
    void refusesWhatXmppForbids() {
        assertEquals(ProtocolError.RESTRICTED_XML, error("<!DOCTYPE x [<!ENTITY a 'b'>]><x/>", 4096).code());
        assertEquals(ProtocolError.RESTRICTED_XML, error(HEADER + "<message><!-- hi --></message>", 4096).code());
        assertEquals(ProtocolError.RESTRICTED_XML, error(HEADER + "<?php x?>", 4096).code());
        assertEquals(ProtocolError.NOT_WELL_FORMED, error(HEADER + "<message><body>&xxe;</body></message>", 4096).code());
        assertEquals(ProtocolError.NOT_WELL_FORMED, error(HEADER + "<message><body></message></body>", 4096).code());
        assertEquals(ProtocolError.NOT_WELL_FORMED, error(HEADER + "text", 4096).code());
    }

    @Test
    void refusesInvalidUtf8() {
        byte[] head = (HEADER + "<message><body>").getBytes(StandardCharsets.UTF_8);
        byte[] tail = "</body></message>".getBytes(StandardCharsets.UTF_8);
        ByteBuffer in = ByteBuffer.allocate(head.length + 2 + tail.length).put(head).put((byte) 0xC3).put((byte) 0x28).put(tail).flip();
        assertInstanceOf(Decoded.Frame.class, wire.decode(in, 1, 4096));
        Decoded d = wire.decode(in, 1, 4096);
        assertInstanceOf(Decoded.Error.class, d);
        assertEquals(ProtocolError.NOT_WELL_FORMED, ((Decoded.Error) d).code());
    }

    @Test
    void boundsSizeAndDepth() {
        String big = HEADER + "<message><body>" + "x".repeat(5000) + "</body></message>";
        assertEquals(ProtocolError.FRAME_TOO_LARGE, error(big, 1024).code());
        assertEquals(ProtocolError.FRAME_TOO_LARGE, error(HEADER + "<message><body>" + "x".repeat(5000), 1024).code(),
                "an endless stanza is refused before it ends");
        String deep = HEADER + "<a>".repeat(40) + "</a>".repeat(40);
        assertEquals(ProtocolError.BAD_NESTING, error(deep, 1 << 16).code());
    }

    @Test
    void writesWhatItReads() {
        Node message = decodeAll(HEADER + MESSAGE).get(1);
        ByteBuffer encoded = wire.encode(message, 1);
        Node again = decodeAll(HEADER + StandardCharsets.UTF_8.decode(encoded)).get(1);
        assertEquals(message, again);
    }

    @Test
    void writesNoCharacterXmlCannotCarry() {
        Node body = Node.withContent("body", "a\u0001b\uD800c".getBytes(StandardCharsets.UTF_8));
        String xml = StandardCharsets.UTF_8.decode(wire.encode(body, 1)).toString();
        assertFalse(xml.contains("\u0001"));
        assertEquals(1, decodeAll(HEADER + xml).size() - 1, "what it writes parses");
    }
}
