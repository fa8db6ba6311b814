package dev.switchboard.routing.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** What a test's session directory was handed, from any lane, taken by the test in arrival order per device. */
final class HandedStanzas {

    private final BlockingQueue<Object[]> handed = new LinkedBlockingQueue<>();

    void add(Address to, Node stanza) {
        handed.add(new Object[] {to, stanza});
    }

    /** Waits up to {@code ms} for anything to be handed (a bounded wait for a lane, not a fixed sleep). */
    void awaitAny(long ms) throws InterruptedException {
        Object[] e = handed.poll(ms, TimeUnit.MILLISECONDS);
        if (e != null) {
            handed.add(e);
        }
    }

    /** The next {@code count} stanzas handed to {@code to} that match, waiting up to 10 s; others are kept. */
    List<Node> take(int count, Address to, Predicate<Node> wanted) throws InterruptedException {
        List<Node> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<Object[]> other = new ArrayList<>();
        while (out.size() < count && System.nanoTime() < deadline) {
            Object[] e = handed.poll(100, TimeUnit.MILLISECONDS);
            if (e == null) {
                continue;
            }
            if (e[0].equals(to) && wanted.test((Node) e[1])) {
                out.add((Node) e[1]);
            } else {
                other.add(e);
            }
        }
        handed.addAll(other);
        assertEquals(count, out.size(), "stanzas for " + to + " within 10 s");
        return out;
    }
}
