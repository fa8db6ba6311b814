package dev.switchboard.loadgen;

import java.util.ArrayList;
import java.util.List;

/**
 * What one worker process does, passed on its command line.
 *
 * @param index       worker number, 0-based
 * @param firstUser   index of its first account (accounts are numbered across workers)
 * @param connections how many connections it opens (even, so each has a partner)
 * @param host        server address
 * @param port        server port
 * @param source      local address its connections bind to (spreads ports over 127.0.0.x)
 * @param scenario    what to do
 * @param rate        messages per second this worker offers; 0 = flat out within the window
 * @param window      unacknowledged messages a connection may have when flat out
 * @param seconds     how long the scenario runs after everyone is logged in
 * @param password    the password every load account shares
 * @param salt        the salt every load account shares (base64), so key derivation runs once
 * @param groupSize   members of each group in the groups scenario
 * @param encrypted   Noise on every connection (IK once the worker knows the server's key), or plaintext
 * @param receipts    XMPP only: messages ask for XEP-0184 receipts, recipients answer them, and a
 *                    sender's window closes on the receipt instead of on its partner's arrival
 * @param e2eBytes    1:1 messages in the end-to-end encrypted form ({@code e2e=1}, one {@code enc}
 *                    child of this many bytes), each device uploading keys first; 0 = plain bodies
 */
record WorkerSpec(int index, int firstUser, int connections, String host, int port, String source,
                  Scenario scenario, int rate, int window, int seconds, String password, String salt, int groupSize,
                  boolean encrypted, boolean receipts, int e2eBytes) {

    List<String> toArgs() {
        List<String> a = new ArrayList<>();
        for (Object o : new Object[] {index, firstUser, connections, host, port, source, scenario, rate, window,
                seconds, password, salt, groupSize, encrypted, receipts, e2eBytes}) {
            a.add(String.valueOf(o));
        }
        return a;
    }

    static WorkerSpec fromArgs(String[] a) {
        return new WorkerSpec(Integer.parseInt(a[0]), Integer.parseInt(a[1]), Integer.parseInt(a[2]), a[3],
                Integer.parseInt(a[4]), a[5], Scenario.valueOf(a[6]), Integer.parseInt(a[7]), Integer.parseInt(a[8]),
                Integer.parseInt(a[9]), a[10], a[11], Integer.parseInt(a[12]),
                Boolean.parseBoolean(a[13]), Boolean.parseBoolean(a[14]), Integer.parseInt(a[15]));
    }

    /** The account id of the n-th load account: digits, distinct from ordinary test accounts. */
    static String user(int n) {
        return "1990" + String.format("%07d", n);
    }
}
