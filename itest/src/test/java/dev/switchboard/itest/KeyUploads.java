package dev.switchboard.itest;

import dev.switchboard.api.stanza.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Key uploads with made-up bytes: the server stores keys as opaque bytes, so any of the right shape do. */
final class KeyUploads {

    private KeyUploads() {
    }

    static String b64(int n, int seed) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) seed);
        return Base64.getEncoder().encodeToString(b);
    }

    /** A {@code keys op=upload} with an identity key made of {@code identitySeed}, a signed prekey and one-time prekeys. */
    static Node upload(int identitySeed, int firstPreKey, int preKeys) {
        List<Node> children = new ArrayList<>();
        children.add(Node.of("signed", "id", "1", "key", b64(33, 1), "sig", b64(64, 2)));
        for (int i = firstPreKey; i < firstPreKey + preKeys; i++) {
            children.add(Node.of("pre", "id", Integer.toString(i), "key", b64(33, i)));
        }
        return new Node("keys", Map.of("op", "upload", "reg", "99", "identity", b64(33, identitySeed)), children, null);
    }
}
