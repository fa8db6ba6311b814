package dev.switchboard.client;

import java.net.InetSocketAddress;

/**
 * A login answered {@code see-other-host}: on a cluster, the account is served by another node,
 * whose address this carries (docs/PROTOCOL.md §7). {@link Session} follows it by itself.
 */
public class MovedException extends ClientException {

    private static final long serialVersionUID = 1L;
    private final String host;
    private final int port;

    public MovedException(String host, int port, String message) {
        super("see-other-host", message);
        this.host = host;
        this.port = port;
    }

    /** The node's host. */
    public String host() {
        return host;
    }

    /** The node's port. */
    public int port() {
        return port;
    }

    /** Where to connect instead (unresolved: resolved when connecting). */
    public InetSocketAddress address() {
        return InetSocketAddress.createUnresolved(host, port);
    }
}
