package dev.switchboard.noise;

/**
 * The four bytes an encrypted connection starts with: {@code 'S' 'E'}, the token dictionary the
 * client speaks, and the handshake pattern ({@link Pattern#wire}). They are the Noise prologue, so a
 * preamble changed in transit fails the handshake.
 */
public final class Preamble {

    public static final byte MAGIC_0 = 'S';
    public static final byte MAGIC_1 = 'E';
    public static final int LENGTH = 4;

    private Preamble() {
    }

    public static byte[] of(int dictionary, Pattern pattern) {
        return new byte[] {MAGIC_0, MAGIC_1, (byte) dictionary, (byte) pattern.wire};
    }
}
