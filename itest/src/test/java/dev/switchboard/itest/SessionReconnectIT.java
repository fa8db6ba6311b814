package dev.switchboard.itest;

import static org.junit.Assert.*;

import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.Session;
import dev.switchboard.client.SessionListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Issue #7's SDK acceptance: both ends are {@link Session}s reaching the server through a relay the
 * test cuts twice while 1,000 messages are being sent. Each session reconnects by itself (resuming
 * with its token), the sender resends what was not acknowledged with the same ids, and the
 * receiver's app sees every message exactly once, in order.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SessionReconnectIT extends SwitchboardTestSupport {

    private static final int MESSAGES = 1000;

    @Test
    public void everyMessageArrivesExactlyOnceAcrossCutConnections() throws Exception {
        String a = "15559300001", b = "15559300002";
        register(a);
        register(b);
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger reconnects = new AtomicInteger();
        SessionListener counting = new SessionListener() {
            @Override
            public void connected(boolean resumed) {
                if (resumed) {
                    reconnects.incrementAndGet();
                }
            }
        };
        try (TcpProxy relay = new TcpProxy(new java.net.InetSocketAddress("127.0.0.1", port));
             Session receiver = Session.builder("127.0.0.1", relay.port()).user(b).password(password(b))
                     .backoff(Duration.ofMillis(50), Duration.ofMillis(500)).listener(new SessionListener() {
                         @Override
                         public void message(Node m) {
                             received.add(new String(m.content(), StandardCharsets.UTF_8));
                         }

                         @Override
                         public void connected(boolean resumed) {
                             counting.connected(resumed);
                         }
                     }).open();
             Session sender = Session.builder("127.0.0.1", relay.port()).user(a).password(password(a))
                     .backoff(Duration.ofMillis(50), Duration.ofMillis(500)).listener(counting).open()) {
            List<CompletableFuture<Node>> acks = new ArrayList<>();
            for (int i = 1; i <= MESSAGES; i++) {
                acks.add(sender.send(b, ("m" + i).getBytes(StandardCharsets.UTF_8)));
                if (i == 300 || i == 700) {
                    if (i == 700) {
                        // both are back from the first cut, so this one is a second reconnect for each
                        await(() -> "both sessions back after the first cut, reconnects " + reconnects.get(),
                                Duration.ofSeconds(30), () -> reconnects.get() >= 2);
                    }
                    relay.cut(); // both connections drop mid-stream, with messages and acks in flight
                    Thread.sleep(300);
                    relay.restore();
                }
                if (i % 50 == 0) {
                    Thread.sleep(20);
                }
            }
            for (CompletableFuture<Node> ack : acks) {
                assertNull(ack.get(60, TimeUnit.SECONDS).attr("error"));
            }
            await(() -> "all messages, got " + received.size(), Duration.ofSeconds(60), () -> received.size() >= MESSAGES);
            Thread.sleep(500); // any duplicate would arrive now
            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= MESSAGES; i++) {
                expected.add("m" + i);
            }
            assertEquals("every message once, in order", expected, List.copyOf(received));
            assertTrue("both sessions reconnected twice: " + reconnects.get(), reconnects.get() >= 4);
            assertEquals(0, sender.unacknowledged());
            System.out.printf("SessionReconnectIT: %d messages exactly once across %d reconnects%n", MESSAGES, reconnects.get());
        }
    }

    /**
     * Found by the loss checker: the SDK confirmed a message when it arrived, before the app's
     * listener had it, so messages still waiting for a slow listener when the app closed its
     * session were deleted on the server and never shown. They must come to the next session.
     */
    @Test
    public void messagesTheAppHadNotSeenWhenItClosedComeToItsNextSession() throws Exception {
        String a = "15559300011", b = "15559300012";
        register(a);
        register(b);
        List<String> shown = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.CountDownLatch fewShown = new java.util.concurrent.CountDownLatch(3);
        SessionListener slowApp = new SessionListener() {
            @Override
            public void message(Node m) {
                shown.add(m.attr("id"));
                fewShown.countDown();
                try {
                    Thread.sleep(100); // a slow app: the rest waits in the SDK meanwhile
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        dev.switchboard.client.SeenStanzas seen;
        try (Session sender = Session.builder("127.0.0.1", port).user(a).password(password(a)).open()) {
            Session first = Session.builder("127.0.0.1", port).user(b).password(password(b)).listener(slowApp).open();
            List<CompletableFuture<Node>> acks = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                acks.add(sender.send(b, "slow-" + i, new byte[] {1}));
            }
            for (CompletableFuture<Node> ack : acks) {
                assertNull(ack.get(30, TimeUnit.SECONDS).attr("error"));
            }
            assertTrue(fewShown.await(30, TimeUnit.SECONDS));
            first.close(); // the app goes away with most messages not shown yet
            seen = first.seen();
        }
        int before = shown.size();
        assertTrue("some were still waiting for the app: " + before, before < 40);
        try (Session second = Session.builder("127.0.0.1", port).user(b).password(password(b)).seen(seen)
                .listener(new SessionListener() {
                    @Override
                    public void message(Node m) {
                        shown.add(m.attr("id"));
                    }
                }).open()) {
            await(() -> shown.size() + " of 40 shown", Duration.ofSeconds(30), () -> shown.size() >= 40);
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            expected.add("slow-" + i);
        }
        assertEquals("each message shown once, in order, across the two sessions", expected, shown);
    }
}
