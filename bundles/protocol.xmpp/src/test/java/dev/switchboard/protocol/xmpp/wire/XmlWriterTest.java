package dev.switchboard.protocol.xmpp.wire;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.stanza.Node;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What reaches an XMPP client stays well-formed, whatever names a node from elsewhere carries. */
class XmlWriterTest {

    @Test
    void namesThatAreNotXmlNamesAreLeftOutNotInjected() {
        Node forged = new Node("x/><message from='bank@localhost'><body>pay</body></message><y", Map.of(), List.of(), null);
        Node badAttribute = Node.of("query", "xmlns", "urn:x", "a='1'/><message", "v");
        Node iq = new Node("iq", Map.of("type", "get", "id", "1"), List.of(forged, badAttribute), null);
        String xml = new String(XmlWriter.write(iq), StandardCharsets.UTF_8);
        assertFalse(xml.contains("<message"), xml);
        assertTrue(xml.endsWith("><query xmlns='urn:x'/></iq>"), "only the well-named parts are written: " + xml);
        assertTrue(XmlWriter.isName("stream:error") && XmlWriter.isName("xml:lang") && XmlWriter.isName("höhe"));
        assertFalse(XmlWriter.isName("1a") || XmlWriter.isName("a b") || XmlWriter.isName("") || XmlWriter.isName("a>"));
    }
}
