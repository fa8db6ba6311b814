package dev.switchboard.cluster.internal;

import dev.switchboard.api.stanza.Node;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stanza as bytes between nodes: tag, attributes, then children or content, each string in
 * modified UTF-8 with its length. Private to the cluster (both ends run the same bundle), so it
 * needs no dictionary and does not depend on a protocol bundle that may be mid-swap.
 */
final class NodeBytes {

    /** Nesting deeper than any stanza the protocols accept is refused as damage. */
    private static final int MAX_DEPTH = 16;
    private static final int NO_CONTENT = -1;

    private NodeBytes() {
    }

    static byte[] encode(Node node) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(out, node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void write(DataOutputStream out, Node node) throws IOException {
        out.writeUTF(node.tag());
        out.writeShort(node.attributes().size());
        for (Map.Entry<String, String> a : node.attributes().entrySet()) {
            out.writeUTF(a.getKey());
            out.writeUTF(a.getValue());
        }
        if (node.content() != null) {
            out.writeInt(node.content().length);
            out.write(node.content());
        } else {
            out.writeInt(NO_CONTENT);
            out.writeShort(node.children().size());
            for (Node child : node.children()) {
                write(out, child);
            }
        }
    }

    /** @throws IOException when the bytes are not a stanza this class wrote */
    static Node decode(byte[] data) throws IOException {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(data))) {
            Node node = read(in, 0);
            if (in.available() > 0) {
                throw new IOException("bytes after the stanza");
            }
            return node;
        } catch (IllegalArgumentException e) { // e.g. an empty tag
            throw new IOException(e.getMessage(), e);
        }
    }

    private static Node read(DataInputStream in, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IOException("stanza nested deeper than " + MAX_DEPTH);
        }
        String tag = in.readUTF();
        int attributes = in.readUnsignedShort();
        Map<String, String> attrs = new LinkedHashMap<>();
        for (int i = 0; i < attributes; i++) {
            attrs.put(in.readUTF(), in.readUTF());
        }
        int length = in.readInt();
        if (length != NO_CONTENT) {
            if (length < 0 || length > in.available()) {
                throw new IOException("content length " + length + " beyond the data");
            }
            return new Node(tag, attrs, List.of(), in.readNBytes(length));
        }
        int count = in.readUnsignedShort();
        List<Node> children = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            children.add(read(in, depth + 1));
        }
        return new Node(tag, attrs, children, null);
    }
}
