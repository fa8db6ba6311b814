package dev.switchboard.noise;

import java.util.Arrays;

/**
 * One side of a Noise handshake ({@link Pattern#XX} or {@link Pattern#IK}, 25519, AESGCM, SHA-256).
 * Messages are exchanged strictly in turn; when {@link #complete()} the pair from {@link #split()}
 * carries the rest of the connection. Used on one thread at a time.
 */
public final class Handshake {

    private final Pattern pattern;
    private final boolean initiator;
    private final SymmetricState symmetric;
    private final KeyPair25519 localStatic;
    private KeyPair25519 localEphemeral;
    private byte[] remoteStatic;
    private byte[] remoteEphemeral;
    private int next;

    /**
     * @param remoteStatic the responder's key for an IK initiator; null otherwise
     * @param prologue     bytes both sides saw before the handshake (the preamble); bound into the hash
     */
    public Handshake(Pattern pattern, boolean initiator, KeyPair25519 localStatic, byte[] remoteStatic, byte[] prologue) {
        this.pattern = pattern;
        this.initiator = initiator;
        this.localStatic = localStatic;
        if (pattern.responderKeyKnown && initiator && remoteStatic == null) {
            throw new IllegalArgumentException(pattern + " needs the responder's static key");
        }
        this.remoteStatic = remoteStatic == null ? null : remoteStatic.clone();
        this.symmetric = new SymmetricState(pattern.protocolName());
        symmetric.mixHash(prologue);
        if (pattern.responderKeyKnown) {
            symmetric.mixHash(initiator ? this.remoteStatic : localStatic.publicKey());
        }
    }

    /** Fixes the ephemeral key instead of a fresh random one: for the published test vectors only. */
    void ephemeral(KeyPair25519 fixed) {
        this.localEphemeral = fixed;
    }

    /** True when it is this side's turn to write. */
    public boolean writing() {
        return !complete() && (next % 2 == 0) == initiator;
    }

    public boolean complete() {
        return next == pattern.messages.length;
    }

    public byte[] writeMessage(byte[] payload) throws NoiseException {
        if (!writing()) {
            throw new IllegalStateException("not this side's turn to write");
        }
        byte[] out = new byte[0];
        for (String token : pattern.messages[next]) {
            switch (token) {
                case "e" -> {
                    if (localEphemeral == null) {
                        localEphemeral = KeyPair25519.generate();
                    }
                    byte[] e = localEphemeral.publicKey();
                    symmetric.mixHash(e);
                    out = concat(out, e);
                }
                case "s" -> out = concat(out, symmetric.encryptAndHash(localStatic.publicKey()));
                default -> mixDh(token);
            }
        }
        next++;
        return concat(out, symmetric.encryptAndHash(payload));
    }

    /** @return the payload the peer sent in this message */
    public byte[] readMessage(byte[] message) throws NoiseException {
        if (complete() || writing()) {
            throw new NoiseException("a handshake message arrived out of turn");
        }
        int at = 0;
        for (String token : pattern.messages[next]) {
            switch (token) {
                case "e" -> {
                    remoteEphemeral = take(message, at, KeyPair25519.LENGTH);
                    at += KeyPair25519.LENGTH;
                    symmetric.mixHash(remoteEphemeral);
                }
                case "s" -> {
                    int len = KeyPair25519.LENGTH + (symmetric.hasKey() ? CipherKey.TAG_LENGTH : 0);
                    remoteStatic = symmetric.decryptAndHash(take(message, at, len));
                    at += len;
                }
                default -> mixDh(token);
            }
        }
        next++;
        return symmetric.decryptAndHash(Arrays.copyOfRange(message, at, message.length));
    }

    private void mixDh(String token) throws NoiseException {
        // the first letter is the initiator's key, the second the responder's
        boolean initiatorEphemeral = token.charAt(0) == 'e';
        boolean responderEphemeral = token.charAt(1) == 'e';
        KeyPair25519 mine = (initiator ? initiatorEphemeral : responderEphemeral) ? localEphemeral : localStatic;
        byte[] theirs = (initiator ? responderEphemeral : initiatorEphemeral) ? remoteEphemeral : remoteStatic;
        if (mine == null || theirs == null) {
            throw new NoiseException("handshake token " + token + " without its keys");
        }
        symmetric.mixKey(mine.agree(theirs));
    }

    /** The peer's static key: known from the start (IK initiator) or learned in the handshake. */
    public byte[] remoteStatic() {
        return remoteStatic == null ? null : remoteStatic.clone();
    }

    public byte[] handshakeHash() {
        return symmetric.handshakeHash();
    }

    /** The transport keys once complete: what this side sends with, and what it receives with. */
    public Keys split() {
        if (!complete()) {
            throw new IllegalStateException("the handshake is not complete");
        }
        CipherKey[] pair = symmetric.split();
        return initiator ? new Keys(pair[0], pair[1]) : new Keys(pair[1], pair[0]);
    }

    /** One connection's two directions. */
    public record Keys(CipherKey send, CipherKey receive) { }

    private static byte[] take(byte[] message, int at, int len) throws NoiseException {
        if (message.length < at + len) {
            throw new NoiseException("a handshake message is too short");
        }
        return Arrays.copyOfRange(message, at, at + len);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
