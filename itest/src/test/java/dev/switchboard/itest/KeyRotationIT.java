package dev.switchboard.itest;

import static org.junit.Assert.*;

import dev.switchboard.client.KnownServers;
import dev.switchboard.client.ServerKeyException;
import dev.switchboard.client.ServerTrust;
import dev.switchboard.client.SwitchboardClient;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.After;
import org.junit.Test;

/**
 * The server's Noise key rotated as docs/PROTOCOL.md §1a says, on the exported runtime: during
 * the overlap a client that knew the old key connects with IK to it and is told the new one, which
 * it pins; after the overlap a client that still knows only the old key is asked to fall back to
 * XX, sees the new key and refuses it, saying how to accept it.
 */
public class KeyRotationIT {

    private static final String ALICE = "15550000801";
    private RuntimeProcess server;

    @After
    public void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private byte[] publicKey() throws Exception {
        return HexFormat.of().parseHex(Files.readString(server.home.resolve("data/noise/server.pub")).trim());
    }

    @Test
    public void aRotationWithOverlapMovesPinnedClientsAndAfterItAnOldPinIsRefused() throws Exception {
        server = new RuntimeProcess("KeyRotationIT");
        server.addUsers(ALICE, "alice-password");
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port);
        String name = "127.0.0.1:" + server.port;
        byte[] oldKey = publicKey();
        KnownServers early = KnownServers.file(server.home.resolve("early-client/known_servers"));
        KnownServers late = KnownServers.file(server.home.resolve("late-client/known_servers"));
        for (KnownServers pins : new KnownServers[] {early, late}) {
            try (SwitchboardClient c = SwitchboardClient.connect(address, null, ServerTrust.firstUse(pins))) {
                c.login(ALICE, 0, "alice-password");
            }
            assertArrayEquals("pinned on first use", oldKey, pins.pinned(name));
        }

        // rotate: the old key becomes previous.key, a new one is generated at the start
        server.close();
        Path noise = server.home.resolve("data/noise");
        Files.move(noise.resolve("server.key"), noise.resolve("previous.key"));
        server.start();
        byte[] newKey = publicKey();
        assertFalse(java.util.Arrays.equals(oldKey, newKey));

        try (SwitchboardClient c = SwitchboardClient.connect(address, null, ServerTrust.firstUse(early))) {
            c.login(ALICE, 0, "alice-password");
        }
        assertArrayEquals("the old key vouched for the new one, and the client pinned it", newKey, early.pinned(name));

        // the overlap ends
        server.close();
        Files.delete(noise.resolve("previous.key"));
        server.start();
        try (SwitchboardClient c = SwitchboardClient.connect(address, null, ServerTrust.firstUse(early))) {
            c.login(ALICE, 0, "alice-password");
            assertTrue("the client that followed the rotation connects with IK to the new key", c.isOpen());
        }
        ServerKeyException refused = assertThrows(ServerKeyException.class,
                () -> SwitchboardClient.connect(address, null, ServerTrust.firstUse(late)));
        assertTrue(refused.getMessage(), refused.getMessage().contains("not the pinned")
                && refused.getMessage().contains(late.where()));
        assertArrayEquals("a refused key is not pinned", oldKey, late.pinned(name));
    }
}
