package dev.switchboard.client.e2e;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signal.libsignal.protocol.SessionBuilder;
import org.signal.libsignal.protocol.SessionCipher;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.message.CiphertextMessage;
import org.signal.libsignal.protocol.message.PreKeySignalMessage;
import org.signal.libsignal.protocol.message.SignalMessage;
import org.signal.libsignal.protocol.state.PreKeyBundle;
import org.signal.libsignal.protocol.state.PreKeyRecord;

/** The file-backed libsignal state: private files, a session that survives reopening, the signed-prekey fallback. */
class ProtocolFilesTest {

    @TempDir
    Path dir;

    private static PreKeyBundle bundle(ProtocolFiles of, int device, PreKeyRecord oneTime) throws Exception {
        var signed = PreKeys.signed(of);
        var kyber = PreKeys.lastResortKyber(of);
        return new PreKeyBundle(of.getLocalRegistrationId(), device,
                oneTime == null ? PreKeyBundle.NULL_PRE_KEY_ID : oneTime.getId(),
                oneTime == null ? null : oneTime.getKeyPair().getPublicKey(),
                signed.getId(), signed.getKeyPair().getPublicKey(), signed.getSignature(), of.getIdentityKeyPair().getPublicKey(),
                kyber.getId(), kyber.getKeyPair().getPublicKey(), kyber.getSignature());
    }

    @Test
    void aSessionStartedFromTheSignedPreKeyAloneSurvivesReopeningAndEveryFileIsPrivate() throws Exception {
        ProtocolFiles alice = ProtocolFiles.open(dir.resolve("alice"));
        ProtocolFiles bob = ProtocolFiles.open(dir.resolve("bob"));
        SignalProtocolAddress bobAddress = new SignalProtocolAddress("2002", 1);
        SignalProtocolAddress aliceAddress = new SignalProtocolAddress("1001", 1);
        new SessionBuilder(alice, bobAddress).process(bundle(bob, 1, null)); // no one-time prekey left
        CiphertextMessage first = new SessionCipher(alice, bobAddress).encrypt("one".getBytes(StandardCharsets.UTF_8));
        assertEquals(CiphertextMessage.PREKEY_TYPE, first.getType());

        ProtocolFiles bobAgain = ProtocolFiles.open(dir.resolve("bob")); // a restart: everything from the files
        assertEquals(bob.getLocalRegistrationId(), bobAgain.getLocalRegistrationId());
        assertEquals("one", new String(new SessionCipher(bobAgain, aliceAddress)
                .decrypt(new PreKeySignalMessage(first.serialize())), StandardCharsets.UTF_8));
        CiphertextMessage reply = new SessionCipher(ProtocolFiles.open(dir.resolve("bob")), aliceAddress)
                .encrypt("two".getBytes(StandardCharsets.UTF_8));
        assertEquals(CiphertextMessage.WHISPER_TYPE, reply.getType());
        assertEquals("two", new String(new SessionCipher(ProtocolFiles.open(dir.resolve("alice")), bobAddress)
                .decrypt(new SignalMessage(reply.serialize())), StandardCharsets.UTF_8));
        assertThrows(Exception.class, () -> new SessionCipher(bobAgain, aliceAddress)
                .decrypt(new PreKeySignalMessage(first.serialize())), "a replay is refused");

        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                if (Files.isRegularFile(p)) {
                    assertEquals("rw-------", mode, p.toString());
                } else if (!p.equals(dir)) {
                    assertFalse(mode.substring(3).contains("r"), p + " is readable by others: " + mode);
                }
            }
        }
    }

    @Test
    void aOneTimePreKeyIsUsedOnceAndIdsAreNeverReused() throws Exception {
        ProtocolFiles bob = ProtocolFiles.open(dir.resolve("bob"));
        var first = PreKeys.oneTime(bob, 3);
        var next = PreKeys.oneTime(bob, 2);
        assertEquals(4, next.get(0).getId(), "ids continue after the last batch");
        ProtocolFiles alice = ProtocolFiles.open(dir.resolve("alice"));
        SignalProtocolAddress bobAddress = new SignalProtocolAddress("2002", 1);
        new SessionBuilder(alice, bobAddress).process(bundle(bob, 1, first.get(0)));
        CiphertextMessage m = new SessionCipher(alice, bobAddress).encrypt(new byte[] {1});
        new SessionCipher(bob, new SignalProtocolAddress("1001", 1)).decrypt(new PreKeySignalMessage(m.serialize()));
        assertFalse(bob.containsPreKey(first.get(0).getId()), "a used one-time prekey is deleted");
        assertTrue(bob.containsPreKey(first.get(1).getId()));
    }

    @Test
    void envelopesAndEncryptedFilesRoundTripAndATamperedBlobIsRefused() throws Exception {
        Envelope media = Envelope.media(new Envelope.Media("ab".repeat(32), 5, "photo.jpg", "image/jpeg", new byte[44], new byte[32]),
                "caption".getBytes(StandardCharsets.UTF_8));
        Envelope read = Envelope.decode(media.encode());
        assertEquals("photo.jpg", read.media().name());
        assertEquals("caption", new String(read.body(), StandardCharsets.UTF_8));
        assertThrows(java.io.IOException.class, () -> Envelope.decode(new byte[] {9, 1}));

        Path plain = Files.writeString(dir.resolve("plain.txt"), "secret ".repeat(1000));
        Path sealed = dir.resolve("sealed.bin");
        MediaCipher.Sealed keys = MediaCipher.encrypt(plain, sealed);
        assertFalse(new String(Files.readAllBytes(sealed), StandardCharsets.ISO_8859_1).contains("secret"));
        Path back = dir.resolve("back.txt");
        MediaCipher.decrypt(sealed, keys.key(), keys.digest(), back);
        assertEquals(Files.readString(plain), Files.readString(back));
        byte[] bytes = Files.readAllBytes(sealed);
        bytes[10] ^= 1;
        Files.write(sealed, bytes);
        assertThrows(java.io.IOException.class, () -> MediaCipher.decrypt(sealed, keys.key(), keys.digest(), dir.resolve("x")));
    }
}
