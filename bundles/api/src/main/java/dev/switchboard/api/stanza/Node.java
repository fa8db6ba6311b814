package dev.switchboard.api.stanza;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One stanza: a tag, ordered attributes, and either child nodes or bytes (never both).
 * Immutable plain data, so it may cross a bundle swap (ARCHITECTURE.md rule 2).
 *
 * @param tag        the element name, never empty
 * @param attributes attribute names to values, in wire order
 * @param children   child nodes; empty when the node carries bytes
 * @param content    the payload bytes, or {@code null} when absent
 */
public record Node(String tag, Map<String, String> attributes, List<Node> children, byte[] content) {

    public Node {
        Objects.requireNonNull(tag, "tag");
        if (tag.isEmpty()) {
            throw new IllegalArgumentException("empty tag");
        }
        attributes = attributes == null || attributes.isEmpty() ? Map.of() : Attributes.copyOf(attributes);
        children = children == null ? List.of() : List.copyOf(children);
        if (content != null && !children.isEmpty()) {
            throw new IllegalArgumentException("a node has children or content, not both");
        }
    }

    /** A node with attributes given as alternating name, value pairs. */
    public static Node of(String tag, String... namesAndValues) {
        return new Node(tag, pairs(namesAndValues), List.of(), null);
    }

    /** A node with attributes given as alternating name, value pairs and a byte payload. */
    public static Node withContent(String tag, byte[] content, String... namesAndValues) {
        return new Node(tag, pairs(namesAndValues), List.of(), content);
    }

    private static Map<String, String> pairs(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("attributes come in name, value pairs");
        }
        return Attributes.ofPairs(namesAndValues);
    }

    /** The value of an attribute, or {@code null}. */
    public String attr(String name) {
        return attributes.get(name);
    }

    /** A copy of this node with one attribute set (added last when new), or without it when the value is null. */
    public Node with(String name, String value) {
        if (value == null) {
            return attributes.containsKey(name) ? without(name) : this; // a node never holds a null attribute
        }
        Map<String, String> map = attributes instanceof Attributes a ? a.with(name, value)
                : Attributes.ofPairs(new String[] {name, value});
        return new Node(tag, map, children, content);
    }

    /** A copy of this node without the named attribute. */
    public Node without(String name) {
        if (!(attributes instanceof Attributes a)) {
            return this; // no attributes at all
        }
        Map<String, String> map = a.without(name);
        return map == attributes ? this : new Node(tag, map, children, content);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Node n && tag.equals(n.tag) && attributes.equals(n.attributes)
                && children.equals(n.children) && Arrays.equals(content, n.content);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tag, attributes, children) * 31 + Arrays.hashCode(content);
    }

    @Override
    public String toString() {
        return "<" + tag + " " + attributes + (content != null ? " bytes=" + content.length : "")
                + (children.isEmpty() ? "" : " " + children) + ">";
    }
}
