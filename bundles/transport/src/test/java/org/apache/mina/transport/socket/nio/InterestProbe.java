package org.apache.mina.transport.socket.nio;

import java.nio.channels.SelectionKey;
import org.apache.mina.core.session.IoSession;

/** Test-only look at a session's selector interest set (MINA keeps the key package-private). */
public final class InterestProbe {

    private InterestProbe() {
    }

    /** Whether the selector is asked to report the session readable. */
    public static boolean readInterest(IoSession session) {
        SelectionKey key = ((NioSession) session).getSelectionKey();
        return key != null && key.isValid() && (key.interestOps() & SelectionKey.OP_READ) != 0;
    }
}
