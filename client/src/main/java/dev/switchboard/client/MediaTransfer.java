package dev.switchboard.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Uploads and downloads over the media HTTP endpoint. Uploads send the content's SHA-256 so the
 * server checks it; downloads go to {@code <target>.part}, resume by range after a broken transfer
 * and are renamed to the target only once their hash matches.
 */
final class MediaTransfer {

    private static final Pattern FIELD = Pattern.compile("\"(sha256|url)\":\"([^\"]*)\"|\"size\":(\\d+)");
    private static final int ATTEMPTS = 5;

    /** Clients by pinned certificate hash ("" for the JDK's own trust); one per server in practice. */
    private final java.util.Map<String, HttpClient> clients = new java.util.concurrent.ConcurrentHashMap<>();

    private HttpClient client(MediaToken token) {
        String pin = token.certificateSha256() == null ? "" : token.certificateSha256();
        return clients.computeIfAbsent(pin, p -> {
            HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
            if (!p.isEmpty()) {
                b.sslContext(PinnedCertificate.context(p));
            }
            return b.build();
        });
    }

    MediaRef upload(MediaToken token, Path file) throws ClientException, IOException {
        return upload(client(token), token.url(), token.token(), file);
    }

    void download(MediaToken token, String sha256, Path target) throws ClientException, IOException {
        download(client(token), token.url(), token.token(), sha256, target);
    }

    private MediaRef upload(HttpClient http, String baseUrl, String token, Path file) throws ClientException, IOException {
        String hash = sha256(file);
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl)).header("Authorization", "Bearer " + token)
                .header("X-Content-SHA256", hash).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofFile(file)).build();
        HttpResponse<String> response = send(http, request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw refused(response.statusCode(), response.body());
        }
        String sha = null;
        String url = null;
        long size = -1;
        Matcher m = FIELD.matcher(response.body());
        while (m.find()) {
            if ("sha256".equals(m.group(1))) {
                sha = m.group(2);
            } else if ("url".equals(m.group(1))) {
                url = m.group(2);
            } else if (m.group(3) != null) {
                size = Long.parseLong(m.group(3));
            }
        }
        if (!hash.equals(sha) || size != Files.size(file)) {
            throw new ClientException("hash-mismatch", "the server stored " + sha + " (" + size + " bytes) for " + hash);
        }
        return new MediaRef(sha, size, url);
    }

    private void download(HttpClient http, String baseUrl, String token, String sha256, Path target) throws ClientException, IOException {
        Path part = target.resolveSibling(target.getFileName() + ".part");
        IOException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            long have = Files.exists(part) ? Files.size(part) : 0;
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/" + sha256))
                    .header("Authorization", "Bearer " + token).GET();
            if (have > 0) {
                request.header("Range", "bytes=" + have + "-");
            }
            try {
                HttpResponse<InputStream> response = send(http, request.build(), HttpResponse.BodyHandlers.ofInputStream());
                int status = response.statusCode();
                if (status == 416 && have > 0) {
                    break; // everything is here already
                }
                if (status == 503) {
                    response.body().close();
                    last = new IOException("the media service is being updated");
                    sleep(1000);
                    continue;
                }
                if (status != 200 && status != 206) {
                    throw refused(status, new String(response.body().readAllBytes(), StandardCharsets.UTF_8));
                }
                boolean append = status == 206;
                try (InputStream in = response.body();
                     OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                             append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                    in.transferTo(out);
                }
                last = null;
                break;
            } catch (IOException e) {
                last = e; // broken off: resume from what arrived
                sleep(200L * (attempt + 1));
            }
        }
        if (last != null) {
            throw last;
        }
        String got = sha256(part);
        if (!got.equals(sha256)) {
            Files.deleteIfExists(part);
            throw new ClientException("hash-mismatch", "downloaded bytes hash to " + got + ", not " + sha256);
        }
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static <T> HttpResponse<T> send(HttpClient http, HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            return http.send(request, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static ClientException refused(int status, String body) {
        return new ClientException("http-" + status, body == null ? "" : body.strip());
    }

    static String sha256(Path file) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
