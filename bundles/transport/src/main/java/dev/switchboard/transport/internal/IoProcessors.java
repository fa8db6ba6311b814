package dev.switchboard.transport.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.mina.core.service.IoProcessor;
import org.apache.mina.core.write.WriteRequest;
import org.apache.mina.transport.socket.nio.NioProcessor;
import org.apache.mina.transport.socket.nio.NioSession;

/**
 * MINA's pool of I/O processors (one selector thread each, a session always on the same one),
 * with one difference: suspending or resuming a session's reading, asked for from any thread, is
 * carried out by that session's own processor thread.
 *
 * <p>Why: MINA applies {@code suspendRead}/{@code resumeRead} on the caller's thread as a
 * read-modify-write of the selection key's interest set, while the processor thread does the same
 * for write interest. The two race, and a lost update can leave a session whose reading was
 * resumed without read interest: it is never read again, and its client waits forever for acks
 * (HotSwapIT saw this after swaps, which suspend and resume waiting connections from the
 * housekeeping thread). Queued to the processor thread, every interest change is made by one
 * thread, from the session's current flags.
 */
final class IoProcessors implements IoProcessor<NioSession> {

    private final NioProcessor[] pool;
    private final ExecutorService threads;
    private volatile boolean disposing;
    private volatile boolean disposed;

    IoProcessors(int count) {
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "sb-io-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.pool = new NioProcessor[count];
        for (int i = 0; i < count; i++) {
            pool[i] = new NioProcessor(threads);
        }
    }

    private NioProcessor of(NioSession session) {
        return pool[Math.floorMod(session.getId(), pool.length)];
    }

    @Override
    public void add(NioSession session) {
        of(session).add(session);
    }

    @Override
    public void flush(NioSession session) {
        of(session).flush(session);
    }

    @Override
    public void write(NioSession session, WriteRequest writeRequest) {
        of(session).write(session, writeRequest);
    }

    /** Called by MINA's suspend and resume methods: queued, applied on the processor thread. */
    @Override
    public void updateTrafficControl(NioSession session) {
        of(session).updateTrafficMask(session);
    }

    @Override
    public void remove(NioSession session) {
        of(session).remove(session);
    }

    @Override
    public boolean isDisposing() {
        return disposing;
    }

    @Override
    public boolean isDisposed() {
        return disposed;
    }

    @Override
    public void dispose() {
        disposing = true;
        for (NioProcessor p : pool) {
            p.dispose();
        }
        threads.shutdown();
        disposed = true;
    }
}
