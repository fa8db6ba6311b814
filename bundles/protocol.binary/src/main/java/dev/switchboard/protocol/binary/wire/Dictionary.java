package dev.switchboard.protocol.binary.wire;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A versioned token dictionary (docs/PROTOCOL.md §3): frequent strings sent as one byte.
 * A version's list is append-only once released; a new list gets a new version number.
 */
public final class Dictionary {

    /** Tokens occupy bytes 0x01..0xEF, so a dictionary holds at most this many strings. */
    public static final int MAX_TOKENS = 0xEF;

    private static final List<String> V1 = List.of(
            "message", "to", "from", "id", "ack", "auth", "user", "device", "password", "success",
            "failure", "error", "code", "text", "type", "t", "ping", "pong", "receipt", "delivered",
            "read", "presence", "iq", "get", "set", "result", "group", "participant", "chat", "body",
            "status", "recipient-offline", "not-authorized", "malformed", "unavailable", "frame-too-large",
            "truncated", "unknown-token", "bad-nesting", "bad-value", "bad-preamble", "shutdown",
            "service-unavailable", "bad-request", "notify", "available",
            "s.switchboard.dev", "0", "1", "2", "3", "true", "false",
            // added before dictionary 1 was first released, for store-and-forward and accounts:
            "seq", "received", "challenge", "response", "register", "account", "op", "mechanism", "token",
            "expires", "retry-after", "SCRAM-SHA-256", "TOKEN", "conflict", "kicked", "throttled", "token-invalid",
            "recipient-queue-full", "bad-recipient", "internal-error", "devices", "link", "unlink", "passwd",
            "delete", "iterations", "salt", "stored-key", "server-key", "registered", "duplicate", "forbidden",
            "device-limit", "device-exists", "unknown-device", "malformed-id", "weak-password", "unknown");

    private static final Dictionary VERSION_1 = new Dictionary(1, V1);

    private final int version;
    private final String[] byToken;
    private final Map<String, Integer> byString;

    private Dictionary(int version, List<String> strings) {
        if (strings.size() > MAX_TOKENS) {
            throw new IllegalArgumentException("too many tokens");
        }
        this.version = version;
        this.byToken = new String[strings.size() + 1];
        this.byString = new HashMap<>();
        for (int i = 0; i < strings.size(); i++) {
            byToken[i + 1] = strings.get(i);
            byString.put(strings.get(i), i + 1);
        }
    }

    /** The dictionary of a version, or {@code null} when this build does not know it. */
    public static Dictionary forVersion(int version) {
        return version == 1 ? VERSION_1 : null;
    }

    /** The newest dictionary this build knows. */
    public static Dictionary latest() {
        return VERSION_1;
    }

    public int version() {
        return version;
    }

    /** The string of a token byte (1-based), or {@code null} when the byte is no token here. */
    public String string(int token) {
        return token > 0 && token < byToken.length ? byToken[token] : null;
    }

    /** The token of a string, or 0 when the string has none. */
    public int token(String s) {
        Integer t = byString.get(s);
        return t == null ? 0 : t;
    }
}
