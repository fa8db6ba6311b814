package dev.switchboard.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;

/**
 * Who the CLI is logged in as: server, user, device and resume token (never the password), in
 * {@code <config>/credentials}, readable by its owner only.
 */
record Credentials(String host, int port, String user, int device, String token) {

    static Path file(Path config) {
        return config.resolve("credentials");
    }

    static Credentials load(Path config) throws IOException {
        Path f = file(config);
        if (!Files.exists(f)) {
            throw new IOException("not logged in: run 'sb login <user>' (or 'sb register <user>') first");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f)) {
            p.load(r);
        }
        try {
            return new Credentials(p.getProperty("host"), Integer.parseInt(p.getProperty("port")), p.getProperty("user"),
                    Integer.parseInt(p.getProperty("device")), p.getProperty("token"));
        } catch (RuntimeException e) {
            throw new IOException(f + " is damaged; log in again with 'sb login <user>'");
        }
    }

    void save(Path config) throws IOException {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        Files.createDirectories(config);
        if (posix) {
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rwx------"));
        }
        Path f = file(config);
        Path tmp = config.resolve("credentials.tmp");
        Files.deleteIfExists(tmp);
        if (posix) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Properties p = new Properties();
        p.setProperty("host", host);
        p.setProperty("port", Integer.toString(port));
        p.setProperty("user", user);
        p.setProperty("device", Integer.toString(device));
        p.setProperty("token", token);
        try (Writer w = Files.newBufferedWriter(tmp)) {
            p.store(w, "Switchboard CLI login: the resume token, not the password. Keep this file private.");
        }
        Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
