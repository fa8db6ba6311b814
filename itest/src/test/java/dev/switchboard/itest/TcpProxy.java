package dev.switchboard.itest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP relay to a target, which a test can cut (every connection closed, new ones closed
 * on arrival) and restore, to play a database going away and coming back without stopping it.
 */
final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean cut;
    /** Guards the freeze flags; pumps wait on it while their direction is frozen. */
    private final Object flow = new Object();
    private boolean frozen;
    private boolean downstreamFrozen;
    private boolean closed;

    TcpProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    synchronized void cut() {
        cut = true;
        open.forEach(TcpProxy::closeQuietly);
        open.clear();
    }

    synchronized void restore() {
        cut = false;
    }

    /** Keeps a relayed pair unless a cut came first, in which case the pair is closed at once. */
    private synchronized boolean register(Socket client, Socket upstream) {
        if (cut) {
            closeQuietly(client);
            closeQuietly(upstream);
            return false;
        }
        open.add(client);
        open.add(upstream);
        return true;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (cut) {
                    closeQuietly(client);
                    continue;
                }
                Socket upstream = new Socket();
                upstream.connect(target, 5000);
                if (!register(client, upstream)) {
                    continue; // cut while connecting upstream
                }
                pump(client, upstream, false);
                pump(upstream, client, true);
            } catch (IOException e) {
                // a refused upstream or a closed server: the client sees its socket close
            }
        }
    }

    /** Stops forwarding in both directions without closing anything: a peer that went silent (half-open). */
    void freeze() {
        synchronized (flow) {
            frozen = true;
        }
    }

    /** Stops forwarding what the server sends, still passing what the client sends: a client that stopped reading. */
    void freezeDownstream() {
        synchronized (flow) {
            downstreamFrozen = true;
        }
    }

    /** Waits while this direction is frozen. @return false once the relay is closed (the pump ends) */
    private boolean awaitFlowing(boolean downstream) throws InterruptedException {
        synchronized (flow) {
            while (!closed && (frozen || (downstream && downstreamFrozen))) {
                flow.wait();
            }
            return !closed;
        }
    }

    private void pump(Socket from, Socket to, boolean downstream) {
        Thread t = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                byte[] buffer = new byte[8192];
                while (awaitFlowing(downstream)) {
                    int n = in.read(buffer);
                    if (n < 0 || !awaitFlowing(downstream)) { // what was read is held back while frozen, not dropped
                        break;
                    }
                    out.write(buffer, 0, n);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // one side went away
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        cut();
        server.close();
        synchronized (flow) {
            closed = true; // frozen pumps end too
            flow.notifyAll();
        }
    }
}
