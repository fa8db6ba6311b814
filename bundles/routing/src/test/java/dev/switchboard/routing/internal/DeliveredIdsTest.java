package dev.switchboard.routing.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.stanza.Address;
import org.junit.jupiter.api.Test;

class DeliveredIdsTest {

    private final Address reader = new Address("2002", 0);
    private final Address sender = new Address("1001", 0);

    @Test
    void onlyWhatTheReaderConfirmedMayBeMarkedRead() {
        DeliveredIds ids = new DeliveredIds(10);
        ids.delivered(reader, sender, "m1");
        assertTrue(ids.wasDelivered(reader, sender, "m1"));
        assertFalse(ids.wasDelivered(reader, sender, "m2"), "an id never delivered");
        assertFalse(ids.wasDelivered(new Address("2002", 1), sender, "m1"), "another device of the reader");
        assertFalse(ids.wasDelivered(reader, new Address("3003", 0), "m1"), "the same id from another sender");
    }

    @Test
    void theOldestAreForgottenAndTheRestSurviveASwap() {
        DeliveredIds ids = new DeliveredIds(40); // two generations of 20
        for (int i = 0; i < 100; i++) {
            ids.delivered(reader, sender, "m" + i);
        }
        assertFalse(ids.wasDelivered(reader, sender, "m0"));
        for (int i = 80; i < 100; i++) {
            assertTrue(ids.wasDelivered(reader, sender, "m" + i), "the most recent half of the capacity is known: m" + i);
        }
        DeliveredIds next = new DeliveredIds(40);
        next.restore(ids.snapshot());
        assertTrue(next.wasDelivered(reader, sender, "m99"), "handed to the next revision as plain longs");
        assertTrue(next.wasDelivered(reader, sender, "m85"));
        assertFalse(next.wasDelivered(reader, sender, "m1"));
    }

    /** Keys handed over by an earlier revision were hashed from the string reader|sender|id: still the same. */
    @Test
    void theKeyIsTheHashOfTheSameTextAsBefore() {
        for (String id : new String[] {"m1", "h\u00e9llo", "emoji-\ud83d\ude00", ""}) {
            Address r = new Address("15551234567", 201);
            long h = 0xcbf29ce484222325L;
            for (byte b : (r + "|" + sender + "|" + id).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                h ^= b & 0xff;
                h *= 0x100000001b3L;
            }
            assertEquals(h, DeliveredIds.key(r, sender, id), id);
        }
    }
}
