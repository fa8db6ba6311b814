package dev.switchboard.shell.internal;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The limit the management socket checks before binding is the JDK's own: a path of that length binds,
 * one byte more does not. (107 was once assumed, from sun_path's 108; the JDK refuses 107, and a test
 * home whose random name came out one digit longer lost its shell.)
 */
class ManagementSocketPathTest {

    @Test
    void theLongestPathAllowedBindsAndOneByteMoreIsRefusedByTheJdk() throws IOException {
        Path dir = Files.createTempDirectory("sock");
        try {
            String prefix = dir + "/";
            Path longest = Path.of(prefix + "s".repeat(ManagementSocket.MAX_PATH_BYTES - prefix.length()));
            try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                server.bind(UnixDomainSocketAddress.of(longest));
            } finally {
                Files.deleteIfExists(longest);
            }
            Path tooLong = Path.of(longest + "s");
            try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                assertThrows(IOException.class, () -> server.bind(UnixDomainSocketAddress.of(tooLong)));
            }
        } finally {
            Files.deleteIfExists(dir);
        }
    }
}
