package dev.switchboard.loadgen;

import dev.switchboard.client.scram.ScramClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/** One load connection's state, driven by the worker's single I/O thread. */
final class LoadConnection {

    enum Phase { CONNECTING, HANDSHAKING, REGISTERING, CHALLENGED, AUTHENTICATING, READY, CLOSED }

    final int local;
    final String user;
    final String partner;
    SocketChannel channel;
    /** Noise state of this connection; null on a plaintext run. */
    LoadNoise noise;
    Phase phase = Phase.CONNECTING;
    ByteBuffer in = ByteBuffer.allocate(512);
    final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    /** Frames written this selector turn, sent in one write at its end; null when none. */
    ByteBuffer gathered;
    /** The highest seq read in the current read, to confirm with one {@code received upto=}. */
    long confirmUpTo;
    ScramClient scram;
    String token;
    boolean resuming;
    long loginStartedNanos;
    int outstanding;
    /** 1:1 messages sent that its partner (in the same worker) has not received yet. */
    int undelivered;
    /** The partner's connection, when it is in this worker (always, for the 1:1 scenarios). */
    LoadConnection partnerConnection;
    /** Its device has uploaded keys (the e2e form of the pairs scenario sends only between keyed devices). */
    boolean keyed;
    long nextSeq;
    /** The highest queue seq received; the server may send a stanza again after a swap. */
    long lastSeq;
    /** Where this connection writes instead of its partner: its group, once created (groups scenario). */
    String target;

    LoadConnection(int local, String user, String partner) {
        this.local = local;
        this.user = user;
        this.partner = partner;
    }

    /** Writes bytes now if nothing waits before them, else queues them for when the socket takes more. */
    void write(SelectionKey key, ByteBuffer bytes) throws IOException {
        if (out.isEmpty()) {
            channel.write(bytes);
            if (!bytes.hasRemaining()) {
                return;
            }
        }
        out.add(bytes);
        key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
    }

    /** The socket takes more: writes what waits, and stops asking once all is out. */
    void flush(SelectionKey key) throws IOException {
        while (!out.isEmpty()) {
            ByteBuffer b = out.peek();
            channel.write(b);
            if (b.hasRemaining()) {
                return;
            }
            out.poll();
        }
        key.interestOps(SelectionKey.OP_READ);
    }

    void close(SelectionKey key) {
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        out.clear();
        in.clear();
        gathered = null; // never to be written to the next connection of this account
    }
}
