package dev.switchboard.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The servers' Noise keys a client has pinned, by {@code host:port}: in this process only, or in a
 * file of {@code host:port hex-key} lines (the CLI keeps {@code known_servers} in its home).
 */
public final class KnownServers {

    private static final KnownServers PROCESS = new KnownServers(null);

    private final Path file;
    private final Map<String, byte[]> memory = new ConcurrentHashMap<>();

    private KnownServers(Path file) {
        this.file = file;
    }

    /** Pins held for the life of this process (what {@link SwitchboardClient#connect(String, int)} uses). */
    public static KnownServers inMemory() {
        return PROCESS;
    }

    /** Pins kept in a file, created on the first pin (owner-only). */
    public static KnownServers file(Path file) {
        return new KnownServers(file);
    }

    /** Where pins live, for messages that tell a person how to change one. */
    public String where() {
        return file == null ? "this process's memory" : file.toString();
    }

    /** How a person makes this store forget a server's key, for the refusal's message. */
    String howToForget(String server) {
        return file == null ? "forget it with KnownServers.inMemory().forget(\"" + server + "\") (or restart: this pin lives"
                + " only in this process)" : "remove the line for " + server + " from " + where() + " (the CLI: sb trust --forget "
                + server + ")";
    }

    public synchronized byte[] pinned(String server) {
        if (file == null) {
            byte[] k = memory.get(server);
            return k == null ? null : k.clone();
        }
        return read().get(server);
    }

    public synchronized void pin(String server, byte[] key) {
        if (file == null) {
            memory.put(server, key.clone());
            return;
        }
        Map<String, byte[]> all = read();
        all.put(server, key.clone());
        write(all);
    }

    /** Forgets a server's key, so the next connection trusts what it presents (trust on first use again). */
    public synchronized boolean forget(String server) {
        if (file == null) {
            return memory.remove(server) != null;
        }
        Map<String, byte[]> all = read();
        boolean had = all.remove(server) != null;
        write(all);
        return had;
    }

    private Map<String, byte[]> read() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(file)) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 2 && !line.startsWith("#")) {
                    try {
                        out.put(parts[0], HexFormat.of().parseHex(parts[1]));
                    } catch (IllegalArgumentException skipped) {
                        // a line a person broke is ignored, not fatal: that server is then unpinned
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return out;
    }

    private void write(Map<String, byte[]> all) {
        StringBuilder text = new StringBuilder("# host:port and the Noise key each server proved it holds (trust on first use)\n");
        all.forEach((server, key) -> text.append(server).append(' ').append(HexFormat.of().formatHex(key)).append('\n'));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text);
            try {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // the file is not secret, only its integrity matters
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
