package dev.switchboard.media.internal;

import dev.switchboard.api.media.MediaRegistry;
import dev.switchboard.api.routing.StanzaHandler;
import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.stanza.Address;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.api.state.StateVault;
import dev.switchboard.api.store.MediaStore;
import dev.switchboard.api.store.StoreException;
import jakarta.servlet.Servlet;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Media: issues upload and download tokens over the messaging connection ({@code media op="token"}),
 * serves {@code /media} over HTTP through the Servlet Whiteboard, tells the router which blobs
 * exist, and collects blobs nothing refers to any more. On a swap, transfers in progress get a few
 * seconds to finish; one that does not is cut and resumed by range against the next revision.
 */
@Component(service = {MediaRegistry.class, StanzaHandler.class}, immediate = true,
        property = StanzaHandler.TAGS + "=media", configurationPid = "dev.switchboard.media")
@Designate(ocd = MediaConfiguration.class)
public final class MediaComponent implements MediaRegistry, StanzaHandler {

    private static final Logger LOG = LoggerFactory.getLogger(MediaComponent.class);
    private static final String VAULT_KEY = "dev.switchboard.media";

    private final MediaStore store;
    private final SessionDirectory directory;
    private final StateVault vault;
    private final MediaConfiguration config;
    private final BlobFiles files;
    private final MediaTokens tokens;
    private final MediaServlet servlet;
    /** The operator's address for media (behind a proxy, say), or null to use the HTTP server's own. */
    private final String publicUrl;
    /** The HTTP server's endpoint as it reports it, e.g. {@code http://127.0.0.1:5280/}. */
    private volatile String endpoint;
    private final ServiceRegistration<Servlet> registration;
    /** Where the tls bundle wrote the SHA-256 of the HTTPS certificate, which clients pin (data/tls/https.sha256). */
    private final Path certificateSha256;
    /** Read once: the tls bundle writes it before the HTTP server starts, and only at a start. */
    private volatile String certificate;
    private final ScheduledExecutorService collector;
    private final UploadSlots slots;

    @Activate
    public MediaComponent(@Reference MediaStore store, @Reference SessionDirectory directory, @Reference StateVault vault,
                          MediaConfiguration config, BundleContext context) throws IOException {
        this.store = store;
        this.directory = directory;
        this.vault = vault;
        this.config = config;
        Path dir = Path.of(config.directory());
        if (!dir.isAbsolute()) {
            String home = context.getProperty("switchboard.home");
            dir = Path.of(home == null ? "." : home).resolve(dir);
        }
        this.files = new BlobFiles(dir.toAbsolutePath().normalize());
        String homeDir = context.getProperty("switchboard.home");
        this.certificateSha256 = Path.of(homeDir == null ? "." : homeDir, "data", "tls", "https.sha256");
        int removed = files.cleanTemporary(TimeUnit.HOURS.toMillis(1));
        byte[] secret = vault.take(VAULT_KEY).map(s -> s.data().get("secret")).filter(byte[].class::isInstance)
                .map(byte[].class::cast).orElseGet(MediaComponent::newSecret);
        this.tokens = new MediaTokens(secret);
        String port = context.getProperty("org.osgi.service.http.port");
        this.publicUrl = config.publicUrl().isBlank() ? null : config.publicUrl().replaceAll("/+$", "");
        this.endpoint = "http://127.0.0.1:" + (port == null ? "8080" : port) + "/"; // until the HTTP runtime says
        this.slots = new UploadSlots(dir.toAbsolutePath().normalize());
        this.servlet = new MediaServlet(files, slots, tokens, store, config, this::baseUrl);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("osgi.http.whiteboard.servlet.pattern", new String[] {"/media", "/media/*"});
        props.put("osgi.http.whiteboard.servlet.name", "switchboard-media");
        this.registration = context.registerService(Servlet.class, servlet, props);
        this.collector = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sb-media-collector");
            t.setDaemon(true);
            return t;
        });
        collector.scheduleWithFixedDelay(this::collect, 1, 60, TimeUnit.MINUTES);
        LOG.info("Media ready (blobs in {}; {} unfinished uploads removed); its URL follows the HTTP server", dir, removed);
    }

    private static byte[] newSecret() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return secret;
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        if (!servlet.drain(TimeUnit.SECONDS.toMillis(config.drainSeconds()))) {
            LOG.warn("Media transfers still running after {} s are cut; clients resume them by range", config.drainSeconds());
        }
        registration.unregister();
        collector.shutdownNow();
        vault.put(VAULT_KEY, 1, Map.of("secret", tokens.secret()));
    }

    /** Where clients upload and download: {@code publicUrl}, or the HTTP server's actual endpoint. */
    String baseUrl() {
        return publicUrl != null ? publicUrl : endpoint + "media";
    }

    /**
     * The HTTP server's runtime: its {@code osgi.http.endpoint} property says on which scheme, host and
     * port it listens, so the URL handed to clients follows its configuration (and a change of it).
     */
    @org.osgi.service.component.annotations.Reference(service = org.osgi.service.servlet.runtime.HttpServiceRuntime.class,
            cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC,
            policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
    void bindHttpRuntime(java.util.Map<String, Object> properties) {
        Object value = properties.get("osgi.http.endpoint");
        String first = value instanceof String[] all && all.length > 0 ? all[0]
                : value instanceof java.util.Collection<?> c && !c.isEmpty() ? String.valueOf(c.iterator().next())
                : value instanceof String one ? one : null;
        if (first != null && !first.isBlank()) {
            endpoint = first.endsWith("/") ? first : first + "/";
            LOG.info("Media at {}", baseUrl());
        }
    }

    void updatedHttpRuntime(java.util.Map<String, Object> properties) {
        bindHttpRuntime(properties);
    }

    void unbindHttpRuntime(java.util.Map<String, Object> properties) {
        // keep the last known endpoint: a restarting HTTP server comes back where it was configured
    }

    @Override
    public boolean exists(String sha256) throws StoreException {
        return MediaRegistry.isHash(sha256) && files.exists(sha256) && store.blob(sha256).isPresent();
    }

    @Override
    public void referenced(String sha256, long atMs) throws StoreException {
        store.touch(sha256, atMs);
    }

    @Override
    public boolean handle(Address from, Node stanza) {
        String id = stanza.attr("id");
        if (!"token".equals(stanza.attr("op"))) {
            directory.deliver(from, Node.of("result", "id", id, "error", "bad-request", "text", "media supports op=\"token\""));
            return true;
        }
        String url = baseUrl();
        if (plainHttpOffLoopback(url)) {
            LOG.error("Media is served over plain HTTP at {}, which is not a loopback address: no tokens are handed out"
                    + " until HTTPS is configured (etc/org.apache.felix.http.cfg)", url);
            directory.deliver(from, Node.of("result", "id", id, "error", "unavailable", "text",
                    "media is not available over an unencrypted network address"));
            return true;
        }
        long expires = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(config.tokenMinutes());
        // the certificate's hash travels over the Noise-authenticated connection, so the client can pin a
        // self-signed one; with a certificate from a CA it is there all the same
        directory.deliver(from, Node.of("result", "id", id, "token", tokens.issue(from.user(), expires),
                "expires", Long.toString(expires), "url", url, "max", Long.toString(config.maxBytes()),
                "cert", url.startsWith("https:") ? certificate() : null));
        return true;
    }

    private String certificate() {
        String known = certificate;
        if (known != null) {
            return known;
        }
        try {
            String sha = java.nio.file.Files.readString(certificateSha256).trim();
            certificate = sha.isEmpty() ? null : sha;
        } catch (IOException e) {
            // no certificate prepared: the client then relies on its own trust store; tried again next time
        }
        return certificate;
    }

    /** Plain HTTP is for a loopback host only: anywhere else tokens and blobs would cross the network in clear. */
    static boolean plainHttpOffLoopback(String url) {
        if (!url.startsWith("http:")) {
            return false;
        }
        try {
            String host = java.net.URI.create(url).getHost();
            for (java.net.InetAddress a : java.net.InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return true;
                }
            }
            return false;
        } catch (IllegalArgumentException | java.net.UnknownHostException e) {
            return true;
        }
    }

    /** Deletes blobs nothing refers to any more, files a crash left without an index entry, and slots of collected blobs. */
    void collect() {
        try {
            MediaCollector.Result r = new MediaCollector(files, store, config.unreferencedHours(), config.retentionDays())
                    .run(System.currentTimeMillis());
            if (r.collected() > 0 || r.orphans() > 0) {
                LOG.info("Collected {} media blobs no message refers to any more and {} files without an index entry",
                        r.collected(), r.orphans());
            }
            int stale = slots.sweep(hash -> java.nio.file.Files.exists(files.path(hash)));
            if (stale > 0) {
                LOG.info("Dropped {} upload slots whose media was collected", stale);
            }
        } catch (StoreException | IOException e) {
            LOG.warn("Media collection failed; retrying in an hour: {}", e.getMessage());
        }
    }
}
