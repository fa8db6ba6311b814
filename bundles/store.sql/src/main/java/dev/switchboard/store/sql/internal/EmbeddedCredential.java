package dev.switchboard.store.sql.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Base64;
import java.util.stream.Stream;

/**
 * The embedded database's password: generated on first start and kept in {@code data/h2.credential}
 * (0600), so the file of messages, salts and stored keys does not open as {@code sa} with no
 * password for anyone who can read it. A database made before this existed is given the password
 * once, the first time this runs.
 */
final class EmbeddedCredential {

    static final String USER = "SA";

    private EmbeddedCredential() {
    }

    /** The password for the embedded database at {@code url} (its files under {@code data}). */
    static String password(Path data, String url) throws IOException, SQLException {
        Path file = data.resolve("h2.credential");
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        if (Files.exists(data.resolve("switchboard.mv.db"))) {
            // an older database, made with an empty password: set the new one before saving it
            org.h2.jdbcx.JdbcDataSource old = new org.h2.jdbcx.JdbcDataSource();
            old.setURL(url);
            old.setUser(USER);
            old.setPassword("");
            try (Connection c = old.getConnection();
                 PreparedStatement p = c.prepareStatement("ALTER USER " + USER + " SET PASSWORD ?")) {
                p.setString(1, password);
                p.execute();
            }
        }
        Files.writeString(file, password + "\n", StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return password;
    }

    /** The database's own files, 0600 whatever the umask (H2 creates them with the process's). */
    static void restrictFiles(Path data) throws IOException {
        try (Stream<Path> files = Files.list(data)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("switchboard.")
                    && p.getFileName().toString().endsWith(".db")).toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
            }
        }
    }
}
