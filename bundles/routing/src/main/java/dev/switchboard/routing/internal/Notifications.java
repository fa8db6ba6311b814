package dev.switchboard.routing.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** A stored notification's attributes as its body: a count, then name and value pairs (modified UTF-8). */
final class Notifications {

    private Notifications() {
    }

    static byte[] encode(Map<String, String> attributes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeShort(attributes.size());
            for (Map.Entry<String, String> e : attributes.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException when the body is not an encoded notification */
    static Map<String, String> decode(byte[] body) {
        Map<String, String> out = new LinkedHashMap<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
            int n = in.readUnsignedShort();
            for (int i = 0; i < n; i++) {
                out.put(in.readUTF(), in.readUTF());
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not an encoded notification", e);
        }
        return out;
    }
}
