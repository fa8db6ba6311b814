package dev.switchboard.protocol.xmpp.wire;

import com.fasterxml.aalto.AsyncByteArrayFeeder;
import com.fasterxml.aalto.AsyncXMLStreamReader;
import com.fasterxml.aalto.stax.InputFactoryImpl;
import dev.switchboard.api.stanza.Node;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;

/**
 * Reads one piece the scanner delimited into a node, with Aalto's non-blocking parser: a fresh
 * reader per piece, so nothing of a connection lives in the codec. A stanza is read inside the
 * namespaces a client stream declares (RFC 6120 §4.8), given as a synthetic wrapper element.
 *
 * <p>The node form: an element's name as its tag ({@code stream:} and its name for the streams
 * namespace), its namespace as an {@code xmlns} attribute where it differs from its parent's, its
 * text as the content when it has no child elements (XMPP has no mixed content outside XHTML-IM).
 */
final class StanzaParser {

    static final String CLIENT_NS = "jabber:client";
    static final String STREAMS_NS = "http://etherx.jabber.org/streams";
    private static final byte[] WRAPPER = ("<w xmlns='" + CLIENT_NS + "' xmlns:stream='" + STREAMS_NS + "'>")
            .getBytes(StandardCharsets.US_ASCII);

    private static final InputFactoryImpl FACTORY = new InputFactoryImpl();

    static {
        FACTORY.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        FACTORY.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        FACTORY.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    }

    private StanzaParser() {
    }

    /** The stream's opening tag (and the declaration before it) as {@code #open} with its attributes. */
    static Node open(byte[] bytes) throws XMLStreamException {
        AsyncXMLStreamReader<AsyncByteArrayFeeder> r = FACTORY.createAsyncForByteArray();
        try {
            r.getInputFeeder().feedInput(bytes, 0, bytes.length);
            while (true) {
                int event = r.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    if (!STREAMS_NS.equals(r.getNamespaceURI()) || !"stream".equals(r.getLocalName())) {
                        throw new XMLStreamException("the stream must open with <stream:stream> in " + STREAMS_NS);
                    }
                    return new Node(XmppFrames.OPEN, attributes(r), List.of(), null);
                }
                if (event == AsyncXMLStreamReader.EVENT_INCOMPLETE) {
                    throw new XMLStreamException("incomplete stream header");
                }
            }
        } finally {
            r.close();
        }
    }

    /** One whole stanza. */
    static Node stanza(byte[] bytes, int offset, int length) throws XMLStreamException {
        byte[] input = new byte[WRAPPER.length + length];
        System.arraycopy(WRAPPER, 0, input, 0, WRAPPER.length);
        System.arraycopy(bytes, offset, input, WRAPPER.length, length);
        AsyncXMLStreamReader<AsyncByteArrayFeeder> r = FACTORY.createAsyncForByteArray();
        try {
            r.getInputFeeder().feedInput(input, 0, input.length);
            ArrayDeque<Building> open = new ArrayDeque<>();
            boolean wrapper = true;
            while (true) {
                int event = r.next();
                switch (event) {
                    case XMLStreamConstants.START_ELEMENT -> {
                        if (wrapper) {
                            wrapper = false;
                            continue;
                        }
                        String ns = r.getNamespaceURI() == null ? "" : r.getNamespaceURI();
                        String parentNs = open.isEmpty() ? CLIENT_NS : open.peek().namespace;
                        String tag = STREAMS_NS.equals(ns) ? "stream:" + r.getLocalName() : r.getLocalName();
                        Map<String, String> attributes = attributes(r);
                        if (!ns.equals(parentNs) && !STREAMS_NS.equals(ns)) {
                            LinkedHashMap<String, String> withNs = new LinkedHashMap<>();
                            withNs.put("xmlns", ns);
                            withNs.putAll(attributes);
                            attributes = withNs;
                        }
                        open.push(new Building(tag, ns, attributes));
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        if (!open.isEmpty()) {
                            open.peek().text.append(r.getText());
                        }
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        Building done = open.pop();
                        Node node = done.node();
                        if (open.isEmpty()) {
                            return node;
                        }
                        open.peek().children.add(node);
                    }
                    case AsyncXMLStreamReader.EVENT_INCOMPLETE -> throw new XMLStreamException("incomplete stanza");
                    case XMLStreamConstants.DTD, XMLStreamConstants.ENTITY_REFERENCE ->
                            throw new XMLStreamException("DTDs and entity references are not allowed");
                    default -> {
                        // comments and processing instructions were refused by the scanner
                    }
                }
            }
        } finally {
            r.close();
        }
    }

    private static Map<String, String> attributes(AsyncXMLStreamReader<?> r) {
        int n = r.getAttributeCount();
        if (n == 0) {
            return Map.of();
        }
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String prefix = r.getAttributePrefix(i);
            String name = prefix == null || prefix.isEmpty() ? r.getAttributeLocalName(i) : prefix + ":" + r.getAttributeLocalName(i);
            out.put(name, r.getAttributeValue(i));
        }
        return out;
    }

    /** An element being read: its children so far and its text. */
    private static final class Building {
        final String tag;
        final String namespace;
        final Map<String, String> attributes;
        final List<Node> children = new ArrayList<>(2);
        final StringBuilder text = new StringBuilder();

        Building(String tag, String namespace, Map<String, String> attributes) {
            this.tag = tag;
            this.namespace = namespace;
            this.attributes = attributes;
        }

        Node node() {
            byte[] content = children.isEmpty() && text.length() > 0 ? text.toString().getBytes(StandardCharsets.UTF_8) : null;
            return new Node(tag, attributes, children, content);
        }
    }
}
