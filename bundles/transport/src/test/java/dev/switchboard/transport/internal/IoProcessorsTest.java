package dev.switchboard.transport.internal;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.nio.InterestProbe;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.junit.jupiter.api.Test;

/**
 * Reading suspended and resumed from other threads while the server writes hard (so the processor
 * keeps changing write interest): afterwards every connection must still be read. With MINA's own
 * pool, where the caller's thread edits the interest set, a resume is now and then lost and that
 * connection is never read again.
 */
class IoProcessorsTest {

    private static final int CONNECTIONS = 40;

    /** Notified by the handler on every opened session and every read. */
    private final Object events = new Object();

    @Test
    void everyConnectionIsReadAgainAfterSuspendsAndResumesFromOtherThreads() throws Exception {
        IoProcessors processors = new IoProcessors(2);
        NioSocketAcceptor acceptor = new NioSocketAcceptor(processors);
        Map<Long, Integer> bytesRead = new ConcurrentHashMap<>();
        acceptor.setHandler(new IoHandlerAdapter() {
            @Override
            public void sessionOpened(IoSession session) {
                synchronized (events) {
                    events.notifyAll();
                }
            }

            @Override
            public void messageReceived(IoSession session, Object message) {
                synchronized (events) {
                    bytesRead.merge(session.getId(), ((IoBuffer) message).remaining(), Integer::sum);
                    events.notifyAll();
                }
            }
        });
        acceptor.bind(new InetSocketAddress("127.0.0.1", 0));
        List<Socket> clients = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                Socket s = new Socket();
                s.setReceiveBufferSize(4096); // a slow reader: the server's writes back up, write interest flips
                s.connect(acceptor.getLocalAddress());
                clients.add(s);
                Thread reader = new Thread(() -> drainSlowly(s, stop), "slow-reader");
                reader.setDaemon(true);
                reader.start();
                threads.add(reader);
            }
            awaitEvent(() -> acceptor.getManagedSessionCount() >= CONNECTIONS, 10_000);
            List<IoSession> sessions = new ArrayList<>(acceptor.getManagedSessions().values());
            assertEquals(CONNECTIONS, sessions.size());
            byte[] chunk = new byte[2048];
            // bounded: two threads, 3 seconds
            Thread writer = new Thread(() -> {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                while (System.nanoTime() < end) {
                    for (IoSession s : sessions) {
                        if (s.getScheduledWriteBytes() < 64 * 1024) {
                            s.write(IoBuffer.wrap(chunk));
                        }
                    }
                }
            }, "writer");
            Thread toggler = new Thread(() -> {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                while (System.nanoTime() < end) {
                    for (IoSession s : sessions) {
                        s.suspendRead();
                        s.resumeRead();
                    }
                }
            }, "toggler");
            writer.start();
            toggler.start();
            writer.join();
            toggler.join();
            // suspended means not read: what the clients send now stays in the socket
            for (IoSession s : sessions) {
                s.suspendRead();
            }
            // the processor threads apply the suspension (queued to them): wait for it, bounded
            assertTrue(eventually(() -> sessions.stream().noneMatch(InterestProbe::readInterest)),
                    "read interest kept while suspended");
            Map<Long, Integer> before = Map.copyOf(bytesRead);
            for (Socket c : clients) {
                c.getOutputStream().write(new byte[] {1, 2, 3});
                c.getOutputStream().flush();
            }
            // a negative check: for 300 ms, no read may happen while suspended
            assertFalse(awaitEvent(() -> !before.equals(Map.copyOf(bytesRead)), 300), "read while suspended");
            for (IoSession s : sessions) {
                s.resumeRead();
            }
            assertTrue(eventually(() -> sessions.stream().allMatch(InterestProbe::readInterest)),
                    "a resumed session without read interest is never read again");
            assertTrue(awaitEvent(() -> allGrew(before, bytesRead, sessions), 10_000),
                    "every connection read after its resume");
        } finally {
            stop.set(true);
            for (Socket c : clients) {
                c.close();
            }
            acceptor.dispose(true);
            processors.dispose();
        }
    }

    /** Whether a condition on what the handler saw holds within {@code millis}; woken by each event. */
    private boolean awaitEvent(java.util.function.BooleanSupplier condition, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (events) {
            while (!condition.getAsBoolean()) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                events.wait(left);
            }
            return true;
        }
    }

    /**
     * Whether a condition on selector interest holds within 10 seconds. MINA gives no event when a
     * processor thread changes a key's interest set, so this one looks every few milliseconds.
     */
    private static boolean eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5); // the processor threads work asynchronously; bounded by the deadline
        }
        return true;
    }

    private static boolean allGrew(Map<Long, Integer> before, Map<Long, Integer> now, List<IoSession> sessions) {
        for (IoSession s : sessions) {
            if (now.getOrDefault(s.getId(), 0) <= before.getOrDefault(s.getId(), 0)) {
                return false;
            }
        }
        return true;
    }

    private static void drainSlowly(Socket s, AtomicBoolean stop) {
        byte[] buffer = new byte[1024];
        try (InputStream in = s.getInputStream()) {
            while (!stop.get() && in.read(buffer) >= 0) {
                Thread.sleep(1); // slow: the server's socket buffer fills and drains, write interest flips
            }
        } catch (Exception closed) {
            // the test is over
        }
    }
}
