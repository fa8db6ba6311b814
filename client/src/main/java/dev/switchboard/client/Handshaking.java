package dev.switchboard.client;

import dev.switchboard.api.protocol.Decoded;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.noise.ClientHandshake;
import dev.switchboard.noise.NoiseException;
import dev.switchboard.noise.SealedStreams;
import dev.switchboard.protocol.binary.wire.BinaryWire;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;

/** The SDK's side of the Noise handshake, and what it makes of a server that refuses before it. */
final class Handshaking {

    private static final int HANDSHAKE_TIMEOUT_MS = 10_000;

    /** The server answered with a plaintext error stanza instead of a handshake (it refused the connection). */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;
        final transient Node error;

        Refused(Node error) {
            super(error.attr("code") + ": " + error.attr("text"));
            this.error = error;
        }
    }

    private Handshaking() {
    }

    static SwitchboardClient secure(Socket s, String server, ServerTrust trust) throws IOException {
        Recording raw = new Recording(s.getInputStream());
        s.setSoTimeout(HANDSHAKE_TIMEOUT_MS);
        ClientHandshake.Result r;
        try {
            r = ClientHandshake.run(raw, s.getOutputStream(), 1, trust.expected(server));
        } catch (NoiseException | java.net.SocketTimeoutException | java.io.EOFException e) {
            Node error = plaintextError(raw.seen.toByteArray());
            if (error != null) {
                throw new Refused(error);
            }
            throw new IOException("the Noise handshake with " + server + " failed: " + e.getMessage()
                    + " (is it a Switchboard server? a server with encryption=none takes ServerTrust.plaintext())", e);
        }
        s.setSoTimeout(0);
        trust.verify(server, r.serverKey(), r.nextKey());
        raw.seen = null;
        return SwitchboardClient.over(s, SealedStreams.input(raw, r.keys().receive()),
                SealedStreams.output(s.getOutputStream(), r.keys().send()));
    }

    /** What a server that refused before the handshake sent: one plaintext error stanza, then it closed. */
    private static Node plaintextError(byte[] bytes) {
        try {
            Decoded d = new BinaryWire().decode(ByteBuffer.wrap(bytes), 1, 64 * 1024);
            return d instanceof Decoded.Frame f && "error".equals(f.node().tag()) ? f.node() : null;
        } catch (RuntimeException notAFrame) {
            return null;
        }
    }

    /** Keeps the bytes read during the handshake, to make sense of a refusal. */
    private static final class Recording extends FilterInputStream {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();

        Recording(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && seen != null) {
                seen.write(b);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0 && seen != null && seen.size() < 64 * 1024) {
                seen.write(b, off, n);
            }
            return n;
        }
    }
}
