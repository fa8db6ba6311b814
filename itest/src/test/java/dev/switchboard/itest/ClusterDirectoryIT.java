package dev.switchboard.itest;

import static org.junit.Assert.*;

import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.SwitchboardClient;
import io.nats.client.Connection;
import io.nats.client.KeyValueManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.file.Files;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;

/**
 * Issue #18's first part on two exported runtimes sharing the real NATS: a node joins when its
 * etc/dev.switchboard.cluster.cfg appears, each sees where the other's devices are logged in, a
 * login on one node ends the device's session on the other (the last login wins, as on one node),
 * an operator's kick on one node closes a session held by the other, and a node killed with -9 is
 * taken for dead and rejoins when it restarts. Needs NATS with
 * JetStream at SB_NATS_URL (default 127.0.0.1:4222): under CI=true its absence fails the test.
 */
public class ClusterDirectoryIT {

    private static final String NATS = System.getenv().getOrDefault("SB_NATS_URL", "nats://127.0.0.1:4222");
    private static final String USER = "15550001801";
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
                + "\nnatsUrl=" + NATS + "\nheartbeatMillis=200\ndeadAfterMillis=1000\n");
    }

    private static String shell(RuntimeProcess node, String command) {
        try {
            return ManagementShell.run(node.socket(), command);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static SwitchboardClient login(RuntimeProcess node) throws Exception {
        SwitchboardClient c = SwitchboardClient.connect("127.0.0.1", node.port);
        c.login(USER, 0, PASSWORD);
        return c;
    }

    @Test
    public void twoNodesShareWhoIsWhereAndTheLastLoginAnywhereWins() throws Exception {
        one = new RuntimeProcess("ClusterDirIT-1");
        two = new RuntimeProcess("ClusterDirIT-2");
        assertTrue(shell(one, "sb:cluster").contains("runs alone"));
        one.addUsers(USER, PASSWORD); // each node has its own embedded store here: the account on both
        two.addUsers(USER, PASSWORD);
        join(one, "one");
        join(two, "two");
        Duration wait = Duration.ofSeconds(30);
        SwitchboardTestSupport.await("both nodes live on one", wait, () -> shell(one, "sb:cluster").contains("live nodes one two"));
        SwitchboardTestSupport.await("both nodes live on two", wait, () -> shell(two, "sb:cluster").contains("live nodes one two"));

        try (SwitchboardClient first = login(one)) {
            SwitchboardTestSupport.await("two to locate the device on one", wait,
                    () -> shell(two, "sb:cluster " + USER).contains(USER + "/0 on one"));
            try (SwitchboardClient second = login(two)) {
                Node reason = first.closed().get(30, TimeUnit.SECONDS);
                assertEquals(reason.toString(), "kicked", reason.attr("code"));
                assertTrue(reason.toString(), reason.attr("text").contains("logged in on another node (two)"));
                SwitchboardTestSupport.await("one to locate the device on two", wait,
                        () -> shell(one, "sb:cluster " + USER).contains(USER + "/0 on two"));
                assertTrue(second.isOpen());
                // an operator on one closes a session held by two: through NATS, to two's transport
                assertTrue(shell(one, "sb:kick " + USER + "/0").contains("closed 1 session"));
                Node kicked = second.closed().get(30, TimeUnit.SECONDS);
                assertEquals(kicked.toString(), "disconnected by an operator", kicked.attr("text"));
            }
            try (SwitchboardClient third = login(two)) {
                SwitchboardTestSupport.await("one to locate the device on two again", wait,
                        () -> shell(one, "sb:cluster " + USER).contains(USER + "/0 on two"));
                assertTrue(third.isOpen());

                two.kill(); // no goodbye: one must notice the silence
                SwitchboardTestSupport.await("one to take two for dead", wait,
                        () -> shell(one, "sb:cluster").contains("live nodes one\n") || shell(one, "sb:cluster").endsWith("live nodes one"));
                assertTrue(shell(one, "sb:cluster " + USER).contains("not logged in on any live node"));
            }
        }
        two.start(); // its etc/ still names the cluster: it rejoins as a new run
        SwitchboardTestSupport.await("two to rejoin", wait, () -> shell(one, "sb:cluster").contains("live nodes one two"));
        assertTrue(shell(one, "sb:cluster " + USER).contains("not logged in on any live node"));
    }
}
