package dev.switchboard.itest;

import static org.junit.Assert.*;

import dev.switchboard.api.protocol.Decoded;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.ServerKeyException;
import dev.switchboard.client.ServerTrust;
import dev.switchboard.client.SwitchboardClient;
import dev.switchboard.noise.ClientHandshake;
import dev.switchboard.noise.KeyPair25519;
import dev.switchboard.noise.Records;
import dev.switchboard.protocol.binary.wire.BinaryWire;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Issue #15 on the exported runtime with its defaults: every connection is Noise-encrypted, a
 * plaintext one is refused with a clear error, a client refuses a server that proves another key,
 * and a tampered or replayed record closes only the connection that carried it.
 */
public class EncryptionIT {

    private static final String ALICE = "15550000701";
    private static final String BOB = "15550000702";
    private static RuntimeProcess server;

    @BeforeClass
    public static void start() throws Exception {
        server = new RuntimeProcess("EncryptionIT");
        server.addUsers(ALICE, "alice-password", BOB, "bob-password");
    }

    @AfterClass
    public static void stop() throws Exception {
        if (server != null) { // null when it did not start; its own failure says why
            server.close();
        }
    }

    private InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", server.port);
    }

    private byte[] serverKey() throws IOException {
        return HexFormat.of().parseHex(Files.readString(server.home.resolve("data/noise/server.pub")).trim());
    }

    @Test
    public void aPlaintextPreambleIsRefusedWithAClearError() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(address(), 5_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(new BinaryWire().preamble(1));
            Node error = firstFrame(s.getInputStream());
            assertEquals("error", error.tag());
            assertEquals("encryption-required", error.attr("code"));
            assertTrue(error.attr("text"), error.attr("text").contains("Noise"));
            assertEquals("then the server closes", -1, readToEnd(s.getInputStream()));
        }
    }

    @Test
    public void aServerProvingAnotherKeyIsRefusedBeforeAnythingIsSent() throws Exception {
        byte[] someoneElse = KeyPair25519.generate().publicKey();
        ServerKeyException e = assertThrows(ServerKeyException.class,
                () -> SwitchboardClient.connect(address(), null, ServerTrust.pinned(someoneElse)));
        assertTrue(e.getMessage(), e.getMessage().contains("presented Noise key " + KeyPair25519.fingerprint(serverKey())));
        try (SwitchboardClient right = SwitchboardClient.connect(address(), null, ServerTrust.pinned(serverKey()))) {
            right.login(ALICE, 0, "alice-password");
            assertTrue("the right key (IK, one round trip) logs in", right.isOpen());
        }
    }

    @Test
    public void aTamperedRecordClosesOnlyItsConnection() throws Exception {
        checkOneBadRecordClosesOnlyItself(false);
    }

    @Test
    public void aReplayedRecordClosesOnlyItsConnection() throws Exception {
        checkOneBadRecordClosesOnlyItself(true);
    }

    private void checkOneBadRecordClosesOnlyItself(boolean replay) throws Exception {
        try (SwitchboardClient alice = SwitchboardClient.connect(address(), null, ServerTrust.pinned(serverKey()));
             SwitchboardClient bob = SwitchboardClient.connect(address(), null, ServerTrust.pinned(serverKey()));
             Socket raw = new Socket()) {
            alice.login(ALICE, 0, "alice-password");
            bob.login(BOB, 0, "bob-password");

            raw.connect(address(), 5_000);
            raw.setSoTimeout(10_000);
            InputStream in = raw.getInputStream();
            OutputStream out = raw.getOutputStream();
            ClientHandshake.Result r = ClientHandshake.run(in, out, 1, serverKey());
            ByteBuffer record = ByteBuffer.allocate(Records.sealedSize(3));
            Records.seal(r.keys().send(), ByteBuffer.wrap(new BinaryWire().preamble(1)), record);
            byte[] bytes = java.util.Arrays.copyOf(record.array(), record.position());
            if (replay) {
                out.write(bytes); // valid once
                out.write(bytes); // the same record again: its nonce is spent
            } else {
                bytes[bytes.length - 1] ^= 0x01; // one bit of the tag
                out.write(bytes);
            }
            out.flush();
            assertEquals("the server closes the connection that carried it", -1, readToEnd(in));

            String id = replay ? "after-replay" : "after-tamper"; // one id per test: the server drops a resent id
            assertNull(alice.send(BOB, id, "hi".getBytes()).get(10, TimeUnit.SECONDS).attr("error"));
            Node m = bob.incoming().poll(10, TimeUnit.SECONDS);
            while (m != null && !"message".equals(m.tag())) {
                m = bob.incoming().poll(10, TimeUnit.SECONDS);
            }
            assertNotNull("the other connections carry on", m);
            assertEquals(id, m.attr("id"));
        }
    }

    private static Node firstFrame(InputStream in) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(4096);
        DataInputStream data = new DataInputStream(in);
        while (true) {
            buf.put((byte) data.readUnsignedByte());
            Decoded d = new BinaryWire().decode(buf.duplicate().flip(), 1, 4096);
            if (d instanceof Decoded.Frame f) {
                return f.node();
            }
            assertFalse("a plaintext error frame, not " + d, d instanceof Decoded.Error);
        }
    }

    /** Reads until the server closes; @return -1 then (a read timeout fails the test instead). */
    private static int readToEnd(InputStream in) throws IOException {
        byte[] sink = new byte[4096];
        int n;
        try {
            while ((n = in.read(sink)) >= 0) {
                // what the server sent before closing (its error, sealed) is not this test's concern
            }
        } catch (java.net.SocketException reset) {
            return -1; // closed with a reset: closed all the same
        }
        return n;
    }
}
