package dev.switchboard.api.stanza;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A stanza's attributes: an immutable map over one array of name, value pairs, in wire order.
 * A stanza has a handful of attributes, so a scan beats hashing, and building one costs a single
 * array instead of a {@code LinkedHashMap} with a node per entry (this is on every stanza's path).
 */
final class Attributes extends AbstractMap<String, String> {

    private final String[] pairs;

    private Attributes(String[] pairs) {
        this.pairs = pairs;
    }

    /** From alternating names and values; a null value leaves its name out, a repeated name keeps the last value. */
    static Map<String, String> ofPairs(String[] namesAndValues) {
        int present = 0;
        for (int i = 1; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i] != null) {
                present += 2;
            }
        }
        if (present == 0) {
            return Map.of();
        }
        String[] out = new String[present];
        int n = 0;
        for (int i = 0; i < namesAndValues.length; i += 2) {
            String name = namesAndValues[i];
            String value = namesAndValues[i + 1];
            if (name == null) {
                throw new NullPointerException("attribute name");
            }
            if (value == null) {
                continue;
            }
            int at = indexOf(out, n, name);
            if (at >= 0) {
                out[at + 1] = value;
            } else {
                out[n++] = name;
                out[n++] = value;
            }
        }
        return new Attributes(n == out.length ? out : java.util.Arrays.copyOf(out, n)); // shorter only for a repeated name
    }

    /** An immutable copy in the map's iteration order (itself when it already is one). */
    static Map<String, String> copyOf(Map<String, String> map) {
        if (map instanceof Attributes a) {
            return a;
        }
        if (map.isEmpty()) {
            return Map.of();
        }
        String[] out = new String[map.size() * 2];
        int n = 0;
        for (Map.Entry<String, String> e : map.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new NullPointerException("a stanza holds no null attribute name or value");
            }
            out[n++] = e.getKey();
            out[n++] = e.getValue();
        }
        return new Attributes(out);
    }

    /** This map with one attribute set: replaced in place when present, else added last. */
    Attributes with(String name, String value) {
        int at = indexOf(pairs, pairs.length, name);
        String[] out;
        if (at >= 0) {
            out = pairs.clone();
            out[at + 1] = value;
        } else {
            out = java.util.Arrays.copyOf(pairs, pairs.length + 2);
            out[pairs.length] = name;
            out[pairs.length + 1] = value;
        }
        return new Attributes(out);
    }

    /** This map without one attribute (itself when absent). */
    Map<String, String> without(String name) {
        int at = indexOf(pairs, pairs.length, name);
        if (at < 0) {
            return this;
        }
        if (pairs.length == 2) {
            return Map.of();
        }
        String[] out = new String[pairs.length - 2];
        System.arraycopy(pairs, 0, out, 0, at);
        System.arraycopy(pairs, at + 2, out, at, pairs.length - at - 2);
        return new Attributes(out);
    }

    private static int indexOf(String[] pairs, int length, String name) {
        for (int i = 0; i < length; i += 2) {
            String k = pairs[i];
            if (k == name || k.equals(name)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String get(Object key) {
        for (int i = 0; i < pairs.length; i += 2) {
            String k = pairs[i];
            if (k == key || k.equals(key)) {
                return pairs[i + 1];
            }
        }
        return null;
    }

    @Override
    public boolean containsKey(Object key) {
        return key instanceof String s && indexOf(pairs, pairs.length, s) >= 0;
    }

    @Override
    public int size() {
        return pairs.length / 2;
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, String>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < pairs.length;
                    }

                    @Override
                    public Entry<String, String> next() {
                        if (next >= pairs.length) {
                            throw new NoSuchElementException();
                        }
                        Entry<String, String> e = new SimpleImmutableEntry<>(pairs[next], pairs[next + 1]);
                        next += 2;
                        return e;
                    }
                };
            }

            @Override
            public int size() {
                return pairs.length / 2;
            }
        };
    }

    /** Visits the pairs in order without allocating entries (encoders use it). */
    @Override
    public void forEach(java.util.function.BiConsumer<? super String, ? super String> visit) {
        for (int i = 0; i < pairs.length; i += 2) {
            visit.accept(pairs[i], pairs[i + 1]);
        }
    }
}
