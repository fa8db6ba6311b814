package dev.switchboard.itest;

import static org.junit.Assert.*;

import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.ClientException;
import dev.switchboard.client.SwitchboardClient;
import io.nats.client.Connection;
import io.nats.client.KeyValueManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;

/**
 * Issue #18 on two exported runtimes sharing the real NATS: a node joins when its
 * etc/dev.switchboard.cluster.cfg appears; each account's devices log in on the node that owns its
 * lane (others answer see-other-host); a message to an account on the other node is acknowledged,
 * delivered and answered with its delivered receipt across nodes; an operator's kick on one node
 * closes a session held by the other; a node killed with -9 is taken for dead, its accounts log in
 * on the survivor, and it rejoins when it restarts. Needs NATS with JetStream at SB_NATS_URL (default
 * 127.0.0.1:4222): under CI=true its absence fails the test.
 */
public class ClusterDirectoryIT {

    private static final String NATS = System.getenv().getOrDefault("SB_NATS_URL", "nats://127.0.0.1:4222");
    private static final String ALICE = "15550001801";
    private static final String BOB = "15550001802";
    private static final String PASSWORD = "cluster-password";

    private final String prefix = "it" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private RuntimeProcess one;
    private RuntimeProcess two;

    @Before
    public void natsIsThere() throws Exception {
        try (Connection c = Nats.connect(new Options.Builder().server(NATS).connectionTimeout(Duration.ofSeconds(2)).build())) {
            c.jetStreamManagement().getAccountStatistics();
        } catch (Exception e) {
            String message = "NATS with JetStream at " + NATS + " is unreachable (" + e + ")";
            assertFalse(message + ": under CI the cluster tests must run", "true".equalsIgnoreCase(System.getenv("CI")));
            System.err.println("\n*** SKIPPING ClusterDirectoryIT: " + message + " ***\n");
            Assume.assumeNoException(message, e);
        }
    }

    @After
    public void stop() throws Exception {
        for (RuntimeProcess p : new RuntimeProcess[] {one, two}) {
            if (p != null) {
                p.close();
            }
        }
        try (Connection c = Nats.connect(new Options.Builder().server(NATS).connectionTimeout(Duration.ofSeconds(2)).build())) {
            KeyValueManagement kvm = c.keyValueManagement();
            for (String bucket : kvm.getBucketNames()) {
                if (bucket.startsWith(prefix + "-")) {
                    kvm.delete(bucket);
                }
            }
        }
    }

    /** Makes a running node a member, as an operator would: by writing the file. */
    private void join(RuntimeProcess node, String name) throws Exception {
        Files.writeString(node.home.resolve("etc/dev.switchboard.cluster.cfg"), "node=" + name + "\nbucketPrefix=" + prefix
                + "\nnatsUrl=" + NATS + "\naddress=127.0.0.1:" + node.port + "\nheartbeatMillis=200\ndeadAfterMillis=1000\n");
    }

    private static String shell(RuntimeProcess node, String command) {
        try {
            return ManagementShell.run(node.socket(), command);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static SwitchboardClient login(RuntimeProcess node, String user) throws Exception {
        SwitchboardClient c = SwitchboardClient.connect("127.0.0.1", node.port);
        c.login(user, 0, PASSWORD);
        return c;
    }

    private static Node next(SwitchboardClient c, String tag) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Node n = c.incoming().poll(100, TimeUnit.MILLISECONDS);
            if (n != null && n.tag().equals(tag)) {
                return n;
            }
        }
        throw new AssertionError("no " + tag + " within 30 s");
    }

    @Test
    public void twoNodesServeOneServiceAndOneSurvivesTheOthersDeath() throws Exception {
        one = new RuntimeProcess("ClusterDirIT-1");
        two = new RuntimeProcess("ClusterDirIT-2");
        assertTrue(shell(one, "sb:cluster").contains("runs alone"));
        one.addUsers(ALICE, PASSWORD, BOB, PASSWORD); // each node has its own embedded store here: the accounts on both
        two.addUsers(ALICE, PASSWORD, BOB, PASSWORD);
        join(one, "one");
        join(two, "two");
        Duration wait = Duration.ofSeconds(30);
        SwitchboardTestSupport.await("both nodes live on one", wait, () -> shell(one, "sb:cluster").contains("live nodes one two"));
        SwitchboardTestSupport.await("both nodes live on two", wait, () -> shell(two, "sb:cluster").contains("live nodes one two"));

        try (SwitchboardClient alice = login(one, ALICE); SwitchboardClient bob = login(two, BOB)) {
            SwitchboardTestSupport.await("one to locate bob on two", wait, () -> shell(one, "sb:cluster " + BOB).contains(BOB + "/0 on two"));
            // alice's lane is one's now: her devices are sent there
            ClientException moved = assertThrows(ClientException.class, () -> login(two, ALICE));
            assertEquals("see-other-host", moved.code());
            assertTrue(moved.getMessage(), moved.getMessage().contains("node one at 127.0.0.1:" + one.port));

            Node ack = alice.send(BOB, "x1", "across".getBytes(StandardCharsets.UTF_8)).get(30, TimeUnit.SECONDS);
            assertNull(ack.toString(), ack.attr("error"));
            Node got = next(bob, "message");
            assertEquals("across", new String(got.content(), StandardCharsets.UTF_8));
            assertEquals(ALICE + "/0", got.attr("from"));
            bob.confirm(got);
            Node receipt = next(alice, "receipt");
            assertEquals("delivered", receipt.attr("type"));
            assertEquals("x1", receipt.attr("id"));

            Node back = bob.send(ALICE, "y1", "and back".getBytes(StandardCharsets.UTF_8)).get(30, TimeUnit.SECONDS);
            assertNull(back.toString(), back.attr("error"));
            assertEquals("and back", new String(next(alice, "message").content(), StandardCharsets.UTF_8));

            // an operator on two closes a session held by one: through NATS, to one's transport
            assertTrue(shell(two, "sb:kick " + ALICE + "/0").contains("closed 1 session"));
            Node kicked = alice.closed().get(30, TimeUnit.SECONDS);
            assertEquals(kicked.toString(), "disconnected by an operator", kicked.attr("text"));
        }

        one.kill(); // no goodbye: two must notice the silence
        SwitchboardTestSupport.await("two to take one for dead", wait, () -> shell(two, "sb:cluster").trim().endsWith("live nodes two"));
        try (SwitchboardClient alice = login(two, ALICE)) { // her lane's owner is dead: two takes it
            assertTrue(alice.isOpen());
            one.start(); // its etc/ still names the cluster: it rejoins as a new run
            SwitchboardTestSupport.await("one to rejoin", wait, () -> shell(two, "sb:cluster").contains("live nodes one two"));
            SwitchboardTestSupport.await("one to locate alice on two", wait,
                    () -> shell(one, "sb:cluster " + ALICE).contains(ALICE + "/0 on two"));
        }
    }
}
