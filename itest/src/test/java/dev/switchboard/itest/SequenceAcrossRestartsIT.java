package dev.switchboard.itest;

import static org.junit.Assert.*;

import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.Session;
import dev.switchboard.client.SessionListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * Issue #12's first repro on the exported runtime: a receiver whose {@link Session} stays up while
 * the server restarts (gracefully, then with kill -9) gets every message sent after each restart.
 * Before the fix the server handed out sequence numbers again from the highest one still stored,
 * the client took the new messages for repeats, confirmed them unseen, and they were deleted.
 */
public class SequenceAcrossRestartsIT {

    private static final String SENDER = "15550000401";
    private static final String RECIPIENT = "15550000402";
    private static final int PER_ROUND = 40;

    private RuntimeProcess server;

    @Before
    public void start() throws Exception {
        server = new RuntimeProcess("SequenceAcrossRestartsIT");
        server.addUsers(SENDER, "sender-password", RECIPIENT, "recipient-password");
    }

    @After
    public void stop() throws Exception {
        if (server != null) { // null when it did not start; start's own failure says why
            server.close();
        }
    }

    private String sessions() {
        try {
            return ManagementShell.run(server.socket(), "sb:sessions");
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private Session session(String user, String password, List<String> received) throws Exception {
        return Session.builder("127.0.0.1", server.port).user(user).password(password)
                .backoff(Duration.ofMillis(100), Duration.ofMillis(500)).maxAttempts(200)
                .listener(new SessionListener() {
                    @Override
                    public void message(Node m) {
                        received.add(new String(m.content(), StandardCharsets.UTF_8));
                    }
                }).open();
    }

    @Test
    public void aReceiverThatStaysUpGetsEveryMessageAfterGracefulAndKillNineRestarts() throws Exception {
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        List<String> expected = new ArrayList<>();
        try (Session recipient = session(RECIPIENT, "recipient-password", received)) {
            for (String restart : List.of("none", "graceful", "kill -9", "graceful")) {
                if (restart.equals("graceful")) {
                    server.close();
                    server.start();
                } else if (restart.equals("kill -9")) {
                    server.kill();
                    server.start();
                }
                SwitchboardTestSupport.await("the recipient to be logged in again after restart " + restart,
                        Duration.ofSeconds(60), () -> sessions().contains(RECIPIENT));
                try (Session sender = session(SENDER, "sender-password", new ArrayList<>())) {
                    List<CompletableFuture<Node>> acks = new ArrayList<>();
                    for (int i = 0; i < PER_ROUND; i++) {
                        String text = restart + " #" + i;
                        expected.add(text);
                        acks.add(sender.send(RECIPIENT, text.getBytes(StandardCharsets.UTF_8)));
                    }
                    for (CompletableFuture<Node> ack : acks) {
                        Node a = ack.get(30, TimeUnit.SECONDS);
                        assertNull("acknowledged without error: " + a, a.attr("error"));
                    }
                }
                SwitchboardTestSupport.await("messages after restart " + restart + " (" + received.size() + " of "
                        + expected.size() + ", repeats dropped: " + recipient.connection().repeatsDropped() + ")",
                        Duration.ofSeconds(30), () -> received.size() >= expected.size());
            }
            assertEquals("every message exactly once, in order", expected, received);
            assertEquals("no sequence number was handed out twice", 0, recipient.connection().reusedSeqs());
        }
    }
}
