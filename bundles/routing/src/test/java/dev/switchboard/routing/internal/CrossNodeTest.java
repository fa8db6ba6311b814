package dev.switchboard.routing.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.cluster.LaneOwner;
import dev.switchboard.api.cluster.LaneOwnership;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.state.StateVault;
import dev.switchboard.api.store.DeviceRecord;
import dev.switchboard.offline.internal.MemoryMessageJournal;
import dev.switchboard.offline.internal.OfflineConfiguration;
import dev.switchboard.offline.internal.OfflineQueues;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real router and offline store on a node of a cluster (the cluster faked): a message goes to
 * its recipient's lane wherever that is, and keeps its order while the lane is being taken.
 */
class CrossNodeTest {

    private static final Address ALICE = new Address("1001", 0);
    private static final Address BOB = new Address("2002", 0);
    private static final LaneOwner HERE = new LaneOwner("n1", true, "127.0.0.1:5201");
    private static final LaneOwner THERE = new LaneOwner("n2", false, "127.0.0.1:5202");

    private final HandedStanzas handed = new HandedStanzas();
    private final FakeCluster cluster = new FakeCluster();
    private OfflineQueues offline;
    private RouterComponent router;

    /** Who owns which lane, what was forwarded, and a claim the test can hold up. */
    private static final class FakeCluster implements LaneOwnership {
        final Map<String, LaneOwner> owners = new ConcurrentHashMap<>();
        final List<String> forwarded = new CopyOnWriteArrayList<>();
        volatile LaneOwner claimGives = HERE;
        volatile CountDownLatch claimHeld = new CountDownLatch(0);
        /** What the owner answers a forwarded message: its ack, or null (refused). */
        volatile boolean ownerTakes = true;
        /** What was queued on other nodes' lanes: node, device, kind, id. */
        final List<String> receipts = new CopyOnWriteArrayList<>();

        @Override
        public LaneOwner owner(String user) {
            return owners.get(user);
        }

        @Override
        public LaneOwner claim(String user) {
            try {
                claimHeld.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            LaneOwner given = claimGives;
            if (given != null) {
                owners.putIfAbsent(user, given);
            }
            return owners.get(user);
        }

        @Override
        public CompletionStage<Node> forward(LaneOwner owner, Address from, Node stanza) {
            forwarded.add(owner.node() + " " + from + " " + stanza.attr("id"));
            return CompletableFuture.completedFuture(ownerTakes ? MessageIntake.ack(stanza.attr("id"), null, null) : null);
        }

        /** How many of the next hand-overs of copies fail (the other node unreachable). */
        final java.util.concurrent.atomic.AtomicInteger queueFailures = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public CompletionStage<Void> queue(LaneOwner owner, List<dev.switchboard.api.store.QueuedMessage> copies) {
            if (queueFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return CompletableFuture.failedFuture(new IllegalStateException("no answer from " + owner.node()));
            }
            copies.forEach(m -> receipts.add(owner.node() + " " + m.to() + " " + m.kind() + " " + m.id()));
            return CompletableFuture.completedFuture(null);
        }
    }

    @BeforeEach
    void start() throws Exception {
        StateVault vault = RoutingFakes.vault();
        offline = new OfflineQueues(new MemoryMessageJournal(), vault, RoutingFakes.defaults(OfflineConfiguration.class));
        router = new RouterComponent(new RoutingFakes.Directory() {
            @Override
            public boolean deliver(Address to, Node stanza) {
                handed.add(to, stanza);
                return true;
            }
        }, vault, RoutingFakes.defaults(RoutingConfiguration.class));
        router.bindOffline(offline);
        router.bindAccounts((AccountService) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {AccountService.class},
                (p, m, a) -> {
                    if (m.getName().equals("devices")) {
                        return List.of(new DeviceRecord(new Address((String) a[0], 0), 0));
                    }
                    throw new IllegalStateException(m.getName() + " is not used here");
                }));
        router.bindCluster(cluster);
        router.deviceOnline(ALICE);
        router.deviceOnline(BOB);
    }

    @AfterEach
    void stop() throws Exception {
        router.deactivateForTest();
        offline.deactivateForTest();
    }

    private static Node message(String to, String id) {
        return Node.withContent("message", id.getBytes(StandardCharsets.UTF_8), "to", to, "id", id);
    }

    @Test
    void aMessageForALaneOwnedHereIsRoutedHere() throws Exception {
        cluster.owners.put(BOB.user(), HERE);
        assertTrue(router.route(ALICE, message("2002", "m1")));
        assertEquals("m1", handed.take(1, BOB, n -> n.tag().equals("message")).get(0).attr("id"));
        assertNull(handed.take(1, ALICE, n -> n.tag().equals("ack")).get(0).attr("error"));
        assertEquals(List.of(), cluster.forwarded);
    }

    @Test
    void aMessageForALaneOwnedElsewhereGoesThereAndItsAnswerToTheSenderHere() throws Exception {
        cluster.owners.put(BOB.user(), THERE);
        assertTrue(router.route(ALICE, message("2002", "m1")));
        assertEquals(List.of("n2 1001/0 m1"), cluster.forwarded);
        Node ack = handed.take(1, ALICE, n -> n.tag().equals("ack")).get(0);
        assertEquals("m1", ack.attr("id"));
        assertNull(ack.attr("error"));
        assertEquals(0, offline.depth(BOB), "nothing queued here for a lane owned elsewhere");
    }

    @Test
    void aMessageTheOwnerDoesNotTakeIsAnsweredUnavailableSoTheSenderResends() throws Exception {
        cluster.owners.put(BOB.user(), THERE);
        cluster.ownerTakes = false;
        router.route(ALICE, message("2002", "m1"));
        assertEquals("unavailable", handed.take(1, ALICE, n -> n.tag().equals("ack")).get(0).attr("error"));
    }

    @Test
    void messagesWaitingForTheirRecipientsLaneToBeTakenKeepTheirOrder() throws Exception {
        cluster.claimHeld = new CountDownLatch(1); // the claim's round trip takes a while
        for (int i = 1; i <= 20; i++) {
            assertTrue(router.route(ALICE, message("2002", "m" + i)));
        }
        cluster.claimHeld.countDown();
        List<Node> got = handed.take(20, BOB, n -> n.tag().equals("message"));
        for (int i = 0; i < 20; i++) {
            assertEquals("m" + (i + 1), got.get(i).attr("id"), "in the order sent");
        }
        assertEquals(HERE, cluster.owners.get(BOB.user()));
    }

    @Test
    void whileTheClusterCannotPlaceTheRecipientTheSenderIsToldToRetry() throws Exception {
        cluster.claimGives = null;
        router.route(ALICE, message("2002", "m1"));
        assertEquals("unavailable", handed.take(1, ALICE, n -> n.tag().equals("ack")).get(0).attr("error"));
    }

    @Test
    void aForwardedMessageIsTakenOnlyForALaneOwnedHereAndAnsweredToTheForwarder() throws Exception {
        cluster.owners.put(BOB.user(), HERE);
        List<Node> answers = new CopyOnWriteArrayList<>();
        Address remoteSender = new Address("3003", 0);
        assertTrue(router.forwarded(remoteSender, message("2002", "f1"), answers::add));
        assertEquals("f1", handed.take(1, BOB, n -> n.tag().equals("message")).get(0).attr("id"));
        cluster.owners.put("4004", THERE);
        assertFalse(router.forwarded(remoteSender, message("4004", "f2"), answers::add), "not this node's lane");
        assertFalse(router.forwarded(remoteSender, Node.of("received", "seq", "1"), answers::add), "only messages");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (answers.isEmpty() && System.nanoTime() < deadline) {
            handed.awaitAny(50);
        }
        assertEquals(1, answers.size());
        assertEquals("f1", answers.get(0).attr("id"));
        assertNull(answers.get(0).attr("error"));
    }

    @Test
    void theDeliveredReceiptOfASenderWhoseLaneIsElsewhereIsQueuedThere() throws Exception {
        cluster.owners.put(BOB.user(), HERE);
        cluster.owners.put(ALICE.user(), THERE);
        Address remoteAlice = ALICE;
        router.forwarded(remoteAlice, message("2002", "r1"), answer -> { });
        Node m = handed.take(1, BOB, n -> n.tag().equals("message")).get(0);
        router.route(BOB, Node.of("received", "seq", m.attr("seq")));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (cluster.receipts.isEmpty() && System.nanoTime() < deadline) {
            handed.awaitAny(50);
        }
        assertEquals(List.of("n2 1001/0 delivered r1"), cluster.receipts);
    }

    /** Group g7: alice, bob and carol (3003). */
    private void bindGroupOfThree() {
        router.bindGroups((dev.switchboard.api.groups.GroupDirectory) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {dev.switchboard.api.groups.GroupDirectory.class}, (p, m, a) -> {
                    if (m.getName().equals("members")) {
                        return java.util.Optional.of(List.of("1001", "2002", "3003"));
                    }
                    throw new IllegalStateException(m.getName() + " is not used here");
                }));
    }

    @Test
    void aGroupMessagesCopiesGoToEachMembersLaneWhereverItIs() throws Exception {
        bindGroupOfThree();
        cluster.owners.put(BOB.user(), HERE);
        cluster.owners.put("3003", THERE);
        assertTrue(router.route(ALICE, message("g7", "g1")));
        assertEquals("g1", handed.take(1, BOB, n -> n.tag().equals("message")).get(0).attr("id"), "bob's lane is here");
        Node ack = handed.take(1, ALICE, n -> n.tag().equals("ack")).get(0);
        assertNull(ack.attr("error"), "acknowledged once every member's part is safe");
        assertEquals(List.of("n2 3003/0 message g1"), cluster.receipts, "carol's copy went to her lane's node");
        assertEquals(0, offline.depth(new Address("3003", 0)), "nothing queued here for a lane owned elsewhere");
    }

    @Test
    void copiesAnotherNodeMadeAreQueuedHereOnlyForLanesOwnedHere() throws Exception {
        cluster.owners.put(BOB.user(), HERE);
        cluster.owners.put("4004", THERE);
        var copy = new dev.switchboard.api.store.QueuedMessage(0, BOB, new Address("3003", 0), "q1", "message",
                System.currentTimeMillis(), "hi".getBytes(StandardCharsets.UTF_8), "g7");
        router.queue(List.of(copy)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals("q1", handed.take(1, BOB, n -> n.tag().equals("message")).get(0).attr("id"));
        var elsewhere = new dev.switchboard.api.store.QueuedMessage(0, new Address("4004", 0), new Address("3003", 0), "q2",
                "message", System.currentTimeMillis(), null, "g7");
        assertThrows(java.util.concurrent.ExecutionException.class,
                () -> router.queue(List.of(elsewhere)).toCompletableFuture().get(10, TimeUnit.SECONDS),
                "not this node's lane: refused, so the other node's sender resends");
    }

    @Test
    void whenAnotherNodesPartOfAGroupMessageFailsNothingIsQueuedHereAndTheResendArrivesOnce() throws Exception {
        bindGroupOfThree();
        cluster.owners.put(BOB.user(), HERE);
        cluster.owners.put("3003", THERE);
        cluster.queueFailures.set(1);
        router.route(ALICE, message("g7", "g2"));
        assertEquals("unavailable", handed.take(1, ALICE, n -> n.tag().equals("ack")).get(0).attr("error"));
        assertEquals(0, offline.depth(BOB), "nothing queued here while carol's node had not taken its part");
        router.route(ALICE, message("g7", "g2")); // the sender resends, as told
        assertNull(handed.take(1, ALICE, n -> n.tag().equals("ack")).get(0).attr("error"));
        assertEquals("g2", handed.take(1, BOB, n -> n.tag().equals("message")).get(0).attr("id"));
        assertEquals(1, offline.depth(BOB), "once");
        assertEquals(List.of("n2 3003/0 message g2"), cluster.receipts);
    }

    @Test
    void copiesOfAMessageThisNodeQueuedBeforeAreTakenAgainWithoutASecondCopy() throws Exception {
        cluster.owners.put(BOB.user(), HERE);
        cluster.owners.put("5005", HERE);
        Address carol = new Address("3003", 0);
        var forBob = new dev.switchboard.api.store.QueuedMessage(0, BOB, carol, "q9", "message", System.currentTimeMillis(),
                "hi".getBytes(StandardCharsets.UTF_8), "g7");
        var forEve = new dev.switchboard.api.store.QueuedMessage(0, new Address("5005", 0), carol, "q9", "message",
                System.currentTimeMillis(), "hi".getBytes(StandardCharsets.UTF_8), "g7");
        router.queue(List.of(forBob, forEve)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(1, offline.depth(BOB));
        assertEquals(1, offline.depth(new Address("5005", 0)), "both accounts of one batch queued, not one taken for the other's repeat");
        router.queue(List.of(forBob, forEve)).toCompletableFuture().get(10, TimeUnit.SECONDS); // the resend's part
        assertEquals(1, offline.depth(BOB), "not twice");
        assertEquals(1, offline.depth(new Address("5005", 0)), "not twice");
    }
}
