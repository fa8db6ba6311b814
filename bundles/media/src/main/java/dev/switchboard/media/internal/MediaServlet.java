package dev.switchboard.media.internal;

import dev.switchboard.api.media.MediaRegistry;
import dev.switchboard.api.store.MediaStore;
import dev.switchboard.api.store.StoreException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of media. {@code POST /media} with {@code Authorization: Bearer <token>} stores the
 * body (optionally checked against {@code X-Content-SHA256}) and answers
 * {@code {"sha256":..., "size":..., "url":...}}; {@code GET} or {@code HEAD /media/<sha256>}
 * streams a blob, honouring a single {@code Range}. {@code PUT /media/slot/<slot>/<file name>}
 * with a token stores the body under an upload slot, which {@code GET} then serves without one
 * ({@link UploadSlots}). Every refusal has a status and a one-line
 * plain-text reason. While the bundle is being replaced, new transfers get 503 with Retry-After.
 */
final class MediaServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MediaServlet.class);

    private final transient BlobFiles files;
    private final transient MediaTokens tokens;
    private final transient MediaStore store;
    private final transient MediaConfiguration config;
    private final transient UploadSlots slots;
    /** Where clients reach media: follows the HTTP server's actual endpoint (MediaComponent). */
    private final java.util.function.Supplier<String> baseUrl;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();

    MediaServlet(BlobFiles files, UploadSlots slots, MediaTokens tokens, MediaStore store, MediaConfiguration config,
                 java.util.function.Supplier<String> baseUrl) {
        this.files = files;
        this.slots = slots;
        this.tokens = tokens;
        this.store = store;
        this.config = config;
        this.baseUrl = baseUrl;
    }

    /** Refuses new transfers and waits up to {@code ms} for those in progress. @return whether all finished */
    boolean drain(long ms) throws InterruptedException {
        draining.set(true);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        synchronized (inFlight) {
            long left;
            while (inFlight.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(inFlight, left);
            }
            return inFlight.get() == 0;
        }
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (draining.get()) {
            resp.setHeader("Retry-After", "1");
            refuse(resp, 503, "the media service is being updated; retry in a second");
            return;
        }
        inFlight.incrementAndGet();
        try {
            if (req.getQueryString() != null && req.getQueryString().contains("token=")) {
                // a token in the URL ends up in access logs, proxies and browser history
                refuse(resp, 400, "send the media token in the Authorization header (Bearer), not in the URL");
                return;
            }
            String slot = slotName(req.getPathInfo());
            if (slot != null && (req.getMethod().equals("GET") || req.getMethod().equals("HEAD"))) {
                slotDownload(slot, req, resp, req.getMethod().equals("GET")); // the slot's URL is the capability
                return;
            }
            String user = tokens.verify(token(req), System.currentTimeMillis());
            if (user == null) {
                resp.setHeader("WWW-Authenticate", "Bearer");
                refuse(resp, 401, "a valid media token is needed (ask for one with <media op=\"token\"/>)");
                return;
            }
            switch (req.getMethod()) {
                case "POST", "PUT" -> upload(user, req, resp);
                case "GET" -> download(req, resp, true);
                case "HEAD" -> download(req, resp, false);
                default -> {
                    resp.setHeader("Allow", "GET, HEAD, POST, PUT");
                    refuse(resp, 405, "use POST to upload and GET to download");
                }
            }
        } finally {
            if (inFlight.decrementAndGet() == 0) {
                synchronized (inFlight) {
                    inFlight.notifyAll(); // a drain may be waiting for the last transfer
                }
            }
        }
    }

    private static String token(HttpServletRequest req) {
        String header = req.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).trim();
        }
        return null;
    }

    private void upload(String user, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String slot = slotName(req.getPathInfo());
        if (req.getPathInfo() != null && !req.getPathInfo().equals("/") && slot == null) {
            refuse(resp, 400, "upload to /media itself (a blob's name is its hash) or to /media/slot/<slot>/<file name>");
            return;
        }
        long declared = req.getContentLengthLong();
        if (declared > config.maxBytes()) {
            refuse(resp, 413, "uploads are limited to " + config.maxBytes() + " bytes; this one has " + declared);
            return;
        }
        String expected = req.getHeader("X-Content-SHA256");
        if (expected != null && !MediaRegistry.isHash(expected)) {
            refuse(resp, 400, "X-Content-SHA256 must be 64 lowercase hex digits");
            return;
        }
        long usage;
        try {
            usage = store.usage(user);
        } catch (StoreException e) {
            refuse(resp, 503, "the media index is unavailable; retry");
            return;
        }
        long room = config.quotaBytes() - usage;
        if (declared > room || room <= 0) {
            refuse(resp, 507, "your media quota of " + config.quotaBytes() + " bytes is used up (" + usage + " stored)");
            return;
        }
        BlobFiles.Stored stored;
        try (InputStream in = req.getInputStream()) {
            stored = files.store(in, Math.min(config.maxBytes(), room));
        } catch (BlobFiles.TooLarge e) {
            boolean quota = room < config.maxBytes();
            refuse(resp, quota ? 507 : 413, quota ? "your media quota of " + config.quotaBytes() + " bytes would be exceeded"
                    : e.getMessage());
            return;
        } catch (IOException e) {
            LOG.info("Upload by {} broke off: {}", user, e.getMessage());
            refuse(resp, 400, "the upload broke off before its end; nothing was kept, upload it again");
            return;
        }
        if (expected != null && !expected.equals(stored.sha256())) {
            discard(stored);
            refuse(resp, 400, "the bytes received hash to " + stored.sha256() + ", not " + expected);
            return;
        }
        try {
            store.insert(stored.sha256(), stored.size(), user, System.currentTimeMillis());
        } catch (StoreException e) {
            discard(stored);
            refuse(resp, 503, "the media index is unavailable; upload again");
            return;
        }
        if (slot != null && !bind(slot, stored, req, resp)) {
            return;
        }
        resp.setStatus(201);
        resp.setContentType("application/json");
        resp.setHeader("Location", baseUrl.get() + "/" + stored.sha256());
        byte[] body = ("{\"sha256\":\"" + stored.sha256() + "\",\"size\":" + stored.size() + ",\"url\":\"" + baseUrl.get() + "/"
                + stored.sha256() + "\"}").getBytes(StandardCharsets.UTF_8);
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }

    /** {@code /slot/<name>[/<file name>]}: the slot's name, or null when the path is not a slot's. */
    static String slotName(String path) {
        if (path == null || !path.startsWith("/slot/")) {
            return null;
        }
        int end = path.indexOf('/', 6);
        String name = path.substring(6, end < 0 ? path.length() : end);
        return UploadSlots.isName(name) ? name : null;
    }

    /** Binds an upload to its slot; refuses (and answers) when the slot holds one already. */
    private boolean bind(String slot, BlobFiles.Stored stored, HttpServletRequest req, HttpServletResponse resp)
            throws IOException {
        if (!slots.bind(slot, stored.sha256(), req.getContentType())) {
            refuse(resp, 409, "this slot holds an upload already; ask for a new slot");
            return false;
        }
        try {
            store.touch(stored.sha256(), System.currentTimeMillis()); // a shared URL refers to it: kept for retentionDays
        } catch (StoreException e) {
            LOG.warn("Cannot mark {} as referred to by slot {}; it may be collected early: {}", stored.sha256(), slot, e.getMessage());
        }
        return true;
    }

    private void slotDownload(String slot, HttpServletRequest req, HttpServletResponse resp, boolean withBody) throws IOException {
        java.util.Optional<UploadSlots.Link> link = slots.resolve(slot);
        if (link.isEmpty()) {
            refuse(resp, 404, "nothing was uploaded to this slot, or it was collected");
            return;
        }
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("Content-Security-Policy", "default-src 'none'; sandbox");
        stream(link.get().sha256(), link.get().mime(), req, resp, withBody);
    }

    private void download(HttpServletRequest req, HttpServletResponse resp, boolean withBody) throws IOException {
        String path = req.getPathInfo();
        String hash = path == null ? "" : path.substring(1);
        if (!MediaRegistry.isHash(hash)) {
            refuse(resp, 400, "download /media/<sha256>, 64 lowercase hex digits");
            return;
        }
        stream(hash, "application/octet-stream", req, resp, withBody);
    }

    private void stream(String hash, String type, HttpServletRequest req, HttpServletResponse resp, boolean withBody)
            throws IOException {
        Path file = files.path(hash);
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            refuse(resp, 404, "no media " + hash);
            return;
        }
        long from = 0;
        long to = size - 1;
        String range = req.getHeader("Range");
        if (range != null) {
            long[] r = Ranges.parse(range, size);
            if (r == null) {
                resp.setHeader("Content-Range", "bytes */" + size);
                refuse(resp, 416, "the range " + range + " is not within the " + size + " bytes of this blob");
                return;
            }
            from = r[0];
            to = r[1];
            resp.setStatus(206);
            resp.setHeader("Content-Range", "bytes " + from + "-" + to + "/" + size);
        } else {
            resp.setStatus(200);
        }
        resp.setHeader("Accept-Ranges", "bytes");
        resp.setHeader("ETag", "\"" + hash + "\"");
        resp.setHeader("Cache-Control", "private, max-age=31536000, immutable");
        resp.setContentType(type);
        resp.setContentLengthLong(to - from + 1);
        if (!withBody) {
            return;
        }
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(from);
            OutputStream out = resp.getOutputStream();
            byte[] buffer = new byte[64 * 1024];
            long left = to - from + 1;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new IOException("the blob ended early");
                }
                try {
                    out.write(buffer, 0, n);
                } catch (IOException clientGone) {
                    // the client closed the connection; it resumes by range if it wants the rest
                    LOG.debug("Download of {} stopped by the client at {} bytes: {}", hash, to + 1 - left, clientGone.toString());
                    return;
                }
                left -= n;
            }
        }
    }

    /** Removes a blob this upload put in place but did not keep, so no file is left without an index entry. */
    private void discard(BlobFiles.Stored stored) throws IOException {
        if (stored.fresh()) {
            files.delete(stored.sha256());
        }
    }

    private static void refuse(HttpServletResponse resp, int status, String reason) throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        resp.setStatus(status);
        resp.setContentType("text/plain;charset=utf-8");
        byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }
}
