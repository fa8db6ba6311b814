package dev.switchboard.client.e2e;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What travels inside a ciphertext: a text, a media reference with the key to its encrypted blob,
 * or a sender key for a group. The server sees none of it. Encoded as a version byte, a kind byte
 * and the kind's fields (lengths before bytes, modified UTF-8 strings).
 *
 * @param kind    {@link #TEXT}, {@link #MEDIA} or {@link #SENDER_KEY}
 * @param body    the text's bytes, a media message's caption, or the sender-key distribution message
 * @param media   for {@link #MEDIA}: the encrypted blob's reference and keys; else null
 * @param group   for {@link #SENDER_KEY}: the group it is for; else null
 */
public record Envelope(int kind, byte[] body, Media media, String group) {

    public static final int TEXT = 1;
    public static final int MEDIA = 2;
    public static final int SENDER_KEY = 3;
    private static final int VERSION = 1;

    /**
     * A blob encrypted before upload: the server stores {@code sha256} (of the ciphertext) and
     * knows its size; the name, type, key and digest are known only to the two ends.
     */
    public record Media(String sha256, long size, String name, String mime, byte[] key, byte[] digest) {
    }

    public static Envelope text(byte[] body) {
        return new Envelope(TEXT, body, null, null);
    }

    public static Envelope media(Media media, byte[] caption) {
        return new Envelope(MEDIA, caption == null ? new byte[0] : caption, media, null);
    }

    static Envelope senderKey(String group, byte[] distribution) {
        return new Envelope(SENDER_KEY, distribution, null, group);
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeByte(kind);
            out.writeInt(body.length);
            out.write(body);
            if (kind == MEDIA) {
                out.writeUTF(media.sha256());
                out.writeLong(media.size());
                out.writeUTF(media.name());
                out.writeUTF(media.mime());
                out.writeShort(media.key().length);
                out.write(media.key());
                out.writeShort(media.digest().length);
                out.write(media.digest());
            } else if (kind == SENDER_KEY) {
                out.writeUTF(group);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @throws IOException when the bytes are not an envelope this version reads */
    static Envelope decode(byte[] plaintext) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(plaintext))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IOException("an envelope of version " + version + "; this client reads " + VERSION);
            }
            int kind = in.readUnsignedByte();
            int length = in.readInt();
            if (length < 0 || length > plaintext.length) {
                throw new IOException("a malformed envelope");
            }
            byte[] body = in.readNBytes(length);
            switch (kind) {
                case TEXT:
                    return text(body);
                case MEDIA: {
                    String sha256 = in.readUTF();
                    long size = in.readLong();
                    String name = in.readUTF();
                    String mime = in.readUTF();
                    byte[] key = in.readNBytes(in.readUnsignedShort());
                    byte[] digest = in.readNBytes(in.readUnsignedShort());
                    return media(new Media(sha256, size, name, mime, key, digest), body);
                }
                case SENDER_KEY:
                    return senderKey(in.readUTF(), body);
                default:
                    throw new IOException("an envelope of unknown kind " + kind);
            }
        }
    }
}
