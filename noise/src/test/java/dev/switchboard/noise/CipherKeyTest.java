package dev.switchboard.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A key's own cipher comes and goes with use; what it seals and opens, and its nonces, do not change. */
class CipherKeyTest {

    private static byte[] key(int seed) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) seed);
        k[0] = 1;
        return k;
    }

    @Test
    void recordsSealedAcrossCoolingOpenInOrderWithTheSameNonces() throws NoiseException {
        CipherKey sender = new CipherKey(key(7));
        CipherKey receiver = new CipherKey(key(7));
        assertFalse(sender.warm(), "no cipher before the first record");
        for (int i = 0; i < 6; i++) {
            byte[] plain = ("record " + i).getBytes(StandardCharsets.UTF_8);
            byte[] sealed = sender.seal(new byte[0], plain);
            assertTrue(sender.warm());
            if (i % 2 == 0) {
                sender.cool(); // as the sweeper does for a quiet connection, between any two records
                receiver.cool();
                assertFalse(sender.warm());
            }
            assertArrayEquals(plain, receiver.open(new byte[0], sealed));
        }
        assertEquals(6, sender.nonce());
        assertEquals(6, receiver.nonce());
    }

    @Test
    void twoKeysUsedInTurnOnOneThreadKeepTheirOwnKeys() throws NoiseException {
        CipherKey a = new CipherKey(key(1));
        CipherKey b = new CipherKey(key(2));
        CipherKey aPeer = new CipherKey(key(1));
        CipherKey bPeer = new CipherKey(key(2));
        for (int i = 0; i < 4; i++) {
            byte[] fromA = a.seal(new byte[0], new byte[] {(byte) i});
            byte[] fromB = b.seal(new byte[0], new byte[] {(byte) (i + 100)});
            assertArrayEquals(new byte[] {(byte) i}, aPeer.open(new byte[0], fromA));
            assertArrayEquals(new byte[] {(byte) (i + 100)}, bPeer.open(new byte[0], fromB));
        }
        byte[] wrongKey = a.seal(new byte[0], new byte[] {9});
        assertThrows(NoiseException.class, () -> bPeer.open(new byte[0], wrongKey));
        assertEquals(4, bPeer.nonce(), "a refused record does not move the nonce");
    }
}
