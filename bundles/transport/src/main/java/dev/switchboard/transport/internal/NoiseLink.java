package dev.switchboard.transport.internal;

import dev.switchboard.noise.CipherKey;
import dev.switchboard.noise.Handshake;
import dev.switchboard.noise.NoiseException;
import dev.switchboard.noise.Records;
import java.nio.ByteBuffer;
import org.apache.mina.core.buffer.IoBuffer;

/**
 * One encrypted connection's Noise state. During the handshake it holds the handshake; after it,
 * only the two transport keys (152 bytes with this object). It lives in the transport, so a codec swap
 * neither drops nor re-handshakes the connection. {@link #receive} is used under the connection's
 * lock, {@link #send} under its write lock.
 */
final class NoiseLink {

    /** The preamble once read (the prologue); null while it is awaited. */
    byte[] prologue;
    /** The handshake under way; null before the preamble and once complete. */
    Handshake handshake;
    /** A handshake step is queued for, or running on, the login threads (its reads are suspended meanwhile). */
    boolean stepQueued;
    boolean inStep;
    /** The server already asked this connection to fall back from IK to XX (once is all it gets). */
    boolean retried;
    /** Bytes of an incomplete handshake message or record. */
    ByteBuffer partial;
    /** Volatile: a routing lane that sees the connection ready must see its key too, never seal nothing. */
    volatile CipherKey send;
    CipherKey receive;

    /**
     * Lets both keys' JDK ciphers go (about 1.9 KB) when the connection has fallen quiet; they come
     * back with its next record. From the sweeper, without the locks: a record under way keeps its cipher.
     */
    void cool() {
        CipherKey s = send;
        CipherKey r = receive;
        if (s != null) {
            s.cool();
        }
        if (r != null) {
            r.cool();
        }
    }

    boolean open() {
        return receive != null;
    }

    /** Seals what gathered for one write into records, as one MINA buffer. */
    IoBuffer seal(IoBuffer plain) throws NoiseException {
        ByteBuffer in = plain.buf();
        IoBuffer out = IoBuffer.allocate(Records.sealedSize(in.remaining()), false);
        Records.seal(send, in, out.buf());
        return out.flip();
    }
}
