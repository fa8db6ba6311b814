package dev.switchboard.cluster.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.store.QueuedMessage;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CopyBytesTest {

    @Test
    void copiesComeBackWithEveryFieldButTheSeqWhichTheOwnerGives() throws IOException {
        List<QueuedMessage> copies = List.of(
                new QueuedMessage(9, new Address("1001", 2), new Address("2002", 0), "m1", "message", 1234L, new byte[] {1, 2}, "g7"),
                new QueuedMessage(0, new Address("1001", 0), new Address("2002", 1), "m1", "delivered", 99L, null, null));
        List<QueuedMessage> back = CopyBytes.decode(CopyBytes.encode(copies));
        assertEquals(2, back.size());
        for (int i = 0; i < 2; i++) {
            QueuedMessage a = copies.get(i);
            QueuedMessage b = back.get(i);
            assertEquals(0, b.seq());
            assertEquals(List.of(a.to(), a.from(), a.id(), a.kind(), a.acceptedAtMs(), String.valueOf(a.group())),
                    List.of(b.to(), b.from(), b.id(), b.kind(), b.acceptedAtMs(), String.valueOf(b.group())));
            assertArrayEquals(a.body(), b.body());
        }
    }

    @Test
    void damagedCopiesAreRefused() {
        byte[] good = CopyBytes.encode(List.of(new QueuedMessage(0, new Address("1001", 0), new Address("2002", 0), "m", "message", 1L,
                new byte[] {1, 2, 3}, null)));
        assertThrows(IOException.class, () -> CopyBytes.decode(Arrays.copyOf(good, good.length - 1)));
        assertThrows(IOException.class, () -> CopyBytes.decode(Arrays.copyOf(good, good.length + 3)));
        assertThrows(IOException.class, () -> CopyBytes.decode(new byte[] {(byte) 0xff, 0, 0, 0}));
    }
}
