package dev.switchboard.transport.internal;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The transport's settings as one immutable snapshot, read from the component's properties.
 * Unlike a plain typed configuration, a value that does not parse or is out of range does not fail
 * the whole component (that would close the listener and every connection): it is reported and the
 * running value, or at first the default, is kept (etc/README.md). Defaults are those of
 * the listener's configuration type ({@link TransportConfiguration}, {@link XmppListenerConfiguration}),
 * which stays the metatype description.
 *
 * @param problems what was refused, one sentence each (empty when everything applied)
 */
record TransportSettings(String host, int port, int maxFrameBytes, int graceSeconds, int loginThreads, int maxOutboundBytes,
                         int idleSeconds, int maxFramesPerSecond, int maxConnections, int maxConnectionsPerAddress,
                         int loginSeconds, String encryption, List<String> problems) {

    /** Reads the binary listener's properties over a fallback (null: the defaults); environment overrides last. */
    static TransportSettings read(Map<String, ?> properties, TransportSettings fallback) {
        return read(properties, fallback, ListenerKind.BINARY);
    }

    /** Reads one listener's properties over a fallback (null: its defaults); its environment overrides last. */
    static TransportSettings read(Map<String, ?> properties, TransportSettings fallback, ListenerKind kind) {
        Reader r = new Reader(properties, fallback, kind.defaults());
        String host = r.text("host");
        int port = r.integer("port", 0, 65535, TransportSettings::port);
        String envHost = System.getenv(kind.environmentPrefix() + "HOST");
        String envPort = System.getenv(kind.environmentPrefix() + "PORT");
        if (envHost != null && !envHost.isBlank()) {
            host = envHost; // ARCHITECTURE.md: environment variables override configuration files
        }
        if (envPort != null && !envPort.isBlank()) {
            port = r.integer(kind.environmentPrefix() + "PORT", envPort, 0, 65535, port);
        }
        return new TransportSettings(host, port,
                r.integer("maxFrameBytes", 64, Integer.MAX_VALUE, TransportSettings::maxFrameBytes),
                r.integer("graceSeconds", 1, 86_400, TransportSettings::graceSeconds),
                r.integer("loginThreads", 1, 256, TransportSettings::loginThreads),
                r.integer("maxOutboundBytes", 4096, Integer.MAX_VALUE, TransportSettings::maxOutboundBytes),
                r.integer("idleSeconds", 0, 86_400, TransportSettings::idleSeconds),
                r.integer("maxFramesPerSecond", 0, Integer.MAX_VALUE, TransportSettings::maxFramesPerSecond),
                r.integer("maxConnections", 1, Integer.MAX_VALUE, TransportSettings::maxConnections),
                r.integer("maxConnectionsPerAddress", 1, Integer.MAX_VALUE, TransportSettings::maxConnectionsPerAddress),
                r.integer("loginSeconds", 1, 3600, TransportSettings::loginSeconds),
                r.encryption(host, kind.secured()), List.copyOf(r.problems));
    }

    /** The same settings with no problems attached (for comparing and logging what is in force). */
    TransportSettings withoutProblems() {
        return new TransportSettings(host, port, maxFrameBytes, graceSeconds, loginThreads, maxOutboundBytes, idleSeconds,
                maxFramesPerSecond, maxConnections, maxConnectionsPerAddress, loginSeconds, encryption, List.of());
    }

    /** The same settings listening where another snapshot does (a move that failed). */
    TransportSettings listeningAs(TransportSettings other) {
        return new TransportSettings(other.host, other.port, maxFrameBytes, graceSeconds, loginThreads, maxOutboundBytes,
                idleSeconds, maxFramesPerSecond, maxConnections, maxConnectionsPerAddress, loginSeconds, encryption, problems);
    }

    /**
     * Plaintext connections are accepted besides Noise ones, or XMPP logins without STARTTLS
     * ({@code encryption=none}, loopback only).
     */
    boolean plainAllowed() {
        return "none".equals(encryption);
    }

    boolean sameListener(TransportSettings other) {
        return host.equals(other.host) && port == other.port;
    }

    /** Reads one value at a time, falling back per key. */
    private static final class Reader {
        private final Map<String, ?> properties;
        private final TransportSettings fallback;
        private final Class<?> defaults;
        final List<String> problems = new ArrayList<>();

        Reader(Map<String, ?> properties, TransportSettings fallback, Class<?> defaults) {
            this.properties = properties;
            this.fallback = fallback;
            this.defaults = defaults;
        }

        /** A missing or blank value means the default (a line removed from the file). */
        String text(String key) {
            Object raw = properties.get(key);
            return raw == null || String.valueOf(raw).isBlank() ? (String) defaultOf(key) : String.valueOf(raw).trim();
        }

        /** A missing value means the default; an invalid one keeps what runs (or the default at first). */
        int integer(String key, int min, int max, java.util.function.ToIntFunction<TransportSettings> current) {
            Object raw = properties.get(key);
            if (raw == null || String.valueOf(raw).isBlank()) {
                return (Integer) defaultOf(key);
            }
            int keep = fallback != null ? current.applyAsInt(fallback) : (Integer) defaultOf(key);
            return integer(key, raw, min, max, keep);
        }

        /**
         * The listener's secure mode ({@code noise}; XMPP's {@code starttls}) or {@code none}; {@code none}
         * only where nothing off this machine can connect.
         */
        String encryption(String host, String secured) {
            String value = text("encryption").toLowerCase(java.util.Locale.ROOT);
            if (!value.equals(secured) && !value.equals("none")) {
                problems.add("encryption=" + value + " is neither " + secured + " nor none; keeping " + secured);
                return secured;
            }
            if (value.equals("none") && !loopback(host)) {
                problems.add("encryption=none is allowed only on a loopback host, not host=" + host
                        + " (plaintext would cross the network); keeping " + secured);
                return secured;
            }
            return value;
        }

        private static boolean loopback(String host) {
            try {
                for (java.net.InetAddress a : java.net.InetAddress.getAllByName(host)) {
                    if (!a.isLoopbackAddress()) {
                        return false;
                    }
                }
                return true;
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }

        int integer(String key, Object raw, int min, int max, int keep) {
            long value;
            try {
                value = raw instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(raw).trim());
            } catch (NumberFormatException e) {
                problems.add(key + "=" + raw + " is not a whole number; keeping " + keep);
                return keep;
            }
            if (value < min || value > max) {
                problems.add(key + "=" + raw + " is out of range (" + min + " to " + max + "); keeping " + keep);
                return keep;
            }
            return (int) value;
        }

        private Object defaultOf(String key) {
            try {
                Method m = defaults.getMethod(key);
                return m.getDefaultValue();
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("no default for " + key, e);
            }
        }
    }
}
