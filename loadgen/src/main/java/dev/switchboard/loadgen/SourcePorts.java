package dev.switchboard.loadgen;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;

/**
 * Where a worker's connections come from: loopback source addresses and ports chosen by the worker,
 * so tens of thousands of connections fit the server's per-address limit and the kernel's port range.
 */
final class SourcePorts {

    /** Connections per source address: under the server's default maxConnectionsPerAddress (1,000). */
    private static final int PER_SOURCE = 900;

    private final String[] quad;
    private int nextPort = 10_000 + new java.util.Random().nextInt(50_000);

    /** @param source this worker's own loopback address, 127.0.0.N */
    SourcePorts(String source) {
        this.quad = source.split("\\.");
    }

    /**
     * The loopback address a connection binds to: this worker's address (127.0.0.N) moved to
     * 127.B.0.N for its B-th block of {@value #PER_SOURCE} connections, because the server holds
     * at most 1,000 connections per source address as it would for clients on the internet.
     */
    String sourceFor(int local) {
        return "127." + (local / PER_SOURCE) + ".0." + quad[3];
    }

    /**
     * Binds the next free source port on the connection's address. Letting the kernel pick (port 0)
     * before connect searches the whole port range each time once many ports are in TIME_WAIT,
     * which throttled connect storms to a few hundred a second.
     */
    void bind(SocketChannel ch, int local) throws IOException {
        String source = sourceFor(local);
        ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        for (int attempt = 0; attempt < 50_000; attempt++) {
            nextPort = nextPort >= 65_000 ? 10_000 : nextPort + 1;
            try {
                ch.bind(new InetSocketAddress(source, nextPort));
                return;
            } catch (java.net.BindException inUse) {
                // try the next one
            }
        }
        throw new IOException("no free source port on " + source);
    }
}
