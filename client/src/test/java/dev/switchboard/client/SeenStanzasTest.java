package dev.switchboard.client;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.stanza.Node;
import org.junit.jupiter.api.Test;

class SeenStanzasTest {

    private static Node message(String id, long seq) {
        return Node.of("message", "from", "15550001/0", "id", id, "seq", String.valueOf(seq));
    }

    @Test
    void theSameStanzaAgainIsARepeat() {
        SeenStanzas seen = new SeenStanzas();
        assertFalse(seen.isRepeat(7, message("a", 7)));
        assertTrue(seen.isRepeat(7, message("a", 7)), "resent after a reconnect: dropped");
        assertEquals(0, seen.reused());
    }

    @Test
    void aReusedSeqWithOtherContentIsDeliveredNotDropped() {
        SeenStanzas seen = new SeenStanzas();
        assertFalse(seen.isRepeat(46, message("old", 46)));
        assertFalse(seen.isRepeat(1052, message("newest", 1052)));
        assertFalse(seen.isRepeat(46, message("after-restart", 46)), "a server that reused 46 must not cost a message");
        assertFalse(seen.isRepeat(47, message("after-restart-2", 47)), "below the highest, unknown: delivered");
        assertEquals(2, seen.reused());
        assertFalse(seen.isRepeat(46, Node.of("receipt", "type", "delivered", "from", "15550001/0", "id", "after-restart",
                "seq", "46")), "a receipt is not the message of the same id");
    }

    @Test
    void theSameMessageUnderANewSeqIsAResendNotANewMessage() {
        SeenStanzas seen = new SeenStanzas();
        assertFalse(seen.isRepeat(10, message("m1", 10)));
        assertTrue(seen.isRepeat(20_001, message("m1", 20_001)), "resent after a server crash, queued again: dropped");
        assertFalse(seen.isRepeat(20_002, message("m2", 20_002)));
        assertEquals(0, seen.reused());
        assertFalse(seen.isRepeat(20_003, Node.of("notification", "type", "group-add", "from", "15550001/0", "id", "group-add",
                "seq", "20003")));
        assertFalse(seen.isRepeat(20_004, Node.of("notification", "type", "group-add", "from", "15550001/0", "id", "group-add",
                "seq", "20004")), "notifications share ids; only messages are matched by id");
    }
}
