package dev.switchboard.transport.internal;

import static org.junit.jupiter.api.Assertions.*;

import dev.switchboard.api.protocol.Link;
import dev.switchboard.api.stanza.Address;
import java.util.Map;
import org.apache.mina.core.session.DummySession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a resumable connection leaves behind: kept for its own device only, taken once, bounded in time and count. */
class ResumableStatesTest {

    private final SessionRegistry registry = new SessionRegistry();

    @AfterEach
    void stop() {
        registry.deactivate();
    }

    private Connection connection(Address device, String token) {
        Connection c = new Connection(new DummySession(), null);
        c.address = device;
        c.link = new DialectLink(c, registry, x -> { }, null, () -> true);
        c.link.state("sm-out", "7");
        if (token != null) {
            c.link.state(Link.RESUMABLE, token);
        }
        return c;
    }

    @Test
    void keptForItsOwnDeviceAndTakenOnce() {
        ResumableStates kept = new ResumableStates(60_000, 10);
        Address alice = new Address("15550001", 2);
        Connection c = connection(alice, "t1");
        kept.park(c);
        kept.park(c); // ended after it was replaced: parked once
        assertNull(kept.take("t1", new Address("15550001", 3)), "another device of the same account takes nothing");
        assertNull(kept.take("t1", new Address("15550009", 2)), "nor another account");
        assertEquals(Map.of("sm-out", "7", Link.RESUMABLE, "t1"), kept.take("t1", alice));
        assertNull(kept.take("t1", alice), "taken once");
        kept.park(c);
        assertNull(kept.take("t1", alice), "a connection's state is parked once, not again after it was taken");
    }

    @Test
    void notKeptUnlessTheDialectMadeItResumable() {
        ResumableStates kept = new ResumableStates(60_000, 10);
        kept.park(connection(new Address("15550001", 0), null));
        Connection beforeLogin = connection(null, "t2");
        kept.park(beforeLogin);
        assertEquals(0, kept.size());
    }

    @Test
    void expiresAndStaysBounded() {
        ResumableStates brief = new ResumableStates(0, 10); // kept until the moment it was parked: expired at any later look
        Address a = new Address("15550001", 0);
        brief.park(connection(a, "t3"));
        assertNull(brief.take("t3", a), "expired");

        ResumableStates small = new ResumableStates(60_000, 3);
        for (int i = 0; i < 5; i++) {
            small.park(connection(new Address("1555000" + i, 0), "k" + i));
        }
        assertEquals(3, small.size());
        assertNull(small.take("k0", new Address("15550000", 0)), "the oldest went first");
        assertNotNull(small.take("k4", new Address("15550004", 0)));
    }
}
