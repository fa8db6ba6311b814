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
        DeliveredIds ids = new DeliveredIds(3);
        for (int i = 0; i < 5; i++) {
            ids.delivered(reader, sender, "m" + i);
        }
        assertFalse(ids.wasDelivered(reader, sender, "m0"));
        assertTrue(ids.wasDelivered(reader, sender, "m4"));
        DeliveredIds next = new DeliveredIds(3);
        next.restore(ids.snapshot());
        assertTrue(next.wasDelivered(reader, sender, "m2"), "handed to the next revision as plain longs");
        assertFalse(next.wasDelivered(reader, sender, "m1"));
    }
}
