package dev.switchboard.itest;

import static org.junit.Assert.*;

import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.SwitchboardClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * Issue #17's fan-out check in the running server: an encrypted message must carry one ciphertext
 * per device with keys of the recipient and of the sender's other devices; each device is queued
 * only its own; a device that uploads keys or is unlinked changes what the next send must cover at
 * once; a group message is one sender-key ciphertext for every member device with keys; and ten
 * swaps of the keys bundle under encrypted traffic lose nothing.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EncryptedMessagingIT extends SwitchboardTestSupport {

    private static Node enc(String device, String ciphertext) {
        return Node.withContent("enc", ciphertext.getBytes(StandardCharsets.UTF_8), "device", device, "type", "msg");
    }

    private static Node encrypted(String to, String id, List<String> devices) {
        List<Node> children = new ArrayList<>();
        for (String d : devices) {
            children.add(enc(d, id + " for " + d));
        }
        return new Node("message", Map.of("to", to, "id", id, "e2e", "1"), children, null);
    }

    private SwitchboardClient device(String user, int device) throws Exception {
        SwitchboardClient c = SwitchboardClient.connect("127.0.0.1", port);
        c.login(user, device, password(user));
        return c;
    }

    private Node received(SwitchboardClient client, String id) throws InterruptedException {
        return expect(client, n -> n.tag().equals("message") && id.equals(n.attr("id")));
    }

    @Test
    public void eachKeyedDeviceGetsItsOwnCiphertextAndDeviceChangesCountAtTheNextSend() throws Exception {
        String a = "15558000001", b = "15558000002";
        register(a);
        register(b);
        AccountService accounts = service(AccountService.class);
        accounts.linkDevice(new Address(a, 1), password(a));
        accounts.linkDevice(new Address(b, 1), password(b));
        accounts.linkDevice(new Address(b, 2), password(b));
        try (SwitchboardClient alice = login(a); SwitchboardClient aliceLaptop = device(a, 1);
             SwitchboardClient bob = login(b); SwitchboardClient bobPhone = device(b, 1); SwitchboardClient bobTablet = device(b, 2)) {
            for (SwitchboardClient c : List.of(alice, aliceLaptop, bob, bobPhone)) {
                c.keys(KeyUploads.upload(5, 1, 3));
            }
            List<String> covered = List.of(b + "/0", b + "/1", a + "/1");
            assertNull(alice.sendMessage(encrypted(b, "e1", covered)).get(30, TimeUnit.SECONDS).attr("error"));
            Node atBob = received(bob, "e1");
            assertEquals("e1 for " + b + "/0", new String(atBob.content(), StandardCharsets.UTF_8));
            assertEquals("1", atBob.attr("e2e"));
            assertEquals("msg", atBob.attr("type"));
            assertEquals("e1 for " + b + "/1", new String(received(bobPhone, "e1").content(), StandardCharsets.UTF_8));
            Node atLaptop = received(aliceLaptop, "e1");
            assertEquals(b, atLaptop.attr("to"));
            assertEquals("e1 for " + a + "/1", new String(atLaptop.content(), StandardCharsets.UTF_8));
            expect(alice, n -> n.tag().equals("receipt") && "e1".equals(n.attr("id")) && (b + "/0").equals(n.attr("from")));

            // bob's tablet uploads keys: the very next send must cover it (the keys bundle's cache is told)
            bobTablet.keys(KeyUploads.upload(6, 1, 3));
            Node refused = alice.sendMessage(encrypted(b, "e2", covered)).get(30, TimeUnit.SECONDS);
            assertEquals("mismatched-devices", refused.attr("error"));
            assertEquals(b + "/2", refused.attr("missing"));
            List<String> withTablet = List.of(b + "/0", b + "/1", b + "/2", a + "/1");
            assertNull(alice.sendMessage(encrypted(b, "e2", withTablet)).get(30, TimeUnit.SECONDS).attr("error"));
            assertEquals("e2 for " + b + "/2", new String(received(bobTablet, "e2").content(), StandardCharsets.UTF_8));

            // an unlinked device (the device-lifecycle event) is one too many at once
            accounts.unlinkDevice(new Address(b, 1));
            Node extra = alice.sendMessage(encrypted(b, "e3", withTablet)).get(30, TimeUnit.SECONDS);
            assertEquals("mismatched-devices", extra.attr("error"));
            assertEquals(b + "/1", extra.attr("extra"));
            assertNull(extra.attr("missing"));

            // a group message: one sender-key ciphertext, to each member device with keys
            String g = alice.createGroup("Encrypted", List.of(b));
            byte[] skmsg = "one sender-key ciphertext".getBytes(StandardCharsets.UTF_8);
            Node ack = alice.sendMessage(new Node("message", Map.of("to", g, "id", "g1", "e2e", "1", "type", "skmsg"), List.of(), skmsg))
                    .get(30, TimeUnit.SECONDS);
            assertNull(ack.attr("text"), ack.attr("error"));
            for (SwitchboardClient member : List.of(bob, bobTablet, aliceLaptop)) {
                Node copy = received(member, "g1");
                assertArrayEquals(skmsg, copy.content());
                assertEquals("skmsg", copy.attr("type"));
                assertEquals(g, copy.attr("group"));
            }
        }
    }

    @Test
    public void tenSwapsOfTheKeysBundleUnderEncryptedTrafficLoseNothing() throws Exception {
        String c = "15558000003", d = "15558000004";
        register(c);
        register(d);
        int total = 300;
        try (SwitchboardClient carol = login(c); SwitchboardClient dave = login(d)) {
            dave.keys(KeyUploads.upload(7, 1, 3));
            java.util.concurrent.atomic.AtomicInteger acked = new java.util.concurrent.atomic.AtomicInteger();
            CompletableFuture<List<String>> errors = CompletableFuture.supplyAsync(() -> {
                List<String> failed = new ArrayList<>();
                try {
                    List<CompletableFuture<Node>> window = new ArrayList<>();
                    for (int i = 0; i < total; i++) {
                        window.add(carol.sendMessage(encrypted(d, "s" + i, List.of(d + "/0"))));
                        if (window.size() == 16 || i == total - 1) {
                            for (CompletableFuture<Node> ack : window) {
                                Node n = ack.get(60, TimeUnit.SECONDS);
                                if (n.attr("error") != null) {
                                    failed.add(n.attr("id") + ": " + n.attr("error"));
                                }
                                acked.incrementAndGet();
                            }
                            window.clear();
                        }
                    }
                } catch (Exception e) {
                    failed.add(e.toString());
                }
                return failed;
            });
            Bundle keys = bundle("dev.switchboard.keys");
            for (int swap = 0; swap < 10; swap++) {
                int before = swap * total / 12; // each swap lands while messages are still being sent
                await("acks before swap " + swap, Duration.ofSeconds(60), () -> acked.get() >= before || errors.isDone());
                keys.update(new ByteArrayInputStream(withVersion(jar("bundles/keys", "keys"), "0.1.0.e2e" + swap)));
            }
            assertEquals(List.of(), errors.get(120, TimeUnit.SECONDS));
            Set<String> ids = new TreeSet<>();
            List<String> repeated = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (ids.size() < total && System.nanoTime() < deadline) {
                Node n = dave.incoming().poll(100, TimeUnit.MILLISECONDS);
                if (n != null && n.tag().equals("message") && !ids.add(n.attr("id"))) {
                    repeated.add(n.attr("id"));
                }
            }
            assertEquals("every acknowledged encrypted message arrived", total, ids.size());
            assertEquals("none twice", List.of(), repeated);
        }
    }
}
