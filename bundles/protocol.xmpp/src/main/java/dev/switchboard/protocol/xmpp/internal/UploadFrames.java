package dev.switchboard.protocol.xmpp.internal;

import static dev.switchboard.protocol.xmpp.internal.Xmpp.*;

import dev.switchboard.api.protocol.Link;
import dev.switchboard.api.stanza.Node;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * XEP-0363 HTTP upload over Switchboard's media (docs/XMPP.md, "Files"): a slot request becomes
 * {@code media op=token}; the answer becomes a slot whose PUT URL carries the token in its
 * Authorization header and whose GET URL is the same upload slot, which the media endpoint serves
 * to whoever holds the URL (docs/PROTOCOL.md §8c).
 */
final class UploadFrames {

    static final String NS = "urn:xmpp:http:upload:0";
    private static final String KIND = "upload:";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jids jids;

    UploadFrames(Jids jids) {
        this.jids = jids;
    }

    /** A slot request (§5) to the server. */
    List<Node> request(Node iq, Node request, Link link) {
        String name = request.attr("filename");
        long size;
        try {
            size = Long.parseLong(String.valueOf(request.attr("size")));
        } catch (NumberFormatException e) {
            size = -1;
        }
        if (!"get".equals(iq.attr("type")) || name == null || name.isEmpty() || name.length() > 255 || name.contains("/")
                || name.contains("\\") || size <= 0) {
            link.reply(stanzaError(iq, jids.domain(), "modify", "bad-request")); // a file name and a positive size
            return List.of();
        }
        String id = iq.attr("id") == null ? "" : iq.attr("id");
        return List.of(Node.of("media", "op", "token", "id", Pending.put(link, KIND + size + "/" + id + "\n" + name)));
    }

    static boolean answers(String what) {
        return what.startsWith(KIND);
    }

    /** The media bundle's token, as the slot for the file asked about ({@code what}: its {@link Pending} entry). */
    List<Node> answer(Node result, String what, Link link) {
        int slash = what.indexOf('/');
        int newline = what.indexOf('\n');
        long size = Long.parseLong(what.substring(KIND.length(), slash));
        String id = what.substring(slash + 1, newline);
        String name = what.substring(newline + 1);
        Map<String, String> a = new LinkedHashMap<>();
        a.put("from", jids.domain());
        a.put("to", jids.full(link.address()));
        a.put("id", id);
        if (result.attr("error") != null || result.attr("token") == null || result.attr("url") == null) {
            a.put("type", "error");
            return List.of(new Node("iq", a, List.of(RosterFrames.error(String.valueOf(result.attr("error")))), null));
        }
        long max = parse(result.attr("max"));
        if (max > 0 && size > max) {
            a.put("type", "error");
            Node tooLarge = new Node("file-too-large", Map.of("xmlns", NS), List.of(Xmpp.text("max-file-size", Long.toString(max))), null);
            Node error = new Node("error", Map.of("type", "modify"), List.of(el("not-acceptable", STANZAS), tooLarge), null);
            return List.of(new Node("iq", a, List.of(error), null));
        }
        byte[] secret = new byte[18];
        RANDOM.nextBytes(secret); // 144 bits: the GET URL is the capability
        String url = result.attr("url") + "/slot/" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret) + "/"
                + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        Node header = Xmpp.text("header", "Bearer " + result.attr("token"), "name", "Authorization");
        Node put = new Node("put", Map.of("url", url), List.of(header), null);
        Node slot = new Node("slot", Map.of("xmlns", NS), List.of(put, Node.of("get", "url", url)), null);
        a.put("type", "result");
        return List.of(new Node("iq", a, List.of(slot), null));
    }

    private static long parse(String text) {
        try {
            return text == null ? -1 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
