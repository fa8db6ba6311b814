package dev.switchboard.journal.internal;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.store.QueuedMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The log's record layout: {@code [int length][int crc32c][payload]}, the payload starting with
 * its type. A message record holds one queued message; a delete record the seqs delivered since.
 * The checksum lets a restart tell a record cut short by a crash from a whole one.
 */
final class Records {

    static final byte MESSAGE = 1;
    static final byte DELETE = 2;
    static final int HEADER = 8;
    /** Larger than any record this server writes (bodies are bounded by the frame limit). */
    static final int MAX_PAYLOAD = 64 << 20;

    private Records() {
    }

    /** Appends a message record to {@code out}, growing it when needed. @return the buffer written to */
    static ByteBuffer putMessage(ByteBuffer out, QueuedMessage m) {
        byte[] to = ascii(m.to().user());
        byte[] from = ascii(m.from().user());
        byte[] id = m.id().getBytes(StandardCharsets.UTF_8);
        byte[] kind = ascii(m.kind());
        byte[] group = m.group() == null ? null : m.group().getBytes(StandardCharsets.UTF_8);
        int payload = 1 + 8 + 8 + 1 + 1 + 2 + to.length + 2 + from.length + 2 + id.length + 2 + kind.length
                + 2 + (group == null ? 0 : group.length) + 4 + m.body().length;
        out = room(out, HEADER + payload);
        int start = out.position();
        out.position(start + HEADER);
        out.put(MESSAGE).putLong(m.seq()).putLong(m.acceptedAtMs());
        out.put((byte) m.to().device()).put((byte) m.from().device());
        string(out, to);
        string(out, from);
        string(out, id);
        string(out, kind);
        if (group == null) {
            out.putShort((short) -1);
        } else {
            string(out, group);
        }
        out.putInt(m.body().length).put(m.body());
        seal(out, start, payload);
        return out;
    }

    /** Appends one delete record for the given seqs. */
    static ByteBuffer putDelete(ByteBuffer out, long[] seqs, int count) {
        int payload = 1 + 4 + 8 * count;
        out = room(out, HEADER + payload);
        int start = out.position();
        out.position(start + HEADER);
        out.put(DELETE).putInt(count);
        for (int i = 0; i < count; i++) {
            out.putLong(seqs[i]);
        }
        seal(out, start, payload);
        return out;
    }

    /** Decodes a message payload (the type byte included). */
    static QueuedMessage message(ByteBuffer p) {
        p.get(); // type
        long seq = p.getLong();
        long accepted = p.getLong();
        int toDevice = p.get() & 0xFF;
        int fromDevice = p.get() & 0xFF;
        String to = string(p);
        String from = string(p);
        String id = string(p);
        String kind = string(p);
        String group = string(p);
        byte[] body = new byte[p.getInt()];
        p.get(body);
        return new QueuedMessage(seq, new Address(to, toDevice), new Address(from, fromDevice), id, kind, accepted, body, group);
    }

    /** The seqs of a delete payload (the type byte included). */
    static long[] deleted(ByteBuffer p) {
        p.get();
        long[] seqs = new long[p.getInt()];
        for (int i = 0; i < seqs.length; i++) {
            seqs[i] = p.getLong();
        }
        return seqs;
    }

    /** Whether a payload matches the checksum its header holds. */
    static boolean intact(ByteBuffer payload, int crc) {
        CRC32C c = new CRC32C();
        c.update(payload.duplicate());
        return (int) c.getValue() == crc;
    }

    private static void seal(ByteBuffer out, int start, int payload) {
        CRC32C c = new CRC32C();
        c.update(out.duplicate().position(start + HEADER).limit(start + HEADER + payload));
        out.putInt(start, payload).putInt(start + 4, (int) c.getValue());
    }

    private static ByteBuffer room(ByteBuffer out, int more) {
        if (out.remaining() >= more) {
            return out;
        }
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + more));
        return bigger.put(out.flip());
    }

    private static void string(ByteBuffer out, byte[] bytes) {
        out.putShort((short) bytes.length).put(bytes);
    }

    private static String string(ByteBuffer p) {
        int length = p.getShort();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        p.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
