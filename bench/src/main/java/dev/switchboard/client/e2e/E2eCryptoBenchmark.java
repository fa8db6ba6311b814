package dev.switchboard.client.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.signal.libsignal.protocol.SessionBuilder;
import org.signal.libsignal.protocol.SessionCipher;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.message.CiphertextMessage;
import org.signal.libsignal.protocol.message.PreKeySignalMessage;
import org.signal.libsignal.protocol.message.SignalMessage;
import org.signal.libsignal.protocol.state.PreKeyBundle;

/**
 * The client's CPU per end-to-end encrypted message (issue #17): client-e2e's libsignal session
 * with its state in files ({@link ProtocolFiles}, each session record written whole and moved into
 * place, as a client pays it), for a 64-byte text; {@code store=memory} is libsignal's in-memory
 * store, to show what the files cost. {@code encrypt} is what a sender pays per recipient device;
 * {@code encryptAndDecrypt} adds what that device pays to read it. Single thread, average time per
 * operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class E2eCryptoBenchmark {

    private static final SignalProtocolAddress ALICE = new SignalProtocolAddress("1001", 1);
    private static final SignalProtocolAddress BOB = new SignalProtocolAddress("2002", 1);
    private final byte[] text = Envelope.text(new byte[64]).encode();
    @org.openjdk.jmh.annotations.Param({"files", "memory"})
    public String store;
    private SessionCipher aliceToBob;
    private SessionCipher bobFromAlice;

    @Setup
    public void establish() throws Exception {
        Path dir = Files.createTempDirectory("sb-e2e-bench");
        ProtocolFiles aliceFiles = ProtocolFiles.open(dir.resolve("alice"));
        ProtocolFiles bobFiles = ProtocolFiles.open(dir.resolve("bob"));
        var signed = PreKeys.signed(bobFiles);
        var kyber = PreKeys.lastResortKyber(bobFiles);
        var oneTime = PreKeys.oneTime(bobFiles, 1).get(0);
        org.signal.libsignal.protocol.state.SignalProtocolStore alice = aliceFiles;
        org.signal.libsignal.protocol.state.SignalProtocolStore bob = bobFiles;
        if (store.equals("memory")) {
            var a = new org.signal.libsignal.protocol.state.impl.InMemorySignalProtocolStore(aliceFiles.getIdentityKeyPair(),
                    aliceFiles.getLocalRegistrationId());
            var b = new org.signal.libsignal.protocol.state.impl.InMemorySignalProtocolStore(bobFiles.getIdentityKeyPair(),
                    bobFiles.getLocalRegistrationId());
            b.storeSignedPreKey(signed.getId(), signed);
            b.storeKyberPreKey(kyber.getId(), kyber);
            b.storePreKey(oneTime.getId(), oneTime);
            alice = a;
            bob = b;
        }
        new SessionBuilder(alice, BOB).process(new PreKeyBundle(bob.getLocalRegistrationId(), 1, oneTime.getId(),
                oneTime.getKeyPair().getPublicKey(), signed.getId(), signed.getKeyPair().getPublicKey(), signed.getSignature(),
                bob.getIdentityKeyPair().getPublicKey(), kyber.getId(), kyber.getKeyPair().getPublicKey(), kyber.getSignature()));
        aliceToBob = new SessionCipher(alice, BOB);
        bobFromAlice = new SessionCipher(bob, ALICE);
        CiphertextMessage first = aliceToBob.encrypt(text);
        System.out.println("\nfirst (prekey) message: " + first.serialize().length + " bytes for a " + text.length
                + "-byte envelope");
        bobFromAlice.decrypt(new PreKeySignalMessage(first.serialize()));
        CiphertextMessage reply = bobFromAlice.encrypt(text); // the session is established both ways from here
        aliceToBob.decrypt(new SignalMessage(reply.serialize()));
        System.out.println("message on the session: " + aliceToBob.encrypt(text).serialize().length + " bytes");
    }

    @Benchmark
    public byte[] encrypt() throws Exception {
        return aliceToBob.encrypt(text).serialize();
    }

    @Benchmark
    public byte[] encryptAndDecrypt() throws Exception {
        return bobFromAlice.decrypt(new SignalMessage(aliceToBob.encrypt(text).serialize()));
    }
}
