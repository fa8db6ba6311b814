package dev.switchboard.protocol.binary.wire;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.protocol.Decoded;
import dev.switchboard.api.protocol.FrameCodec;
import dev.switchboard.api.protocol.ProtocolError;
import dev.switchboard.api.stanza.Node;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BinaryWireTest {

    private static final int MAX = 1 << 20;
    private final BinaryWire wire = new BinaryWire();

    private Node roundTrip(Node node) {
        ByteBuffer frame = wire.encode(node, 1);
        Decoded d = wire.decode(frame, 1, MAX);
        assertInstanceOf(Decoded.Frame.class, d, () -> d.toString());
        assertFalse(frame.hasRemaining());
        return ((Decoded.Frame) d).node();
    }

    @Test
    void typicalTextMessageIs28BytesAndRoundTrips() {
        Node msg = Node.withContent("message", "hello 1234".getBytes(StandardCharsets.UTF_8),
                "to", "15551234567/0", "id", "1042");
        byte[] frame = wire.encode(msg, 1).array();
        // docs/PROTOCOL.md §5 walks through these bytes one by one.
        assertEquals(28, frame.length);
        assertEquals(msg, roundTrip(msg));
    }

    @Test
    void everyStringFormRoundTrips() {
        Node node = new Node("custom-tag", Map.of("a", "", "b", "15551234567/7", "c", "0042",
                "d", "héllo wörld", "e", "12/007", "f", "5/256", "to", "1/0"), List.of(), null);
        assertEquals(node, roundTrip(node));
    }

    /** The frame is written into an array of the size a first pass counted: every string form must count right. */
    @Test
    void randomStringsOfEveryFormRoundTripAtTheirCountedSize() {
        java.util.Random random = new java.util.Random(42);
        String[] samples = {"", "0", "3", "12", "0042", "15551234567/0", "15551234567/255", "1/256", "1/07", "message",
                "h\u00e9", "\u20ac", "\ud83d\ude00", "\ud83d", "\ude00x", "a/b", "/1", "1/", "9".repeat(256)};
        for (int round = 0; round < 2000; round++) {
            java.util.LinkedHashMap<String, String> attrs = new java.util.LinkedHashMap<>();
            int n = random.nextInt(6);
            for (int i = 0; i < n; i++) {
                String v = random.nextBoolean() ? samples[random.nextInt(samples.length)] : randomText(random);
                attrs.put("k" + i, v);
            }
            Node node = new Node(random.nextBoolean() ? "message" : randomText(random) + "t", attrs, java.util.List.of(),
                    random.nextBoolean() ? new byte[random.nextInt(300)] : null);
            ByteBuffer frame = wire.encode(node, 1);
            // the same bytes written in place into a shared buffer, after what is already there
            ByteBuffer into = ByteBuffer.allocate(7 + frame.remaining()).position(7);
            assertTrue(wire.encode(node, 1, into), "fits exactly");
            assertEquals(frame.duplicate(), into.flip().position(7), "round " + round);
            ByteBuffer small = ByteBuffer.allocate(frame.remaining() - 1);
            assertFalse(wire.encode(node, 1, small), "one byte short");
            assertEquals(0, small.position(), "nothing consumed when it does not fit");
            Decoded d = wire.decode(frame.duplicate(), 1, MAX);
            Node back = assertInstanceOf(Decoded.Frame.class, d).node();
            // an unpaired surrogate cannot survive UTF-8: it comes back as '?', as String.getBytes makes it
            Node expected = new Node(new String(node.tag().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8),
                    attrs.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                            e -> e.getKey(), e -> new String(e.getValue().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8),
                            (a, b) -> a, java.util.LinkedHashMap::new)), java.util.List.of(), node.content());
            assertEquals(expected, back, "round " + round);
        }
    }

    private static String randomText(java.util.Random random) {
        StringBuilder b = new StringBuilder();
        int n = random.nextInt(12);
        for (int i = 0; i < n; i++) {
            int kind = random.nextInt(5);
            b.append(switch (kind) {
                case 0 -> (char) ('0' + random.nextInt(10));
                case 1 -> (char) ('a' + random.nextInt(26));
                case 2 -> (char) (0x80 + random.nextInt(0x780));
                case 3 -> (char) (0x800 + random.nextInt(0xD000));
                default -> (char) (0xD800 + random.nextInt(0x800));
            });
        }
        return b.toString();
    }

    @Test
    void nestedChildrenRoundTrip() {
        Node inner = Node.withContent("body", new byte[300], "type", "chat");
        Node node = new Node("iq", Map.of("type", "get"), List.of(inner, Node.of("ping")), null);
        assertEquals(node, roundTrip(node));
    }

    @Test
    void partialFrameNeedsMoreAndConsumesNothing() {
        byte[] frame = wire.encode(Node.withContent("message", new byte[200], "to", "1/0"), 1).array();
        for (int cut = 0; cut < frame.length; cut++) {
            ByteBuffer partial = ByteBuffer.wrap(frame, 0, cut);
            assertSame(Decoded.NEED_MORE, wire.decode(partial, 1, MAX), "cut at " + cut);
            assertEquals(0, partial.position());
        }
    }

    @Test
    void frameOverTheLimitIsAnErrorBeforeItsBodyArrives() {
        ByteBuffer header = ByteBuffer.wrap(new byte[] {(byte) 0x81, (byte) 0x80, 0x40});
        Decoded d = wire.decode(header, 1, MAX);
        assertEquals(ProtocolError.FRAME_TOO_LARGE, ((Decoded.Error) d).code());
    }

    @Test
    void truncatedNodeInsideAFrameIsAnError() {
        // frame of 2 bytes: header says 1 attribute, tag token, then the frame ends.
        Decoded d = wire.decode(ByteBuffer.wrap(new byte[] {2, 0x01, 0x01}), 1, MAX);
        assertEquals(ProtocolError.TRUNCATED, ((Decoded.Error) d).code());
    }

    @Test
    void unknownTokenIsAnError() {
        Decoded d = wire.decode(ByteBuffer.wrap(new byte[] {2, 0x00, (byte) 0xE0}), 1, MAX);
        assertEquals(ProtocolError.UNKNOWN_TOKEN, ((Decoded.Error) d).code());
    }

    @Test
    void headerWithChildrenAndBytesIsBadNesting() {
        Decoded d = wire.decode(ByteBuffer.wrap(new byte[] {3, (byte) 0xC0, 0x01, 0x00}), 1, MAX);
        assertEquals(ProtocolError.BAD_NESTING, ((Decoded.Error) d).code());
    }

    @Test
    void nestingBeyondTheLimitIsBadNesting() {
        byte[] body = new byte[40];
        for (int i = 0; i < 20; i++) {
            body[2 * i] = (byte) 0x80; // children, no attributes
            body[2 * i + 1] = 0x01;
        }
        // each level: header, tag token, then a child count of 1 would follow; nesting trips first
        byte[] frame = new byte[41];
        frame[0] = 40;
        System.arraycopy(body, 0, frame, 1, 40);
        for (int i = 0; i < 13; i++) {
            frame[1 + i * 3] = (byte) 0x80;
            frame[2 + i * 3] = 0x01;
            frame[3 + i * 3] = 0x01;
        }
        Decoded d = wire.decode(ByteBuffer.wrap(frame), 1, MAX);
        assertInstanceOf(Decoded.Error.class, d);
    }

    @Test
    void preambleNamesTheDictionary() {
        assertEquals(FrameCodec.PREAMBLE_NEED_MORE, wire.readPreamble(ByteBuffer.wrap(new byte[] {'S', 'B'})));
        assertEquals(FrameCodec.PREAMBLE_INVALID, wire.readPreamble(ByteBuffer.wrap(new byte[] {'G', 'E', 'T'})));
        assertEquals(FrameCodec.PREAMBLE_INVALID, wire.readPreamble(ByteBuffer.wrap(new byte[] {'S', 'B', 99})));
        ByteBuffer ok = ByteBuffer.wrap(wire.preamble(1));
        assertEquals(1, wire.readPreamble(ok));
        assertFalse(ok.hasRemaining());
    }

    @Test
    void randomBytesNeverThrowAndNeverLoop() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[1 + random.nextInt(64)];
            random.nextBytes(junk);
            ByteBuffer in = ByteBuffer.wrap(junk);
            int guard = 0;
            while (in.hasRemaining() && guard++ < 100) {
                Decoded d = wire.decode(in, 1, 4096);
                if (!(d instanceof Decoded.Frame)) {
                    break;
                }
            }
            assertTrue(guard < 100);
        }
    }
}
