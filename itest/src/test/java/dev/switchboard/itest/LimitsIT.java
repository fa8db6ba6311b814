package dev.switchboard.itest;

import static org.junit.Assert.*;

import dev.switchboard.api.offline.OfflineStore;
import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.SwitchboardClient;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Issue #9's limits, with small settings so they show quickly: a client that stops reading holds at
 * most a window of its queue, is closed once 256 KB wait for it, and gets everything later from its
 * queue; a half-open connection
 * is pinged and closed; a flood of frames is slowed down, not dropped; one connection past the
 * maximum is refused with an error frame.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LimitsIT extends SwitchboardTestSupport {

    @Override
    protected Map<String, Object> transportSettings() {
        return Map.of("maxOutboundBytes", 262_144, "idleSeconds", 2, "maxFramesPerSecond", 2000, "maxConnections", 12,
                "maxConnectionsPerAddress", 6, "loginSeconds", 4);
    }

    @Test
    public void aClientThatStopsReadingIsClosedAndGetsEverythingLater() throws Exception {
        String sender = "15559600001", reader = "15559600002";
        register(sender);
        register(reader);
        int messages = 10_000;
        byte[] body = new byte[1024];
        long heapBefore = usedHeapAfterGc();
        SessionDirectory directory = service(SessionDirectory.class);
        try (TcpProxy relay = new TcpProxy(new InetSocketAddress("127.0.0.1", port));
             SwitchboardClient slow = SwitchboardClient.connect("127.0.0.1", relay.port());
             SwitchboardClient fast = login(sender)) {
            slow.login(reader, 0, password(reader));
            relay.freezeDownstream(); // the reader's app hangs: nothing it is sent is read any more
            List<CompletableFuture<Node>> acks = new ArrayList<>();
            for (int i = 1; i <= messages; i++) {
                acks.add(fast.send(reader, Integer.toString(i), ByteBuffer.allocate(1024).putInt(i).array()));
                if (i % 500 == 0) {
                    acks.get(i - 1).get(30, TimeUnit.SECONDS); // keep the sender's own window modest
                }
            }
            for (CompletableFuture<Node> ack : acks) {
                assertNull(ack.get(60, TimeUnit.SECONDS).attr("error"));
            }
            OfflineStore store = service(OfflineStore.class);
            // at most a delivery window went to the stalled connection; the rest waits in the store
            assertEquals(messages, store.depth(new Address(reader, 0)));
            long heapAfter = usedHeapAfterGc();
            System.out.printf("LimitsIT: heap after GC %d MB before, %d MB with 10,000 x 1 KB queued for a stalled reader%n",
                    heapBefore >> 20, heapAfter >> 20);
            // typing indicators are not windowed: a flood of them fills the stalled reader's outbound bound
            for (int i = 0; i < 20_000 && !directory.devicesOf(reader).isEmpty(); i++) {
                fast.chatState(reader, "composing");
            }
            await("the stalled reader to be closed past its outbound bound", Duration.ofSeconds(30),
                    () -> directory.devicesOf(reader).isEmpty());
            assertTrue("the flooding sender is fine", fast.isOpen());
        }
        try (SwitchboardClient back = login(reader)) {
            List<Integer> got = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (got.size() < messages && System.nanoTime() < deadline) {
                Node n = back.incoming().poll(100, TimeUnit.MILLISECONDS);
                if (n != null && n.tag().equals("message")) {
                    got.add(ByteBuffer.wrap(n.content()).getInt());
                }
            }
            List<Integer> expected = new ArrayList<>();
            for (int i = 1; i <= messages; i++) {
                expected.add(i);
            }
            assertEquals("every message exactly once, in order, from the queue", expected, got);
        }
    }

    @Test
    public void aHalfOpenConnectionIsClosedAndALiveOneIsNot() throws Exception {
        String silent = "15559600011", alive = "15559600012";
        register(silent);
        register(alive);
        SessionDirectory directory = service(SessionDirectory.class);
        try (TcpProxy relay = new TcpProxy(new InetSocketAddress("127.0.0.1", port));
             SwitchboardClient gone = SwitchboardClient.connect("127.0.0.1", relay.port());
             SwitchboardClient idle = login(alive)) {
            gone.login(silent, 0, password(silent));
            relay.freeze(); // the peer vanished without a FIN: only silence tells
            long frozenAt = System.nanoTime();
            await("the half-open connection to be closed", Duration.ofSeconds(15), () -> directory.devicesOf(silent).isEmpty());
            System.out.printf("LimitsIT: half-open connection closed after %d ms (idleSeconds=2)%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenAt));
            Thread.sleep(5000); // deliberately idle for two and a half idle periods: the client answers the pings and stays
            assertTrue(idle.isOpen());
            assertEquals(List.of(new Address(alive, 0)), directory.devicesOf(alive));
        }
    }

    @Test
    public void aFloodIsSlowedNotDropped() throws Exception {
        String user = "15559600021";
        register(user);
        try (SwitchboardClient c = login(user)) {
            int pings = 6000;
            long t0 = System.nanoTime();
            for (int i = 0; i < pings; i++) {
                c.write(Node.of("ping", "id", "p" + i));
            }
            int pongs = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (pongs < pings && System.nanoTime() < deadline) {
                Node n = c.incoming().poll(100, TimeUnit.MILLISECONDS);
                if (n != null && n.tag().equals("pong")) {
                    assertEquals("p" + pongs, n.attr("id"));
                    pongs++;
                }
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals("every frame answered, in order", pings, pongs);
            assertTrue("at 2,000 frames/s, 6,000 take two seconds at least: " + ms + " ms", ms >= 2_000);
            assertTrue(c.isOpen());
        }
    }

    @Test
    public void oneConnectionPastTheMaximumIsRefused() throws Exception {
        List<SwitchboardClient> open = new ArrayList<>();
        try {
            SessionDirectory directory = service(SessionDirectory.class);
            while (directory.connectionCount() < 12) { // from two addresses: each may hold 6
                SwitchboardClient c = SwitchboardClient.connect(new InetSocketAddress("127.0.0.1", port),
                        new InetSocketAddress(open.size() % 2 == 0 ? "127.0.0.2" : "127.0.0.3", 0));
                open.add(c);
                assertTrue("a connection below the maximum is answered", answered(c));
            }
            SwitchboardClient extra = SwitchboardClient.connect("127.0.0.1", port);
            open.add(extra);
            Node reason = extra.closed().get(10, TimeUnit.SECONDS);
            assertEquals("server-full", reason.attr("code"));
            open.get(0).close();
            await("room again", Duration.ofSeconds(10), () -> directory.connectionCount() < 12);
            try (SwitchboardClient again = SwitchboardClient.connect("127.0.0.1", port)) {
                assertTrue("a connection fits again: it is answered, not refused", answered(again));
            }
        } finally {
            open.forEach(SwitchboardClient::close);
        }
    }

    @Test
    public void aConnectionThatNeverLogsInIsClosed() throws Exception {
        try (SwitchboardClient lurker = SwitchboardClient.connect("127.0.0.1", port)) {
            long t0 = System.nanoTime();
            Node reason = lurker.closed().get(15, TimeUnit.SECONDS);
            assertEquals("login-timeout", reason.attr("code"));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue("closed after loginSeconds=4, not before: " + ms + " ms", ms >= 3_500);
        }
    }

    /**
     * A logged-in connection that sends one byte at a time of a frame it never finishes is silent
     * in frames: it is pinged and closed like a half-open one, however many bytes it dribbles.
     */
    @Test
    public void aConnectionThatDribblesBytesIsClosedLikeASilentOne() throws Exception {
        String user = "15559600031";
        register(user);
        SessionDirectory directory = service(SessionDirectory.class);
        try (SwitchboardClient dribbler = login(user)) {
            long t0 = System.nanoTime();
            // a frame of 1,000 bytes is announced and never finished (the pongs the client sends
            // to the server's pings land inside it too, and do not finish it either)
            dribbler.writeRaw(new byte[] {(byte) 0xE8, 0x07});
            for (int i = 0; i < 40 && !directory.devicesOf(user).isEmpty(); i++) {
                try {
                    dribbler.writeRaw(new byte[] {'x'});
                } catch (java.io.IOException closedMeanwhile) {
                    break;
                }
                Thread.sleep(250); // the dribble itself: four bytes a second
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue("closed after " + ms + " ms of dribbling (idleSeconds=2)", directory.devicesOf(user).isEmpty());
            assertEquals("idle-timeout", dribbler.closed().get(10, TimeUnit.SECONDS).attr("code"));
        }
    }

    @Test
    public void oneAddressCannotTakeEverySlot() throws Exception {
        List<SwitchboardClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                SwitchboardClient c = SwitchboardClient.connect(new InetSocketAddress("127.0.0.1", port),
                        new InetSocketAddress("127.0.0.5", 0));
                open.add(c);
                assertTrue("connection " + (i + 1) + " of the address's 6 is answered", answered(c));
            }
            SwitchboardClient seventh = SwitchboardClient.connect(new InetSocketAddress("127.0.0.1", port),
                    new InetSocketAddress("127.0.0.5", 0));
            open.add(seventh);
            assertEquals("too-many-connections", seventh.closed().get(10, TimeUnit.SECONDS).attr("code"));
            try (SwitchboardClient elsewhere = SwitchboardClient.connect(new InetSocketAddress("127.0.0.1", port),
                    new InetSocketAddress("127.0.0.6", 0))) {
                assertTrue("another address still gets in", answered(elsewhere));
            }
        } finally {
            open.forEach(SwitchboardClient::close);
        }
    }

    /**
     * Whether the server answers this (not logged-in) connection: a registration it refuses for a
     * malformed id gets a result and leaves the connection open, so an answer means it was taken.
     */
    private static boolean answered(SwitchboardClient c) {
        try {
            c.register("not-digits", "some-password");
            return false;
        } catch (dev.switchboard.client.ClientException refused) {
            return "malformed-id".equals(refused.code());
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
