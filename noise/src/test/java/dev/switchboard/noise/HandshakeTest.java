package dev.switchboard.noise;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HandshakeTest {

    private static final HexFormat HEX = HexFormat.of();

    /** One published vector: its keys and the messages in order. */
    private record Vector(Map<String, String> fields, List<String[]> messages) { }

    private static List<Vector> vectors() throws IOException {
        List<Vector> out = new ArrayList<>();
        try (InputStream in = HandshakeTest.class.getResourceAsStream("/noise-vectors.txt")) {
            Vector v = null;
            String payload = null;
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String key = line.substring(0, line.indexOf('='));
                String value = line.substring(line.indexOf('=') + 1);
                if (key.equals("protocol_name")) {
                    v = new Vector(new LinkedHashMap<>(), new ArrayList<>());
                    out.add(v);
                }
                if (key.equals("payload")) {
                    payload = value;
                } else if (key.equals("ciphertext")) {
                    v.messages.add(new String[] {payload, value});
                } else {
                    v.fields.put(key, value);
                }
            }
        }
        return out;
    }

    @Test
    void thePublishedVectorsForXxAndIkPass() throws Exception {
        List<Vector> all = vectors();
        assertEquals(2, all.size(), "one vector for each of XX and IK");
        for (Vector v : all) {
            Map<String, String> f = v.fields;
            Pattern pattern = f.get("protocol_name").contains("_IK_") ? Pattern.IK : Pattern.XX;
            assertEquals(f.get("protocol_name"), pattern.protocolName());
            byte[] remote = f.containsKey("init_remote_static") ? HEX.parseHex(f.get("init_remote_static")) : null;
            Handshake initiator = new Handshake(pattern, true, KeyPair25519.fromPrivate(HEX.parseHex(f.get("init_static"))),
                    remote, HEX.parseHex(f.get("init_prologue")));
            initiator.ephemeral(KeyPair25519.fromPrivate(HEX.parseHex(f.get("init_ephemeral"))));
            Handshake responder = new Handshake(pattern, false, KeyPair25519.fromPrivate(HEX.parseHex(f.get("resp_static"))),
                    null, HEX.parseHex(f.get("resp_prologue")));
            responder.ephemeral(KeyPair25519.fromPrivate(HEX.parseHex(f.get("resp_ephemeral"))));

            Handshake.Keys ik = null;
            Handshake.Keys rk = null;
            for (int i = 0; i < v.messages.size(); i++) {
                byte[] payload = HEX.parseHex(v.messages.get(i)[0]);
                String expected = v.messages.get(i)[1];
                boolean fromInitiator = i % 2 == 0;
                if (!initiator.complete()) {
                    Handshake writer = fromInitiator ? initiator : responder;
                    Handshake reader = fromInitiator ? responder : initiator;
                    byte[] message = writer.writeMessage(payload);
                    assertEquals(expected, HEX.formatHex(message), pattern + " handshake message " + i);
                    assertArrayEquals(payload, reader.readMessage(message));
                    if (initiator.complete()) {
                        assertTrue(responder.complete());
                        assertEquals(f.get("handshake_hash"), HEX.formatHex(initiator.handshakeHash()));
                        assertEquals(f.get("handshake_hash"), HEX.formatHex(responder.handshakeHash()));
                        ik = initiator.split();
                        rk = responder.split();
                    }
                } else {
                    CipherKey send = fromInitiator ? ik.send() : rk.send();
                    CipherKey receive = fromInitiator ? rk.receive() : ik.receive();
                    ByteBuffer sealed = ByteBuffer.allocate(payload.length + CipherKey.TAG_LENGTH);
                    send.seal(ByteBuffer.wrap(payload), sealed);
                    assertEquals(expected, HEX.formatHex(sealed.array()), pattern + " transport message " + i);
                    ByteBuffer opened = ByteBuffer.allocate(payload.length);
                    receive.open(sealed.flip(), opened);
                    assertArrayEquals(payload, opened.array());
                }
            }
            assertNotNull(ik, pattern + " vector reached transport messages");
        }
    }

    private static Handshake.Keys[] run(Pattern pattern, KeyPair25519 server, byte[] clientBelievesServerKey) throws NoiseException {
        byte[] prologue = {'S', 'E', 1, (byte) pattern.wire};
        Handshake client = new Handshake(pattern, true, KeyPair25519.generate(), clientBelievesServerKey, prologue);
        Handshake srv = new Handshake(pattern, false, server, null, prologue);
        while (!client.complete()) {
            Handshake w = client.writing() ? client : srv;
            Handshake r = w == client ? srv : client;
            r.readMessage(w.writeMessage(new byte[0]));
        }
        assertArrayEquals(server.publicKey(), client.remoteStatic(), "the client ends up knowing the server's key");
        return new Handshake.Keys[] {client.split(), srv.split()};
    }

    @Test
    void aTamperedOrReplayedRecordDoesNotOpen() throws Exception {
        Handshake.Keys[] k = run(Pattern.XX, KeyPair25519.generate(), null);
        ByteBuffer sealed = ByteBuffer.allocate(5 + 16);
        k[0].send().seal(ByteBuffer.wrap("hello".getBytes()), sealed);
        byte[] record = sealed.array();

        byte[] tampered = record.clone();
        tampered[2] ^= 1;
        assertThrows(NoiseException.class, () -> k[1].receive().open(ByteBuffer.wrap(tampered), ByteBuffer.allocate(5)));
        assertEquals(0, k[1].receive().nonce(), "a refused record does not move the nonce");

        ByteBuffer out = ByteBuffer.allocate(5);
        k[1].receive().open(ByteBuffer.wrap(record), out);
        assertEquals("hello", new String(out.array()));
        assertThrows(NoiseException.class, () -> k[1].receive().open(ByteBuffer.wrap(record), ByteBuffer.allocate(5)),
                "the same record again is a replay: the nonce has moved on");
    }

    @Test
    void ikToAnotherServersKeyFailsAtTheServer() throws Exception {
        KeyPair25519 server = KeyPair25519.generate();
        run(Pattern.IK, server, server.publicKey());
        byte[] prologue = {'S', 'E', 1, 2};
        Handshake client = new Handshake(Pattern.IK, true, KeyPair25519.generate(), KeyPair25519.generate().publicKey(), prologue);
        Handshake srv = new Handshake(Pattern.IK, false, server, null, prologue);
        byte[] first = client.writeMessage(new byte[0]);
        assertThrows(NoiseException.class, () -> srv.readMessage(first));
    }

    @Test
    void aDifferentPrologueDoesNotComplete() throws Exception {
        KeyPair25519 server = KeyPair25519.generate();
        Handshake client = new Handshake(Pattern.XX, true, KeyPair25519.generate(), null, new byte[] {'S', 'E', 1, 1});
        Handshake srv = new Handshake(Pattern.XX, false, server, null, new byte[] {'S', 'E', 2, 1});
        srv.readMessage(client.writeMessage(new byte[0]));
        byte[] second = srv.writeMessage(new byte[0]);
        assertThrows(NoiseException.class, () -> client.readMessage(second), "a preamble changed in transit is caught");
    }

    @Test
    void aLowOrderKeyIsRefused() {
        KeyPair25519 mine = KeyPair25519.generate();
        assertThrows(NoiseException.class, () -> mine.agree(new byte[32]));
    }
}
