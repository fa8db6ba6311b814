package dev.switchboard.loadgen;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the server's {@code sb:stats} through its management socket. */
final class ShellClient {

    private final Path socket;

    ShellClient(Path socket) {
        this.socket = socket;
    }

    boolean available() {
        return Files.exists(socket);
    }

    String run(String line) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            ch.shutdownOutput();
            return new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The server's counters, heap measured after a full GC when asked. */
    Map<String, Long> stats(boolean gc) throws IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : run(gc ? "sb:stats --gc" : "sb:stats").split("\n")) {
            String[] kv = line.trim().split(" ");
            if (kv.length == 2) {
                try {
                    out.put(kv[0], Long.parseLong(kv[1]));
                } catch (NumberFormatException ignored) {
                    // not a counter line
                }
            }
        }
        return out;
    }
}
