package dev.switchboard.routing.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CarbonsTest {

    private static final Address ALICE_PHONE = new Address("1001", 0);
    private static final Address ALICE_LAPTOP = new Address("1001", 1);
    private static final Address BOB_PHONE = new Address("2002", 0);
    private static final Address BOB_LAPTOP = new Address("2002", 1);

    private final OnlineDirectory directory = new OnlineDirectory(ALICE_PHONE, ALICE_LAPTOP, BOB_PHONE, BOB_LAPTOP);
    private final Carbons carbons = new Carbons(directory);

    @Test
    void theSendersOtherDevicesSeeWhatItSent() {
        Node m = Node.withContent("message", "hi".getBytes(StandardCharsets.UTF_8), "to", "2002", "id", "m1");
        carbons.copy(ALICE_PHONE, m);
        Node copy = directory.to(ALICE_LAPTOP).get(0);
        assertEquals(List.of("carbon", "sent", "1001/0", "2002", "m1"),
                List.of(copy.tag(), copy.attr("direction"), copy.attr("from"), copy.attr("to"), copy.attr("id")));
        assertEquals("hi", new String(copy.content(), StandardCharsets.UTF_8));
        assertEquals(List.of(), directory.to(ALICE_PHONE), "not back to the sending device");
        assertEquals(List.of(), directory.to(BOB_LAPTOP), "a message to the account reaches all its devices anyway");
    }

    @Test
    void aMessageToOneDeviceIsSeenByTheAccountsOthers() {
        carbons.copy(ALICE_PHONE, Node.of("message", "to", "2002/0", "id", "m2"));
        assertEquals("received", directory.to(BOB_LAPTOP).get(0).attr("direction"));
        assertEquals(List.of(), directory.to(BOB_PHONE), "the addressed device gets the message itself");
    }

    @Test
    void aPrivateMessageIsNotCopied() {
        carbons.copy(ALICE_PHONE, Node.of("message", "to", "2002/0", "id", "m3", "private", "1"));
        assertEquals(List.of(), directory.sent);
    }
}
