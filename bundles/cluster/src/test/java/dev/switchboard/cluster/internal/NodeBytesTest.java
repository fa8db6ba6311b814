package dev.switchboard.cluster.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.stanza.Node;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeBytesTest {

    @Test
    void aStanzaWithChildrenAttributesAndContentComesBackEqual() throws IOException {
        Node stanza = new Node("message", Map.of("to", "15550001", "id", "m1", "e2e", "1"), List.of(
                Node.withContent("enc", new byte[] {0, -1, 7}, "device", "15550001/2", "type", "msg"),
                Node.withContent("enc", new byte[0], "device", "15550001/3", "type", "pkmsg"),
                Node.of("body", "lang", "ünïcödé ✓")), null);
        assertEquals(stanza, NodeBytes.decode(NodeBytes.encode(stanza)));
        Node plain = Node.of("presence");
        assertEquals(plain, NodeBytes.decode(NodeBytes.encode(plain)));
    }

    @Test
    void damagedBytesAreRefusedNotGuessed() {
        byte[] good = NodeBytes.encode(Node.withContent("message", new byte[] {1, 2, 3, 4}, "id", "x"));
        assertThrows(IOException.class, () -> NodeBytes.decode(Arrays.copyOf(good, good.length - 2)), "cut short");
        assertThrows(IOException.class, () -> NodeBytes.decode(Arrays.copyOf(good, good.length + 1)), "trailing bytes");
        assertThrows(IOException.class, () -> NodeBytes.decode(new byte[] {0, 0, 0, 0, 0, 0, 0}), "an empty tag");
    }
}
