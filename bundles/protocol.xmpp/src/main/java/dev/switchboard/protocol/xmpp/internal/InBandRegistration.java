package dev.switchboard.protocol.xmpp.internal;

import static dev.switchboard.protocol.xmpp.internal.Xmpp.*;

import dev.switchboard.api.protocol.Link;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * XEP-0077 in-band registration, off unless {@code registration=true}: the form asks for a user
 * name (an account's digits) and a password; the server derives the SCRAM credential from the
 * password (as the SDK does on the client) and asks for Switchboard's {@code register}, which the
 * authenticator may still refuse ({@code clientRegistration=false}). Only under TLS, or where the
 * listener allows logins without it.
 */
final class InBandRegistration {

    static final String NS = "jabber:iq:register";
    static final String FEATURE = "http://jabber.org/features/iq-register";
    /** The id of the registration in flight, so its result is answered as this iq. */
    static final String PENDING = "register-id";
    /** PBKDF2 iterations of a derived credential: the authenticator's minimum by default. */
    private static final int ITERATIONS = 4096;
    private static final int MIN_PASSWORD = 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String domain;

    InBandRegistration(String domain) {
        this.domain = domain;
    }

    /**
     * The form, or Switchboard's {@code register} for a filled one. The credential is derived here,
     * on the reading thread (about 3 ms of PBKDF2): one reason registration is off by default.
     */
    List<Node> handle(Node iq, Node query, Link link) {
        if ("get".equals(iq.attr("type"))) {
            Node form = new Node("query", Map.of("xmlns", NS), List.of(
                    Xmpp.text("instructions", "Choose a user id (1-20 digits) and a password of at least " + MIN_PASSWORD
                            + " characters."), Node.of("username"), Node.of("password")), null);
            link.reply(result(iq, form));
            return List.of();
        }
        Node username = child(query, "username", null);
        Node password = child(query, "password", null);
        String user = username == null ? "" : Xmpp.text(username);
        String pw = password == null ? "" : Xmpp.text(password);
        if (!"set".equals(iq.attr("type")) || child(query, "remove", null) != null) {
            link.reply(stanzaError(iq, domain, "cancel", "not-allowed"));
            return List.of();
        }
        if (!Address.isUserId(user) || pw.length() < MIN_PASSWORD) {
            link.reply(stanzaError(iq, domain, "modify", "not-acceptable"));
            return List.of();
        }
        String id = iq.attr("id") == null ? "reg" : iq.attr("id");
        link.state(PENDING, id);
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("user", user);
        attributes.put("id", id);
        attributes.putAll(credential(pw));
        return List.of(new Node("register", attributes, List.of(), null));
    }

    /** Switchboard's answer to the registration as the iq's result or error; null when it is not that answer. */
    Node answer(Node result, Link link) {
        String id = link.state(PENDING);
        if (id == null || !id.equals(result.attr("id"))) {
            return null;
        }
        link.state(PENDING, null);
        Node iq = Node.of("iq", "id", id);
        String error = result.attr("error");
        if (error == null) {
            return new Node("iq", Map.of("type", "result", "id", id), List.of(), null);
        }
        String condition = switch (error) {
            case "duplicate" -> "conflict";
            case "forbidden" -> "not-allowed";
            case "unavailable" -> "service-unavailable";
            default -> "not-acceptable";
        };
        return stanzaError(iq, domain, "duplicate".equals(error) ? "cancel" : "modify", condition);
    }

    private static Node result(Node iq, Node child) {
        return new Node("iq", Map.of("type", "result", "id", iq.attr("id") == null ? "" : iq.attr("id")), List.of(child), null);
    }

    /** A SCRAM-SHA-256 credential as docs/PROTOCOL.md §8 carries it. */
    static Map<String, String> credential(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        try {
            byte[] salted = ScramMath.saltedPassword(password, salt, ITERATIONS);
            Map<String, String> out = new LinkedHashMap<>();
            out.put("mechanism", "SCRAM-SHA-256");
            out.put("iterations", String.valueOf(ITERATIONS));
            out.put("salt", Base64.getEncoder().encodeToString(salt));
            out.put("stored-key", Base64.getEncoder().encodeToString(ScramMath.sha256(ScramMath.hmac(salted, "Client Key"))));
            out.put("server-key", Base64.getEncoder().encodeToString(ScramMath.hmac(salted, "Server Key")));
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no PBKDF2WithHmacSHA256", e);
        }
    }
}
