package dev.switchboard.noise;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/** Blocking streams over the record layer, for a client that reads and writes with java.io. */
public final class SealedStreams {

    private SealedStreams() {
    }

    /** Each write (and so each flush of a buffered stream above it) becomes as few records as fit. */
    public static OutputStream output(OutputStream socket, CipherKey send) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return;
                }
                ByteBuffer out = ByteBuffer.allocate(Records.sealedSize(len));
                try {
                    Records.seal(send, ByteBuffer.wrap(b, off, len), out);
                } catch (NoiseException e) {
                    throw new IOException(e.getMessage(), e);
                }
                socket.write(out.array(), 0, out.position());
            }

            @Override
            public void flush() throws IOException {
                socket.flush();
            }

            @Override
            public void close() throws IOException {
                socket.close();
            }
        };
    }

    /** Opens one record at a time; a record that fails its tag is an IOException naming it. */
    public static InputStream input(InputStream socket, CipherKey receive) {
        DataInputStream in = new DataInputStream(socket);
        return new InputStream() {
            private ByteBuffer opened = ByteBuffer.allocate(0);

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                while (!opened.hasRemaining()) {
                    int sealed;
                    try {
                        sealed = in.readUnsignedShort();
                    } catch (EOFException e) {
                        return -1;
                    }
                    if (sealed < CipherKey.TAG_LENGTH) {
                        throw new IOException("the server sent a record shorter than its tag");
                    }
                    byte[] record = new byte[sealed];
                    in.readFully(record);
                    ByteBuffer plain = ByteBuffer.allocate(sealed - CipherKey.TAG_LENGTH);
                    try {
                        receive.open(ByteBuffer.wrap(record), plain);
                    } catch (NoiseException e) {
                        throw new IOException("a record from the server failed authentication: " + e.getMessage(), e);
                    }
                    opened = plain.flip();
                }
                int n = Math.min(len, opened.remaining());
                opened.get(b, off, n);
                return n;
            }

            @Override
            public int available() {
                return opened.remaining();
            }

            @Override
            public void close() throws IOException {
                socket.close();
            }
        };
    }
}
