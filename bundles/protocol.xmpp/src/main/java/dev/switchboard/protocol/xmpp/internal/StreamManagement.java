package dev.switchboard.protocol.xmpp.internal;

import dev.switchboard.api.protocol.Link;
import dev.switchboard.api.stanza.Node;
import java.util.List;

/**
 * XEP-0198 stream management, mapped onto Switchboard's confirmations: the client's {@code <a h=/>}
 * (how many stanzas it has handled) becomes {@code received upto=} for the queued stanzas among
 * them, so a message leaves the queue only once the client says it has it, as with the binary
 * protocol. Without stream management a written stanza counts as delivered ({@link ServerFrames}).
 *
 * <p>State, in the connection's {@link Link#state}: {@code sm-out} stanzas sent since enabling,
 * {@code sm-in} stanzas handled from the client, and {@code sm-seqs}, the queued stanzas sent but
 * not yet acknowledged as {@code count:seq} pairs (at most the delivery window's worth).
 *
 * <p>Resumption ({@code <enable resume='true'/>}): the stream's id is a random token under
 * {@link Link#RESUMABLE}, so the transport keeps this state when the connection ends. A new
 * connection that logged in as the same device and sends {@code <resume previd= h=/>} takes it over:
 * what the client says it handled of the old stream is confirmed, the rest of the device's queue
 * comes again counted from there, and the server tells how many of the client's stanzas it handled.
 */
final class StreamManagement {

    static final String NS = "urn:xmpp:sm:3";
    static final String ON = "sm";
    private static final String OUT = "sm-out";
    private static final String IN = "sm-in";
    private static final String SEQS = "sm-seqs";

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private StreamManagement() {
    }

    static boolean on(Link link) {
        return link.state(ON) != null;
    }

    /** {@code <enable/>} after binding: on, resumable when the client asks for it. */
    static void enable(Link link, boolean resume) {
        if (on(link)) {
            link.reply(failed("unexpected-request"));
            return;
        }
        link.state(OUT, "0");
        link.state(IN, "0");
        link.state(ON, "1");
        if (!resume) {
            link.reply(Node.of("enabled", "xmlns", NS));
            return;
        }
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        String token = java.util.HexFormat.of().formatHex(id);
        link.state(Link.RESUMABLE, token);
        link.reply(Node.of("enabled", "xmlns", NS, "id", token, "resume", "true", "max", String.valueOf(Link.RESUMABLE_SECONDS)));
    }

    /**
     * A stream taken over: the earlier stream's state, and the seqs of the queued stanzas the client
     * handled there and had not acknowledged yet. They are confirmed one by one, since the earlier
     * connection's cursor (which {@code received upto=} is bounded by) ended with it.
     */
    record Resumed(java.util.Map<String, String> old, List<String> handledSeqs) {
    }

    /**
     * {@code <resume previd= h=/>} after login, instead of binding: takes over the stream the client
     * names when it was this device's and is still kept. What the client handled of it is to be
     * confirmed; what was sent and not handled comes again from the device's queue, counted on from
     * {@code h}, as the client counts (XEP-0198 §5).
     *
     * @return null when there is no such stream (the client was told {@code <failed/>} and may bind
     *         anew), or when {@code h} was refused ({@code tooHigh} told)
     */
    static Resumed resume(Link link, String previd, String h, Runnable tooHigh) {
        if (on(link) || previd == null || previd.isEmpty()) {
            link.reply(failed(on(link) ? "unexpected-request" : "item-not-found"));
            return null;
        }
        java.util.Map<String, String> old = link.takeOver(previd);
        if (old == null || old.get(ON) == null) {
            link.reply(failed("item-not-found"));
            return null;
        }
        long handled;
        try {
            handled = Long.parseLong(h);
        } catch (NumberFormatException e) {
            handled = -1;
        }
        if (handled < 0 || handled > Long.parseLong(old.getOrDefault(OUT, "0"))) {
            tooHigh.run();
            return null;
        }
        List<String> seqs = new java.util.ArrayList<>();
        String pairs = old.get(SEQS);
        if (pairs != null && !pairs.isEmpty()) {
            for (String pair : pairs.split(",")) {
                int colon = pair.indexOf(':');
                if (Long.parseLong(pair.substring(0, colon)) <= handled) {
                    seqs.add(pair.substring(colon + 1));
                }
            }
        }
        link.state(SEQS, null); // what was sent and not handled comes again from the queue, counted anew
        link.state(OUT, String.valueOf(handled));
        link.state(IN, old.getOrDefault(IN, "0"));
        link.state(ON, "1");
        link.state(Link.RESUMABLE, previd);
        return new Resumed(old, seqs);
    }

    /** {@code <resumed previd= h=/>}: how many of the client's stanzas the server handled. */
    static Node resumed(Link link, String previd) {
        return Node.of("resumed", "xmlns", NS, "previd", previd, "h", link.state(IN));
    }

    static Node failed(String condition) {
        return new Node("failed", java.util.Map.of("xmlns", NS), List.of(Xmpp.el(condition, Xmpp.STANZAS)), null);
    }

    /** A stanza (message, presence, iq) from the client was handled. */
    static void handled(Link link) {
        if (on(link)) {
            link.update(IN, v -> Long.toString(Long.parseLong(v) + 1));
        }
    }

    /** The client asks how many of its stanzas were handled. */
    static void request(Link link) {
        link.reply(Node.of("a", "xmlns", NS, "h", link.state(IN) == null ? "0" : link.state(IN)));
    }

    /**
     * Counts the stanzas among the frames about to be written; a queued stanza's seq is remembered
     * under the count of its last frame, and a request for an acknowledgement follows it.
     *
     * @return the frames to write
     */
    static List<Node> sent(Link link, List<Node> frames, String seq) {
        if (!on(link)) {
            return frames;
        }
        int stanzas = 0;
        for (Node f : frames) {
            if (stanza(f.tag())) {
                stanzas++;
            }
        }
        if (stanzas == 0) {
            return frames;
        }
        int add = stanzas;
        String count = link.update(OUT, v -> Long.toString(Long.parseLong(v) + add));
        if (seq == null) {
            return frames;
        }
        link.update(SEQS, v -> v == null || v.isEmpty() ? count + ":" + seq : v + "," + count + ":" + seq);
        List<Node> out = new java.util.ArrayList<>(frames);
        out.add(Node.of("r", "xmlns", NS));
        return out;
    }

    /**
     * The client has handled {@code h} stanzas: the highest seq among them, to confirm; null when
     * none is new. A count above what was sent is refused (null, and {@code tooHigh} told).
     */
    static String acknowledged(Link link, String h, Runnable tooHigh) {
        long handled;
        try {
            handled = Long.parseLong(h);
        } catch (NumberFormatException e) {
            tooHigh.run();
            return null;
        }
        if (handled > Long.parseLong(link.state(OUT) == null ? "0" : link.state(OUT))) {
            tooHigh.run();
            return null;
        }
        String[] upto = new String[1];
        link.update(SEQS, v -> {
            upto[0] = null;
            if (v == null || v.isEmpty()) {
                return v;
            }
            String[] pairs = v.split(",");
            int i = 0;
            for (; i < pairs.length; i++) {
                int colon = pairs[i].indexOf(':');
                if (Long.parseLong(pairs[i].substring(0, colon)) > handled) {
                    break;
                }
                upto[0] = pairs[i].substring(colon + 1);
            }
            return i == pairs.length ? null : String.join(",", java.util.Arrays.copyOfRange(pairs, i, pairs.length));
        });
        return upto[0];
    }

    private static boolean stanza(String tag) {
        return tag.equals("message") || tag.equals("presence") || tag.equals("iq");
    }
}
