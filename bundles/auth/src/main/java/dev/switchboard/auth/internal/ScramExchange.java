package dev.switchboard.auth.internal;

import dev.switchboard.api.store.StoredCredential;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The server side of one SCRAM-SHA-256 exchange (RFC 5802 §5), as two pure steps. What the second
 * step needs from the first is returned as plain strings for the transport to keep, so the
 * authenticator holding none of it can be swapped mid-login.
 */
final class ScramExchange {

    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private ScramExchange() {
    }

    /** Thrown for a malformed SCRAM message; the login fails with {@code malformed}. */
    static final class BadMessage extends Exception {
        private static final long serialVersionUID = 1L;

        BadMessage(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Answers the client-first message {@code n,,n=name,r=nonce}. A GS2 header of {@code y,,} (the
     * client could bind to the channel but thinks the server cannot: XMPP clients under TLS say so,
     * and this server offers no -PLUS mechanism) is as good as {@code n,,}; the client-final then
     * echoes it as {@code c=eSws}.
     *
     * @return the state for {@link #finish}; key {@code server-first} is the reply
     */
    static Map<String, String> start(String clientFirst, StoredCredential credential) throws BadMessage {
        return start(clientFirst, credential, B64.encodeToString(Scram.random(18)));
    }

    /** As {@link #start(String, StoredCredential)} with a given server nonce part (for test vectors). */
    static Map<String, String> start(String clientFirst, StoredCredential credential, String serverNonce)
            throws BadMessage {
        if (clientFirst == null || !(clientFirst.startsWith("n,,") || clientFirst.startsWith("y,,"))) {
            throw new BadMessage("client-first must start with 'n,,' or 'y,,' (no channel binding)");
        }
        String bare = clientFirst.substring(3);
        Map<String, String> fields = fields(bare);
        String clientNonce = fields.get("r");
        if (fields.get("n") == null || clientNonce == null || clientNonce.length() < 8 || clientNonce.length() > 128) {
            throw new BadMessage("client-first needs n= and an r= nonce of 8-128 characters");
        }
        String nonce = clientNonce + serverNonce;
        String serverFirst = "r=" + nonce + ",s=" + B64.encodeToString(credential.salt()) + ",i=" + credential.iterations();
        Map<String, String> state = new HashMap<>();
        state.put("client-first-bare", bare);
        state.put("server-first", serverFirst);
        state.put("nonce", nonce);
        state.put("gs2", B64.encodeToString(clientFirst.substring(0, 3).getBytes(StandardCharsets.US_ASCII)));
        return state;
    }

    /**
     * Checks the client-final message {@code c=biws,r=nonce,p=proof}.
     *
     * @return the server-final message {@code v=signature}, or null when the proof is wrong
     */
    static String finish(Map<String, String> state, String clientFinal, StoredCredential credential) throws BadMessage {
        if (clientFinal == null) {
            throw new BadMessage("missing client-final message");
        }
        int proofAt = clientFinal.lastIndexOf(",p=");
        if (proofAt < 0) {
            throw new BadMessage("client-final has no proof");
        }
        String withoutProof = clientFinal.substring(0, proofAt);
        Map<String, String> fields = fields(withoutProof);
        String gs2 = state.getOrDefault("gs2", "biws"); // a state from before "gs2" was kept: n,,
        if (!gs2.equals(fields.get("c")) || !state.get("nonce").equals(fields.get("r"))) {
            throw new BadMessage("client-final must echo c=" + gs2 + " and the server's nonce");
        }
        byte[] proof;
        try {
            proof = B64D.decode(clientFinal.substring(proofAt + 3));
        } catch (IllegalArgumentException e) {
            throw new BadMessage("proof is not base64");
        }
        if (proof.length != Scram.KEY_BYTES) {
            throw new BadMessage("proof must be " + Scram.KEY_BYTES + " bytes");
        }
        byte[] authMessage = (state.get("client-first-bare") + "," + state.get("server-first") + "," + withoutProof)
                .getBytes(StandardCharsets.UTF_8);
        byte[] clientKey = Scram.xor(proof, Scram.hmac(credential.storedKey(), authMessage));
        if (!MessageDigest.isEqual(Scram.sha256(clientKey), credential.storedKey())) {
            return null;
        }
        return "v=" + B64.encodeToString(Scram.hmac(credential.serverKey(), authMessage));
    }

    private static Map<String, String> fields(String message) throws BadMessage {
        Map<String, String> out = new HashMap<>();
        for (String part : message.split(",")) {
            if (part.length() < 2 || part.charAt(1) != '=') {
                throw new BadMessage("bad SCRAM attribute '" + part + "'");
            }
            out.putIfAbsent(part.substring(0, 1), part.substring(2));
        }
        return out;
    }
}
