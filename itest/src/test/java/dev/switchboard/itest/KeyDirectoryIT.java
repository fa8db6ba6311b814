package dev.switchboard.itest;

import static org.junit.Assert.*;

import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.KeyStore;
import dev.switchboard.client.SwitchboardClient;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * Issue #17's key directory over the wire, on the embedded H2: devices upload their public keys,
 * a contact fetches one bundle per device with a one-time prekey each never handed out twice (not
 * across swaps of the keys bundle either), exhaustion falls back to the signed prekey, an unlinked
 * device's keys are gone, and contacts are told of a new identity and of linked and unlinked devices.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KeyDirectoryIT extends SwitchboardTestSupport {

    @Test
    public void bundlesArePerDeviceEachPreKeyOnceAcrossSwapsAndAnUnlinkedDevicesKeysAreGone() throws Exception {
        String a = "15557000001", b = "15557000002";
        register(a);
        register(b);
        service(AccountService.class).linkDevice(new Address(a, 1), password(a));
        try (SwitchboardClient alice = login(a); SwitchboardClient bob = login(b);
             SwitchboardClient alicePhone = SwitchboardClient.connect("127.0.0.1", port)) {
            alicePhone.login(a, 1, password(a));
            assertEquals("30", alice.keys(KeyUploads.upload(5, 1, 30)).attr("count"));
            assertEquals("30", alicePhone.keys(KeyUploads.upload(6, 1, 30)).attr("count"));

            Set<String> handed = new TreeSet<>();
            Bundle keys = bundle("dev.switchboard.keys");
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 5; i++) {
                    Node result = bob.keys(Node.of("keys", "op", "fetch", "user", a));
                    assertEquals(List.of("0", "1"), result.children().stream().map(n -> n.attr("device")).toList());
                    for (Node bundle : result.children()) {
                        assertEquals("99", bundle.attr("reg"));
                        assertTrue("one-time prekey handed out twice: " + bundle,
                                handed.add(bundle.attr("device") + ":" + bundle.attr("pre-id")));
                    }
                }
                keys.update(new ByteArrayInputStream(withVersion(jar("bundles/keys", "keys"), "0.1.0.swap" + round)));
            }
            assertEquals(30, handed.size());
            assertEquals("15", alice.keys(Node.of("keys", "op", "count")).attr("count"));

            // bob knows alice's keys now: a new identity of hers (a reinstall) is news to him
            alice.keys(KeyUploads.upload(7, 100, 1));
            Node told = expect(bob, n -> n.tag().equals("notification") && "keys-change".equals(n.attr("type")));
            assertEquals(a, told.attr("user"));
            assertEquals("identity", told.attr("reason"));
            // and so is a device linked to her account (the device-lifecycle event from auth)
            service(AccountService.class).linkDevice(new Address(a, 2), password(a));
            Node linked = expect(bob, n -> "keys-change".equals(n.attr("type")) && "linked".equals(n.attr("reason")));
            assertEquals(a + "/2", linked.attr("from"));

            String rateLimited = code(() -> {
                for (int i = 0; i < 100; i++) {
                    bob.keys(Node.of("keys", "op", "fetch", "user", a, "device", "1"));
                }
            });
            assertEquals("rate-limited", rateLimited);

            service(AccountService.class).unlinkDevice(new Address(a, 1));
            Node unlinked = expect(bob, n -> "keys-change".equals(n.attr("type")) && "unlinked".equals(n.attr("reason")));
            assertEquals(a + "/1", unlinked.attr("from"));
            assertTrue("an unlinked device's keys are deleted", service(KeyStore.class).deviceKeys(new Address(a, 1)).isEmpty());
            assertArrayEquals(new int[] {0, 0}, service(KeyStore.class).oneTimePreKeyCount(new Address(a, 1)));
            assertEquals("alice's own fetch no longer lists the unlinked device", List.of(),
                    alice.keys(Node.of("keys", "op", "fetch", "user", a)).children());
        }
    }

    /** Auth away for good (not a swap): key requests are answered unavailable, and work again once it is back. */
    @Test
    public void withAuthGoneKeyRequestsAreRefusedNotStuck() throws Exception {
        String c = "15557000003";
        register(c);
        try (SwitchboardClient carol = login(c)) {
            Bundle auth = bundle("dev.switchboard.auth");
            auth.stop();
            try {
                assertEquals("unavailable", code(() -> carol.keys(Node.of("keys", "op", "count"))));
            } finally {
                auth.start();
            }
            assertEquals("0", carol.keys(Node.of("keys", "op", "count")).attr("count"));
        }
    }
}
