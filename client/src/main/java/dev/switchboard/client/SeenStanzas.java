package dev.switchboard.client;

import dev.switchboard.api.stanza.Node;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a device has already received, by queue seq, to drop what the server sends again after a
 * reconnect or a swap. A stanza is a repeat only when its seq was seen with the same kind, id and
 * sender: a seq that comes back with other content means the server reused a number, and dropping
 * it would lose a message, so it is delivered and reported loudly (docs/PROTOCOL.md §6).
 * Shared by the connections of one {@link Session}, so a repeat is recognised across reconnects.
 */
final class SeenStanzas {

    /** The server has at most 64 stanzas unconfirmed per device; this is far more than it can resend. */
    private static final int REMEMBERED = 4096;
    private static final System.Logger LOG = System.getLogger(SeenStanzas.class.getName());

    private final Map<Long, String> recent = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
            return size() > REMEMBERED;
        }
    };
    private long highest;
    private long repeats;
    private long reused;
    private Node lastRepeat;

    /** Records a stanza with a seq. @return true when it is the same stanza as one already received */
    synchronized boolean isRepeat(long seq, Node stanza) {
        String fingerprint = fingerprint(stanza);
        String before = recent.get(seq);
        if (fingerprint.equals(before)) {
            repeats++;
            lastRepeat = stanza;
            return true;
        }
        if (before != null || seq <= highest) {
            reused++;
            LOG.log(Level.ERROR, "Server sent seq {0} again with different content ({1}, was {2}): delivering it;"
                    + " this is a server bug, please report it", seq, fingerprint, before == null ? "not remembered" : before);
        }
        recent.put(seq, fingerprint);
        highest = Math.max(highest, seq);
        return false;
    }

    /** The highest seq received. */
    synchronized long highest() {
        return highest;
    }

    /** For diagnostics: how many repeats were dropped and how many reused numbers were delivered. */
    synchronized String summary() {
        return repeats + (lastRepeat == null ? "" : " (last: " + lastRepeat + ", last seq seen " + highest + ")")
                + (reused == 0 ? "" : "; " + reused + " reused seq delivered");
    }

    /** How many reused numbers (same seq, other content) arrived: 0 unless the server is wrong. */
    synchronized long reused() {
        return reused;
    }

    private static String fingerprint(Node n) {
        return n.tag() + "|" + n.attr("type") + "|" + n.attr("from") + "|" + n.attr("id");
    }
}
