package dev.switchboard.media.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Upload slots (XMPP's XEP-0363): a blob uploaded to {@code /media/slot/<name>/...} can be fetched
 * there by whoever holds that URL, without a token. The URL is the capability: a slot name carries
 * at least 128 random bits and is handed only to the uploader, who shares it in a message. Each
 * bound slot is a small file under {@code slots/} naming its blob and content type, put in place
 * atomically and at most once (a second upload to the same slot is refused).
 */
final class UploadSlots {

    /** What a bound slot serves. */
    record Link(String sha256, String mime) {
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{22,64}");
    /** Types served as uploaded; anything else (HTML, SVG, scripts) goes out as a download of bytes. */
    private static final Pattern SHOWN = Pattern.compile("(image/(png|jpeg|gif|webp|heic|avif)|(audio|video)/[a-z0-9.+-]{1,40})");

    private final Path dir;

    UploadSlots(Path root) throws IOException {
        this.dir = root.resolve("slots");
        Files.createDirectories(dir);
    }

    static boolean isName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** The type a slot's blob is served with: the uploader's, when it is media a browser shows safely. */
    static String servedType(String uploaded) {
        String type = uploaded == null ? "" : uploaded.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        return SHOWN.matcher(type).matches() ? type : "application/octet-stream";
    }

    /** @return false when the slot was bound already (its blob stays) */
    boolean bind(String name, String sha256, String mime) throws IOException {
        Path part = dir.resolve(UUID.randomUUID() + ".part");
        Files.writeString(part, sha256 + "\n" + servedType(mime) + "\n", StandardCharsets.UTF_8);
        try {
            Files.createLink(dir.resolve(name), part); // exclusive and atomic: the slot appears whole, once
            return true;
        } catch (FileAlreadyExistsException taken) {
            return false;
        } finally {
            Files.deleteIfExists(part);
        }
    }

    Optional<Link> resolve(String name) throws IOException {
        if (!isName(name)) {
            return Optional.empty();
        }
        try {
            String[] lines = Files.readString(dir.resolve(name), StandardCharsets.UTF_8).split("\n");
            return lines.length < 2 ? Optional.empty() : Optional.of(new Link(lines[0], lines[1]));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Drops slots whose blob was collected, and leftovers of a crash mid-bind. @return how many */
    int sweep(Predicate<String> blobExists) throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                Optional<Link> link = name.endsWith(".part") ? Optional.empty() : resolve(name);
                boolean stale = name.endsWith(".part")
                        ? Files.getLastModifiedTime(p).toMillis() < System.currentTimeMillis() - 3_600_000
                        : link.isEmpty() || !blobExists.test(link.get().sha256());
                if (stale && Files.deleteIfExists(p)) {
                    removed++;
                }
            }
        }
        return removed;
    }
}
