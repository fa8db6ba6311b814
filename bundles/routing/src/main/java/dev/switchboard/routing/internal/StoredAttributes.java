package dev.switchboard.routing.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Attributes a queued stanza needs beyond the journal's columns (a notification's details, a media
 * message's reference), kept in its body: a count, name and value pairs (modified UTF-8), then the
 * stanza's own bytes, if any.
 */
final class StoredAttributes {

    /** Decoded: the attributes and the stanza's own bytes (null when it had none). */
    record Decoded(Map<String, String> attributes, byte[] content) {
    }

    private StoredAttributes() {
    }

    static byte[] encode(Map<String, String> attributes, byte[] content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeShort(attributes.size());
            for (Map.Entry<String, String> e : attributes.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
            if (content != null) {
                out.write(content);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException when the body was not written by {@link #encode} */
    static Decoded decode(byte[] body) {
        Map<String, String> out = new LinkedHashMap<>();
        ByteArrayInputStream raw = new ByteArrayInputStream(body);
        try (DataInputStream in = new DataInputStream(raw)) {
            int n = in.readUnsignedShort();
            for (int i = 0; i < n; i++) {
                out.put(in.readUTF(), in.readUTF());
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not stored attributes", e);
        }
        int rest = raw.available();
        byte[] content = rest == 0 ? null : Arrays.copyOfRange(body, body.length - rest, body.length);
        return new Decoded(out, content);
    }
}
