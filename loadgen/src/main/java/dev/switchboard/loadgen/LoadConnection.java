package dev.switchboard.loadgen;

import dev.switchboard.client.scram.ScramClient;
import java.nio.ByteBuffer;
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
}
