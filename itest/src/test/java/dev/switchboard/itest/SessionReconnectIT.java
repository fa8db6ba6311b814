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
}
