package dev.switchboard.client;

import dev.switchboard.noise.KeyPair25519;
import java.util.Arrays;

/**
 * Which Noise key a client accepts from a server (docs/PROTOCOL.md §1a). The server proves in the
 * handshake that it holds the key; this decides whether that key is the right one.
 */
public abstract class ServerTrust {

    ServerTrust() {
    }

    /** The key to expect (the handshake is then IK, one round trip), or null when none is known yet. */
    abstract byte[] expected(String server);

    /**
     * Accepts or refuses the key the server proved it holds.
     *
     * @param nextKey a key the server announced, under the proof of the old one, as replacing it
     */
    abstract void verify(String server, byte[] key, byte[] nextKey) throws ServerKeyException;

    /** False for {@link #plaintext()}: the connection is not encrypted at all. */
    boolean encrypted() {
        return true;
    }

    /** Trust on first use: the first key a server presents is pinned in {@code pins}; a different one later is refused. */
    public static ServerTrust firstUse(KnownServers pins) {
        return new ServerTrust() {
            @Override
            byte[] expected(String server) {
                return pins.pinned(server);
            }

            @Override
            void verify(String server, byte[] key, byte[] nextKey) throws ServerKeyException {
                byte[] pinned = pins.pinned(server);
                if (pinned == null) {
                    pins.pin(server, key);
                } else if (!Arrays.equals(pinned, key)) {
                    throw changed(server, key, pinned, pins.howToForget(server));
                } else if (nextKey != null) {
                    pins.pin(server, nextKey); // rotation: the old key vouched for the new one
                }
            }
        };
    }

    /** Only this key (given in configuration, e.g. the hex of the server's data/noise/server.pub). */
    public static ServerTrust pinned(byte[] key) {
        byte[] mine = key.clone();
        return new ServerTrust() {
            @Override
            byte[] expected(String server) {
                return mine.clone();
            }

            @Override
            void verify(String server, byte[] presented, byte[] nextKey) throws ServerKeyException {
                if (!Arrays.equals(mine, presented)) {
                    throw changed(server, presented, mine, "configure the new key if the server's key really changed");
                }
            }
        };
    }

    /** No encryption: only a server configured with {@code encryption=none} (loopback only) accepts this. */
    public static ServerTrust plaintext() {
        return new ServerTrust() {
            @Override
            byte[] expected(String server) {
                return null;
            }

            @Override
            void verify(String server, byte[] key, byte[] nextKey) {
            }

            @Override
            boolean encrypted() {
                return false;
            }
        };
    }

    private static ServerKeyException changed(String server, byte[] presented, byte[] pinned, String howToAccept) {
        return new ServerKeyException("server " + server + " presented Noise key "
                + KeyPair25519.fingerprint(presented) + ", not the pinned " + KeyPair25519.fingerprint(pinned)
                + ": someone may be between you and the server. If the key really changed (the operator can confirm"
                + " the fingerprint sb:status shows), " + howToAccept);
    }
}
