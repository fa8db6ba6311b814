package dev.switchboard.itest;

import static org.junit.Assert.*;

import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.ClientException;
import dev.switchboard.client.SwitchboardClient;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Issue #3's account flows through the running bundles, over the wire: register from a client,
 * link a second device, log both in, throttling of wrong passwords, token resume, and unlinking
 * that revokes the device's token and closes its session.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AccountsIT extends SwitchboardTestSupport {

    private SwitchboardClient connect() throws Exception {
        return SwitchboardClient.connect("127.0.0.1", port);
    }

    @Test
    public void registerLinkLoginResumeAndUnlink() throws Exception {
        String user = "15557000001";
        try (SwitchboardClient c = connect()) {
            c.register(user, "primary-password");
            ClientException dup = assertThrows(ClientException.class, () -> c.register(user, "primary-password"));
            assertEquals("duplicate", dup.code());
        }
        String primaryToken;
        String linkedToken;
        try (SwitchboardClient primary = connect()) {
            primary.login(user, 0, "primary-password");
            primary.linkDevice(1, "laptop-password");
            assertEquals(List.of(0, 1), primary.devices());
            primaryToken = primary.token();
            try (SwitchboardClient laptop = connect()) {
                laptop.login(user, 1, "laptop-password");
                linkedToken = laptop.token();
                // both devices are online: a message to the bare user id reaches each of them
                try (SwitchboardClient friend = loginNew("15557000002")) {
                    assertNull(friend.send(user, "hi-both", new byte[] {1}).get(10, TimeUnit.SECONDS).attr("error"));
                    assertEquals("hi-both", primary.incoming().poll(10, TimeUnit.SECONDS).attr("id"));
                    assertEquals("hi-both", laptop.incoming().poll(10, TimeUnit.SECONDS).attr("id"));
                }
                primary.unlinkDevice(1);
                Node closed = laptop.closed().get(10, TimeUnit.SECONDS);
                assertEquals("kicked", closed.attr("code"));
            }
            assertEquals(List.of(0), primary.devices());
        }
        try (SwitchboardClient laptop = connect()) {
            ClientException revoked = assertThrows(ClientException.class, () -> laptop.resume(user, 1, linkedToken));
            assertEquals("token-invalid", revoked.code());
        }
        try (SwitchboardClient primary = connect()) {
            primary.resume(user, 0, primaryToken);
            assertEquals(user, primary.user());
        }
    }

    @Test
    public void wrongPasswordsAreThrottled() throws Exception {
        String user = "15557000010";
        loginNew(user).close();
        for (int i = 0; i < 6; i++) {
            try (SwitchboardClient c = connect()) {
                ClientException e = assertThrows(ClientException.class, () -> c.login(user, 0, "not-the-password"));
                assertTrue(e.code(), e.code().equals("not-authorized") || e.code().equals("throttled"));
            }
        }
        try (SwitchboardClient c = connect()) {
            ClientException e = assertThrows(ClientException.class, () -> c.login(user, 0, password(user)));
            assertEquals("throttled", e.code());
            assertTrue(e.getMessage(), e.getMessage().matches(".*try again in \\d+ s.*"));
        }
    }

    /**
     * Issue #13's lock-out: a stranger guessing a user's password from one address keeps neither
     * the user's phone from resuming, nor the user's correct password from another address, nor
     * another account behind the stranger's address from logging in.
     */
    @Test
    public void aStrangerCannotLockTheOwnerOut() throws Exception {
        String owner = "15557000030", neighbour = "15557000031";
        String token;
        try (SwitchboardClient phone = loginNew(owner)) {
            token = phone.token();
        }
        loginNew(neighbour).close();
        java.net.InetSocketAddress server = new java.net.InetSocketAddress("127.0.0.1", port);
        for (int i = 0; i < 7; i++) { // past the 5 an account may fail from one address
            try (SwitchboardClient stranger = SwitchboardClient.connect(server, new java.net.InetSocketAddress("127.0.0.7", 0))) {
                ClientException e = assertThrows(ClientException.class, () -> stranger.login(owner, 0, "guess-" + stranger.hashCode()));
                assertTrue(e.code(), e.code().equals("not-authorized") || e.code().equals("throttled"));
            }
        }
        // (that the guesser's own address is refused for a while is AuthComponentTest's, with a clock
        // it controls: here the first lock lasts about a second and races the held failures)
        try (SwitchboardClient phone = SwitchboardClient.connect(server, new java.net.InetSocketAddress("127.0.0.8", 0))) {
            phone.resume(owner, 0, token);
            assertEquals("the owner's phone resumes", owner, phone.user());
        }
        try (SwitchboardClient laptop = SwitchboardClient.connect(server, new java.net.InetSocketAddress("127.0.0.9", 0))) {
            laptop.login(owner, 0, password(owner));
            assertEquals("the owner's correct password from elsewhere gets in", owner, laptop.user());
        }
        try (SwitchboardClient nat = SwitchboardClient.connect(server, new java.net.InetSocketAddress("127.0.0.7", 0))) {
            nat.login(neighbour, 0, password(neighbour));
            assertEquals("another account behind the guesser's address gets in", neighbour, nat.user());
        }
    }

    @Test
    public void sixthDeviceIsRefused() throws Exception {
        String user = "15557000020";
        try (SwitchboardClient primary = loginNew(user)) {
            for (int d = 1; d <= 4; d++) {
                primary.linkDevice(d, "device-password-" + d);
            }
            ClientException e = assertThrows(ClientException.class, () -> primary.linkDevice(5, "device-password-5"));
            assertEquals("device-limit", e.code());
            try (SwitchboardClient linked = connect()) {
                linked.login(user, 3, "device-password-3");
                ClientException notPrimary = assertThrows(ClientException.class, () -> linked.linkDevice(6, "x-password"));
                assertEquals("forbidden", notPrimary.code());
            }
        }
    }

    private SwitchboardClient loginNew(String user) throws Exception {
        register(user);
        return login(user);
    }
}
