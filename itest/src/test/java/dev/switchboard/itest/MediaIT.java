package dev.switchboard.itest;

import static org.junit.Assert.*;

import dev.switchboard.api.media.MediaRegistry;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.store.MediaStore;
import dev.switchboard.client.MediaRef;
import dev.switchboard.client.MediaToken;
import dev.switchboard.client.SwitchboardClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Issue #6's acceptance over real HTTP: a 50 MB file up and down with matching hashes and sent by
 * reference; a download resumed by range; identical concurrent uploads stored once; an upload cut
 * halfway leaving nothing visible; 413 past the limit; tokens checked; and a download running while
 * the media bundle is replaced, finishing with the right bytes.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MediaIT extends SwitchboardTestSupport {

    private static final int MB = 1 << 20;

    @Test
    public void aLargeFileGoesUpAndDownAndIsSentByReference() throws Exception {
        String a = "15559100001", b = "15559100002";
        register(a);
        register(b);
        Path dir = Files.createTempDirectory("media-it");
        Path file = randomFile(dir.resolve("video.bin"), 50 * MB, 1);
        try (SwitchboardClient alice = login(a); SwitchboardClient bob = login(b)) {
            long t0 = System.nanoTime();
            MediaRef ref = alice.upload(file);
            long t1 = System.nanoTime();
            assertEquals(sha256(file), ref.sha256());
            assertEquals(50L * MB, ref.size());

            Node ack = alice.sendMedia(b, "v1", ref, "video/mp4", "a2V5LWZvci1ib2I=", "look".getBytes(StandardCharsets.UTF_8))
                    .get(10, TimeUnit.SECONDS);
            assertNull("ack " + ack, ack.attr("error"));
            Node m = expect(bob, n -> n.tag().equals("message") && "v1".equals(n.attr("id")));
            assertEquals("media", m.attr("type"));
            assertEquals(ref.sha256(), m.attr("media"));
            assertEquals(String.valueOf(ref.size()), m.attr("size"));
            assertEquals("video/mp4", m.attr("mime"));
            assertEquals("a2V5LWZvci1ib2I=", m.attr("key"));
            assertEquals("look", new String(m.content(), StandardCharsets.UTF_8));
            assertEquals("delivered", expect(alice, n -> n.tag().equals("receipt") && "v1".equals(n.attr("id"))).attr("type"));

            Path got = dir.resolve("got.bin");
            long t2 = System.nanoTime();
            bob.download(m.attr("media"), got);
            long t3 = System.nanoTime();
            assertEquals(ref.sha256(), sha256(got));
            System.out.printf("MediaIT: 50 MB uploaded in %d ms, downloaded in %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(t1 - t0), TimeUnit.NANOSECONDS.toMillis(t3 - t2));

            assertEquals("no-such-media", alice.sendMedia(b, "v2", new MediaRef("0".repeat(64), 1, ""), "image/png", null, null)
                    .get(10, TimeUnit.SECONDS).attr("error"));
            assertEquals("bad-media", alice.sendMedia(b, "v3", new MediaRef("xyz", 1, ""), "image/png", null, null)
                    .get(10, TimeUnit.SECONDS).attr("error"));
            assertTrue("the blob is referenced now", service(MediaStore.class).blob(ref.sha256()).orElseThrow()
                    .lastReferencedAtMs() > 0);
        } finally {
            deleteTree(dir);
        }
    }

    @Test
    public void aDownloadResumesByRange() throws Exception {
        String a = "15559100011";
        register(a);
        Path dir = Files.createTempDirectory("media-it");
        Path file = randomFile(dir.resolve("file.bin"), 5 * MB, 2);
        try (SwitchboardClient alice = login(a)) {
            MediaRef ref = alice.upload(file);
            MediaToken token = alice.mediaToken();
            byte[] all = Files.readAllBytes(file);
            HttpURLConnection first = get(token, ref.sha256(), "bytes=0-999999");
            assertEquals(206, first.getResponseCode());
            assertEquals("bytes 0-999999/" + all.length, first.getHeaderField("Content-Range"));
            byte[] head = first.getInputStream().readAllBytes();
            HttpURLConnection rest = get(token, ref.sha256(), "bytes=1000000-");
            assertEquals(206, rest.getResponseCode());
            byte[] tail = rest.getInputStream().readAllBytes();
            byte[] joined = new byte[head.length + tail.length];
            System.arraycopy(head, 0, joined, 0, head.length);
            System.arraycopy(tail, 0, joined, head.length, tail.length);
            assertArrayEquals(all, joined);
            assertEquals(416, status(token, ref.sha256(), "bytes=" + all.length + "-"));
            assertEquals(404, status(token, "f".repeat(64), null));

            // the client resumes from a partial file it already has
            Path target = dir.resolve("resumed.bin");
            Files.write(target.resolveSibling("resumed.bin.part"), head);
            alice.download(ref.sha256(), target);
            assertArrayEquals(all, Files.readAllBytes(target));
        } finally {
            deleteTree(dir);
        }
    }

    @Test
    public void identicalUploadsAtOnceAreStoredOnce() throws Exception {
        String a = "15559100021", b = "15559100022";
        register(a);
        register(b);
        Path dir = Files.createTempDirectory("media-it");
        Path file = randomFile(dir.resolve("same.bin"), 8 * MB, 3);
        try (SwitchboardClient alice = login(a); SwitchboardClient bob = login(b)) {
            CompletableFuture<MediaRef> one = CompletableFuture.supplyAsync(() -> upload(alice, file));
            CompletableFuture<MediaRef> two = CompletableFuture.supplyAsync(() -> upload(bob, file));
            String hash = one.get(60, TimeUnit.SECONDS).sha256();
            assertEquals(hash, two.get(60, TimeUnit.SECONDS).sha256());
            try (Stream<Path> blobs = Files.walk(mediaDir().resolve("blobs"))) {
                assertEquals(1, blobs.filter(p -> p.getFileName().toString().equals(hash)).count());
            }
            MediaStore store = service(MediaStore.class);
            assertEquals("counted once, for one of them", 8L * MB,
                    store.usage(a) + store.usage(b));
        } finally {
            deleteTree(dir);
        }
    }

    @Test
    public void anUploadCutHalfwayLeavesNothingAndTheRetryWorks() throws Exception {
        String a = "15559100031";
        register(a);
        Path dir = Files.createTempDirectory("media-it");
        Path file = randomFile(dir.resolve("cut.bin"), 10 * MB, 4);
        String hash = sha256(file);
        try (SwitchboardClient alice = login(a)) {
            MediaToken token = alice.mediaToken();
            URI url = URI.create(token.url());
            try (Socket s = new Socket(url.getHost(), url.getPort()); InputStream in = Files.newInputStream(file)) {
                OutputStream out = s.getOutputStream();
                out.write(("POST " + url.getPath() + " HTTP/1.1\r\nHost: " + url.getHost() + "\r\nAuthorization: Bearer "
                        + token.token() + "\r\nContent-Length: " + Files.size(file) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(in.readNBytes(5 * MB));
                out.flush();
            } // closed halfway: the server sees the body end early
            await("the cut upload's temporary file to go", Duration.ofSeconds(10), () -> tmpFiles() == 0);
            assertFalse(Files.exists(mediaDir().resolve("blobs").resolve(hash.substring(0, 2)).resolve(hash)));
            assertEquals(404, status(token, hash, null));
            assertEquals(hash, alice.upload(file).sha256());
            assertEquals(200, status(token, hash, null));
        } finally {
            deleteTree(dir);
        }
    }

    @Test
    public void tooLargeAndUnauthorizedRequestsAreRefused() throws Exception {
        String a = "15559100041";
        register(a);
        Path dir = Files.createTempDirectory("media-it");
        try (SwitchboardClient alice = login(a)) {
            MediaToken token = alice.mediaToken();
            assertEquals(100L * MB, token.maxBytes());
            // no token, a forged one, another user's expired one
            HttpURLConnection none = (HttpURLConnection) URI.create(token.url() + "/" + "a".repeat(64)).toURL().openConnection();
            assertEquals(401, none.getResponseCode());
            none.disconnect();
            assertEquals(401, status(new MediaToken(token.token() + "x", token.url(), 0, 0, null), "a".repeat(64), null));
            String[] parts = token.token().split("\\.");
            assertEquals(401, status(new MediaToken(parts[0] + ".1." + parts[2], token.url(), 0, 0, null), "a".repeat(64), null));

            reconfigureMedia("maxBytes", (long) MB);
            MediaToken small = alice.mediaToken();
            assertEquals(MB, small.maxBytes());
            Path big = randomFile(dir.resolve("big.bin"), 2 * MB, 5);
            dev.switchboard.client.ClientException e = assertThrows(dev.switchboard.client.ClientException.class,
                    () -> alice.upload(big));
            assertEquals("the SDK refuses before sending", "http-413", e.code());
            assertTrue(e.getMessage(), e.getMessage().contains("limited to " + MB + " bytes"));
            // the server refuses a declared length past the limit before reading the body,
            // and without a declared length it counts while reading
            assertEquals("413 uploads are limited to " + MB + " bytes; this one has " + 2 * MB,
                    rawUpload(small, big, false));
            assertEquals("413 uploads are limited to " + MB + " bytes", rawUpload(small, big, true));
            await("nothing left of the refused uploads", Duration.ofSeconds(10), () -> tmpFiles() == 0);
        } finally {
            reconfigureMedia("maxBytes", 100L * MB);
            deleteTree(dir);
        }
    }

    @Test
    public void aDownloadRunningWhileMediaIsReplacedEndsWithTheRightBytes() throws Exception {
        String a = "15559100051";
        register(a);
        Path dir = Files.createTempDirectory("media-it");
        Path file = randomFile(dir.resolve("swap.bin"), 40 * MB, 6);
        try (SwitchboardClient alice = login(a)) {
            reconfigureMedia("drainSeconds", 1);
            MediaRef ref = alice.upload(file);
            MediaToken token = alice.mediaToken();
            Path target = dir.resolve("swap-got.bin");
            // about 10 MB/s: the transfer takes some four seconds and outlives the one-second drain of the swap
            CompletableFuture<Integer> download = CompletableFuture.supplyAsync(() -> slowDownload(token, ref.sha256(), target));
            await("the download to be under way", Duration.ofSeconds(10),
                    () -> Files.exists(target) && target.toFile().length() > MB);
            Bundle media = bundle("dev.switchboard.media");
            media.update(new ByteArrayInputStream(withVersion(jar("bundles/media", "media"), "0.1.0.swap1")));
            assertEquals("0.1.0.swap1", media.getVersion().toString());
            assertFalse("the swap happened while the download ran", download.isDone());
            int attempts = download.get(60, TimeUnit.SECONDS);
            assertEquals("the bytes are never wrong", ref.sha256(), sha256(target));
            System.out.printf("MediaIT: the download across the swap took %d request(s)%n", attempts);
        } finally {
            reconfigureMedia("drainSeconds", 3);
            deleteTree(dir);
        }
    }

    /** Reads a blob at about 10 MB/s, resuming by range after the server cuts it. @return requests made */
    private static int slowDownload(MediaToken token, String hash, Path target) {
        int requests = 0;
        try (OutputStream out = Files.newOutputStream(target)) {
            long have = 0;
            while (requests < 20) {
                requests++;
                try {
                    HttpURLConnection c = get(token, hash, have == 0 ? null : "bytes=" + have + "-");
                    int status = c.getResponseCode();
                    if (status == 503 || status == 404) {
                        Thread.sleep(200); // the next revision is on its way
                        continue;
                    }
                    if (status == 416) {
                        return requests;
                    }
                    assertEquals(have == 0 ? 200 : 206, status);
                    try (InputStream in = c.getInputStream()) {
                        byte[] buffer = new byte[64 * 1024];
                        int n;
                        while ((n = in.read(buffer)) >= 0) {
                            out.write(buffer, 0, n);
                            have += n;
                            Thread.sleep(6);
                        }
                    }
                    return requests;
                } catch (IOException cut) {
                    out.flush();
                    Thread.sleep(200);
                }
            }
            throw new AssertionError("the download did not finish in 20 requests");
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private void reconfigureMedia(String key, Object value) throws Exception {
        long before = (Long) context.getServiceReference(MediaRegistry.class).getProperty("service.id");
        org.osgi.service.cm.Configuration config = service(ConfigurationAdmin.class).getConfiguration("dev.switchboard.media", "?");
        Dictionary<String, Object> props = config.getProperties() == null ? new Hashtable<>() : config.getProperties();
        props.put(key, value);
        config.update(props);
        await("media to restart with " + key + "=" + value, Duration.ofSeconds(30), () -> {
            var ref = context.getServiceReference(MediaRegistry.class);
            return ref != null && (Long) ref.getProperty("service.id") != before;
        });
    }

    private static MediaRef upload(SwitchboardClient client, Path file) {
        try {
            return client.upload(file);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Uploads without the SDK. @return the status and the server's one-line reason */
    private static String rawUpload(MediaToken token, Path file, boolean chunked) throws IOException {
        URI url = URI.create(token.url());
        byte[] body = Files.readAllBytes(file);
        try (Socket s = new Socket(url.getHost(), url.getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST " + url.getPath() + " HTTP/1.1\r\nHost: " + url.getHost() + "\r\nAuthorization: Bearer "
                    + token.token() + "\r\nConnection: close\r\n"
                    + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n")
                    + "\r\n").getBytes(StandardCharsets.US_ASCII));
            try {
                for (int off = 0; off < body.length; off += 64 * 1024) {
                    int n = Math.min(64 * 1024, body.length - off);
                    if (chunked) {
                        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write(body, off, n);
                    if (chunked) {
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                }
                if (chunked) {
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
            } catch (IOException answeredEarly) {
                // the server may refuse and close before the whole body is sent; its answer is still there
            }
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String status = response.substring(9, 12);
            String reason = response.substring(response.indexOf("\r\n\r\n") + 4).strip();
            return status + " " + reason;
        }
    }

    /** The status of a GET, the connection closed without reading the body. */
    private static int status(MediaToken token, String hash, String range) throws IOException {
        HttpURLConnection c = get(token, hash, range);
        try {
            return c.getResponseCode();
        } finally {
            c.disconnect();
        }
    }

    private static HttpURLConnection get(MediaToken token, String hash, String range) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(token.url() + "/" + hash).toURL().openConnection();
        c.setRequestProperty("Authorization", "Bearer " + token.token());
        if (range != null) {
            c.setRequestProperty("Range", range);
        }
        return c;
    }

    private Path mediaDir() {
        return Path.of(context.getProperty("switchboard.home"), "data", "media");
    }

    private long tmpFiles() {
        try (Stream<Path> parts = Files.list(mediaDir().resolve("tmp"))) {
            return parts.count();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Path randomFile(Path path, int size, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] chunk = new byte[MB];
        try (OutputStream out = Files.newOutputStream(path)) {
            for (int written = 0; written < size; written += chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, Math.min(chunk.length, size - written));
            }
        }
        return path;
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[MB];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                sha.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
