package dev.switchboard.noise;

import java.nio.ByteBuffer;

/**
 * The record layer after the handshake, the same in both directions: each record is a 2-byte
 * big-endian length, then that many bytes sealed with the direction's key (the plaintext plus a
 * 16-byte tag). Record boundaries have nothing to do with frame boundaries: the plaintext is the
 * byte stream of a plain connection, so a writer seals whatever it has gathered (one frame or a
 * coalesced batch) and a reader hands on whatever opens.
 */
public final class Records {

    /** The longest sealed body a 2-byte length can name. */
    public static final int MAX_SEALED = 65_535;
    public static final int MAX_PLAIN = MAX_SEALED - CipherKey.TAG_LENGTH;
    /** What each record adds to its plaintext: the length and the tag. */
    public static final int OVERHEAD = 2 + CipherKey.TAG_LENGTH;

    private Records() {
    }

    /** Room {@link #seal} needs for this many plaintext bytes. */
    public static int sealedSize(int plain) {
        int records = Math.max(1, (plain + MAX_PLAIN - 1) / MAX_PLAIN);
        return plain + records * OVERHEAD;
    }

    /** Seals all of {@code plain}'s remaining bytes into {@code out}, as few records as fit. */
    public static void seal(CipherKey key, ByteBuffer plain, ByteBuffer out) throws NoiseException {
        do {
            int len = Math.min(MAX_PLAIN, plain.remaining());
            ByteBuffer chunk = plain.slice(plain.position(), len);
            out.putShort((short) (len + CipherKey.TAG_LENGTH));
            key.seal(chunk, out);
            plain.position(plain.position() + len);
        } while (plain.hasRemaining());
    }

    /**
     * Opens every complete record at {@code in}'s position into {@code out} (which must have room:
     * {@link #openedSize}); stops before a partial record, leaving {@code in} at its start.
     */
    public static void open(CipherKey key, ByteBuffer in, ByteBuffer out) throws NoiseException {
        while (in.remaining() >= 2) {
            int len = Short.toUnsignedInt(in.getShort(in.position()));
            if (len < CipherKey.TAG_LENGTH) {
                throw new NoiseException("a record of " + len + " bytes is shorter than its tag");
            }
            if (in.remaining() < 2 + len) {
                return;
            }
            ByteBuffer record = in.slice(in.position() + 2, len);
            key.open(record, out);
            in.position(in.position() + 2 + len);
        }
    }

    /** At most how many plaintext bytes the complete records in {@code in} hold. */
    public static int openedSize(ByteBuffer in) {
        return in.remaining(); // every record is smaller once opened
    }
}
