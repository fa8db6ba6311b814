package dev.switchboard.itest;

import static org.junit.Assert.*;

import dev.switchboard.client.SwitchboardClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * Black-box test of the exported runtime ({@code run/target/switchboard.jar}) as a separate
 * process: a client pair keeps chatting while one bundle is updated through the management shell
 * and another through a jar dropped into {@code deploy/}; neither client ever disconnects.
 */
public class RuntimeProcessIT {

    private static final String ALICE = "15550000201";
    private static final String BOB = "15550000202";

    private RuntimeProcess server;
    private int port;

    @Before
    public void startServer() throws Exception {
        server = new RuntimeProcess("RuntimeProcessIT");
        port = server.port;
    }

    @After
    public void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private Path socket() {
        return server.socket();
    }

    private Path home() {
        return server.home;
    }

    @Test
    public void clientStaysConnectedThroughShellAndDeployFolderUpdates() throws Exception {
        String lb = ManagementShell.run(socket(), "lb");
        for (String line : lb.split("\n")) {
            if (line.contains("Switchboard")) {
                assertTrue("every switchboard bundle is Active: " + line, line.contains("Active"));
            }
        }
        assertTrue(lb, lb.contains("Switchboard routing"));
        String created = ManagementShell.run(socket(), "sb:user add " + ALICE + " alice-password",
                "sb:user add " + BOB + " bob-password");
        assertTrue(created, created.contains("created account " + ALICE) && created.contains("created account " + BOB));

        AtomicLong acked = new AtomicLong();
        try (SwitchboardClient alice = SwitchboardClient.connect(new InetSocketAddress("127.0.0.1", port), null);
             SwitchboardClient bob = SwitchboardClient.connect(new InetSocketAddress("127.0.0.1", port), null)) {
            alice.login(ALICE, 0, "alice-password");
            bob.login(BOB, 0, "bob-password");
            List<Chatter> chatters = List.of(new Chatter(alice, BOB, 4, 1_000_000, 120_000, acked),
                    new Chatter(bob, ALICE, 4, 1_000_000, 120_000, acked));
            List<Thread> threads = new ArrayList<>();
            for (Chatter c : chatters) {
                Thread t = new Thread(c, "chatter-" + c.partner);
                t.start();
                threads.add(t);
            }
            awaitMore(acked, 500);

            Path routingJar = home().resolve("routing-0.1.0.shell.jar");
            Files.write(routingJar, SwitchboardTestSupport.withVersion(
                    SwitchboardTestSupport.jar("bundles/routing", "routing"), "0.1.0.shell"));
            String updated = ManagementShell.run(socket(), "sb:update dev.switchboard.routing " + routingJar);
            assertTrue(updated, updated.contains("updated dev.switchboard.routing"));
            awaitMore(acked, 500);

            Path staged = home().resolve("protocol.binary.jar.part");
            Files.write(staged, SwitchboardTestSupport.withVersion(
                    SwitchboardTestSupport.jar("bundles/protocol.binary", "protocol.binary"), "0.1.0.deployed"));
            Files.move(staged, home().resolve("deploy/protocol.binary.jar"), StandardCopyOption.ATOMIC_MOVE);
            SwitchboardTestSupport.await("the deployed protocol bundle to be running", Duration.ofSeconds(30),
                    () -> status().contains("0.1.0.deployed"));
            awaitMore(acked, 500);

            String status = status();
            assertTrue(status, status.contains("0.1.0.shell") && status.contains("0.1.0.deployed"));
            for (Chatter c : chatters) {
                c.stop = true;
            }
            for (Thread t : threads) {
                t.join(30_000);
            }
            for (Chatter c : chatters) {
                assertTrue("acks outstanding to " + c.partner, c.awaitAllAcked(30_000));
                assertEquals(List.of(), c.ackErrors);
            }
            assertTrue("alice never disconnected", alice.isOpen());
            assertTrue("bob never disconnected", bob.isOpen());
            assertInOrder(bob, ALICE, chatters.get(0).sent);
            assertInOrder(alice, BOB, chatters.get(1).sent);
        }
    }

    private String status() {
        try {
            return ManagementShell.run(socket(), "sb:status");
        } catch (IOException e) {
            return "";
        }
    }

    private static void awaitMore(AtomicLong acked, long more) throws InterruptedException {
        long target = acked.get() + more;
        SwitchboardTestSupport.await(more + " more acknowledged messages", Duration.ofSeconds(60), () -> acked.get() >= target);
    }

    private static void assertInOrder(SwitchboardClient receiver, String sender, long sent) throws InterruptedException {
        List<Long> got = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (got.size() < sent && System.nanoTime() < deadline) {
            got.addAll(Chatter.receivedFrom(receiver, sender));
            Thread.onSpinWait();
        }
        for (int i = 0; i < got.size(); i++) {
            if (got.get(i) != i + 1L) {
                fail("message " + (i + 1) + " from " + sender + " exactly once, in order; around it: "
                        + got.subList(Math.max(0, i - 3), Math.min(got.size(), i + 4)) + ", it is at index "
                        + got.indexOf(i + 1L) + " of " + got.size() + " (sent " + sent + "); repeats dropped: "
                        + receiver.repeatsDropped());
            }
        }
        assertEquals(sent, got.size());
    }
}
