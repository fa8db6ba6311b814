package dev.switchboard.client;

import dev.switchboard.api.stanza.Node;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a device has already received, by queue seq, to drop what the server sends again after a
 * reconnect or a swap. A stanza is a repeat when its seq was seen with the same kind, id and
 * sender, or when it is a message whose sender and id were seen under another seq (its sender
 * resent it after a server crash); a seq that comes back with other content means the server
 * reused a number, and dropping it would lose a message, so it is delivered and reported loudly
 * (docs/PROTOCOL.md §6).
 * Shared by the connections of one {@link Session}, so a repeat is recognised across reconnects;
 * an app that opens a new {@code Session} for the same device (after a restart of the app, say)
 * passes the old one's with {@link Session.Builder#seen} so nothing it already showed comes twice.
 */
public final class SeenStanzas {

    /** An empty record, for a device that has received nothing yet. */
    public SeenStanzas() {
    }

    /** The server has at most 64 stanzas unconfirmed per device; this is far more than it can resend. */
    private static final int REMEMBERED = 4096;
    private static final System.Logger LOG = System.getLogger(SeenStanzas.class.getName());

    private final Map<Long, String> recent = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
            return size() > REMEMBERED;
        }
    };
    /** Recent messages by sender and id (a message id is unique per sending device). */
    private final Map<String, Long> messages = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > REMEMBERED;
        }
    };
    private long highest;
    private long resent;
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
        if ("message".equals(stanza.tag()) && before == null && messages.containsKey(fingerprint)) {
            // the same message (sender and id) under a new seq: its sender resent it after a crash of
            // the server cut off the ack, and the server could not know it had it already
            messages.put(fingerprint, seq);
            resent++;
            lastRepeat = stanza;
            return true;
        }
        if ("message".equals(stanza.tag())) {
            messages.put(fingerprint, seq);
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
                + (resent == 0 ? "" : "; " + resent + " resent messages dropped")
                + (reused == 0 ? "" : "; " + reused + " reused seq delivered");
    }

    /** How many messages came again under a new seq (resent after a server crash) and were dropped. */
    public synchronized long resent() {
        return resent;
    }

    /** How many reused numbers (same seq, other content) arrived: 0 unless the server is wrong. */
    public synchronized long reused() {
        return reused;
    }

    private static String fingerprint(Node n) {
        return n.tag() + "|" + n.attr("type") + "|" + n.attr("from") + "|" + n.attr("id");
    }
}
