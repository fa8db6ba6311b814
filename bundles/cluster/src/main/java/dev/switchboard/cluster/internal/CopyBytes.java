package dev.switchboard.cluster.internal;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.store.QueuedMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies to queue on another node's lanes, as bytes: not yet numbered (the owner numbers them), so
 * no seq; private to the cluster, as {@link NodeBytes} is.
 */
final class CopyBytes {

    /** More copies than one message can fan out to is damage. */
    private static final int MAX_COPIES = 100_000;

    private CopyBytes() {
    }

    static byte[] encode(List<QueuedMessage> copies) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 96 * copies.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(copies.size());
            for (QueuedMessage m : copies) {
                out.writeUTF(m.to().toString());
                out.writeUTF(m.from().toString());
                out.writeUTF(m.id());
                out.writeUTF(m.kind());
                out.writeLong(m.acceptedAtMs());
                out.writeBoolean(m.group() != null);
                if (m.group() != null) {
                    out.writeUTF(m.group());
                }
                out.writeInt(m.body() == null ? -1 : m.body().length);
                if (m.body() != null) {
                    out.write(m.body());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @throws IOException when the bytes are not copies this class wrote */
    static List<QueuedMessage> decode(byte[] data) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int count = in.readInt();
            if (count < 0 || count > MAX_COPIES) {
                throw new IOException("copy count " + count);
            }
            List<QueuedMessage> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                Address to = Address.parse(in.readUTF());
                Address from = Address.parse(in.readUTF());
                String id = in.readUTF();
                String kind = in.readUTF();
                long at = in.readLong();
                String group = in.readBoolean() ? in.readUTF() : null;
                int length = in.readInt();
                if (length < -1 || length > in.available()) {
                    throw new IOException("body length " + length + " beyond the data");
                }
                byte[] body = length < 0 ? null : in.readNBytes(length);
                out.add(new QueuedMessage(0, to, from, id, kind, at, body, group));
            }
            if (in.available() > 0) {
                throw new IOException("bytes after the copies");
            }
            return out;
        } catch (IllegalArgumentException e) { // an address or copy the api refuses
            throw new IOException(e.getMessage(), e);
        }
    }
}
