package dev.switchboard.itest;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.*;

import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.ClientException;
import dev.switchboard.client.SwitchboardClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.inject.Inject;
import org.junit.Before;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Shared set-up of the Pax Exam tests: a forked Felix with the switchboard bundles (from their
 * built jars) and their third-party dependencies, each test class with its own home and port.
 * Provisioning fails the test when a bundle does not resolve.
 */
public abstract class SwitchboardTestSupport {

    protected static final String ROOT = System.getProperty("sb.root", "..");
    protected static final String VERSION = System.getProperty("sb.version", "0.1.0-SNAPSHOT");

    @Inject
    protected BundleContext context;

    protected int port;

    @Configuration
    public Option[] configuration() throws IOException {
        Path homes = Path.of(System.getProperty("sb.itest.dir", "target/itest-homes"));
        Files.createDirectories(homes);
        Path home = Files.createTempDirectory(homes, getClass().getSimpleName() + "-");
        int freePort;
        int httpPort;
        try (ServerSocket s = new ServerSocket(0); ServerSocket h = new ServerSocket(0)) {
            freePort = s.getLocalPort();
            httpPort = h.getLocalPort();
        }
        return options(
                frameworkProperty("switchboard.home").value(home.toString()),
                frameworkProperty("sb.itest.port").value(String.valueOf(freePort)),
                // in-process tests serve media in plain HTTP on loopback (allowed there, and no tls bundle);
                // HTTPS is tested on the exported runtime (LiveConfigIT, EncryptionIT)
                frameworkProperty("org.osgi.service.http.port").value(String.valueOf(httpPort)),
                frameworkProperty("org.apache.felix.http.host").value("127.0.0.1"),
                frameworkProperty("sb.root").value(Path.of(ROOT).toAbsolutePath().normalize().toString()),
                frameworkProperty("sb.version").value(VERSION),
                frameworkProperty("org.osgi.framework.bootdelegation").value("sun.misc"),
                systemProperty("org.slf4j.simpleLogger.defaultLogLevel").value("warn"),
                systemProperty("org.slf4j.simpleLogger.log.dev.switchboard").value("info"),
                systemProperty("org.slf4j.simpleLogger.logFile").value(home.resolve("server.log").toString()),
                systemProperty("org.slf4j.simpleLogger.showDateTime").value("true"),
                vmOption("-Xmx1g"),
                mavenBundle("org.ow2.asm", "asm").versionAsInProject().startLevel(1),
                mavenBundle("org.ow2.asm", "asm-commons").versionAsInProject().startLevel(1),
                mavenBundle("org.ow2.asm", "asm-tree").versionAsInProject().startLevel(1),
                mavenBundle("org.ow2.asm", "asm-analysis").versionAsInProject().startLevel(1),
                mavenBundle("org.ow2.asm", "asm-util").versionAsInProject().startLevel(1),
                mavenBundle("org.apache.aries.spifly", "org.apache.aries.spifly.dynamic.bundle").versionAsInProject().startLevel(1),
                // the provider must be registered with SPI Fly before anything first asks slf4j-api for a logger
                mavenBundle("org.slf4j", "slf4j-api").versionAsInProject().startLevel(2),
                mavenBundle("org.slf4j", "slf4j-simple").versionAsInProject().startLevel(1),
                mavenBundle("org.osgi", "org.osgi.util.function").versionAsInProject(),
                mavenBundle("org.osgi", "org.osgi.util.promise").versionAsInProject(),
                mavenBundle("org.osgi", "org.osgi.service.component").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.scr").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.configadmin").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.gogo.runtime").versionAsInProject(),
                mavenBundle("org.apache.mina", "mina-core").versionAsInProject(),
                mavenBundle("org.bouncycastle", "bcprov-jdk18on").versionAsInProject(),
                mavenBundle("com.h2database", "h2").versionAsInProject(),
                mavenBundle("org.mariadb.jdbc", "mariadb-java-client").versionAsInProject(),
                mavenBundle("com.zaxxer", "HikariCP").versionAsInProject(),
                mavenBundle("jakarta.activation", "jakarta.activation-api").versionAsInProject(),
                mavenBundle("jakarta.xml.bind", "jakarta.xml.bind-api").versionAsInProject(),
                mavenBundle("org.ehcache", "ehcache").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.http.servlet-api").versionAsInProject(),
                mavenBundle("commons-io", "commons-io").versionAsInProject(),
                mavenBundle("commons-fileupload", "commons-fileupload").versionAsInProject(),
                mavenBundle("org.apache.felix", "org.apache.felix.http.jetty12").versionAsInProject(),
                switchboard("bundles/api", "api"),
                switchboard("bundles/protocol.binary", "protocol.binary"),
                switchboard("bundles/store.sql", "store.sql"),
                switchboard("bundles/auth", "auth"),
                switchboard("bundles/journal", "journal"),
                switchboard("bundles/offline", "offline"),
                switchboard("bundles/routing", "routing"),
                switchboard("bundles/groups", "groups"),
                switchboard("bundles/keys", "keys"),
                switchboard("bundles/presence", "presence"),
                switchboard("bundles/media", "media"),
                switchboard("bundles/supervisor", "supervisor"),
                switchboard("bundles/metrics", "metrics"),
                switchboard("bundles/transport", "transport"),
                switchboard("bundles/shell", "shell"),
                switchboard("client", "client"),
                junitBundles());
    }

    private static Option switchboard(String module, String name) {
        return org.ops4j.pax.exam.CoreOptions.bundle(jar(module, name).toUri().toString());
    }

    /** The jar the reactor built for a module. */
    protected static Path jar(String module, String name) {
        return Path.of(ROOT, module, "target", "switchboard-" + name + "-" + VERSION + ".jar").toAbsolutePath().normalize();
    }

    @Before
    public void listenOnTheTestPort() throws Exception {
        port = Integer.parseInt(context.getProperty("sb.itest.port"));
        ConfigurationAdmin admin = service(ConfigurationAdmin.class);
        org.osgi.service.cm.Configuration config = admin.getConfiguration("dev.switchboard.transport", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("port", port);
        transportSettings().forEach(props::put);
        boolean same = config.getProperties() != null;
        for (var keys = props.keys(); same && keys.hasMoreElements(); ) {
            String key = keys.nextElement();
            same = props.get(key).equals(config.getProperties().get(key));
        }
        if (!same) {
            config.update(props);
            // wait for the transport revision that has these settings, not the one being replaced
            await("the transport to take its settings " + props, Duration.ofSeconds(30), () -> transportHas(props));
        }
        await("transport listening on " + port, Duration.ofSeconds(30), this::listening);
        await("routing and auth services", Duration.ofSeconds(30), () -> bundle("dev.switchboard.routing").getState() == Bundle.ACTIVE);
    }

    private boolean transportHas(Dictionary<String, Object> props) {
        var ref = context.getServiceReference(org.osgi.service.component.runtime.ServiceComponentRuntime.class);
        var scr = context.getService(ref);
        try {
            for (var d : scr.getComponentDescriptionDTOs()) {
                if (!d.name.equals("dev.switchboard.transport.internal.TransportComponent")) {
                    continue;
                }
                for (var c : scr.getComponentConfigurationDTOs(d)) {
                    if (c.state != org.osgi.service.component.runtime.dto.ComponentConfigurationDTO.ACTIVE) {
                        continue;
                    }
                    boolean all = true;
                    for (var keys = props.keys(); keys.hasMoreElements(); ) {
                        String key = keys.nextElement();
                        all &= props.get(key).equals(c.properties.get(key));
                    }
                    if (all) {
                        return true;
                    }
                }
            }
            return false;
        } finally {
            context.ungetService(ref);
        }
    }

    /** Transport settings a test class needs besides its port (limits, timeouts). */
    protected Map<String, Object> transportSettings() {
        return Map.of();
    }

    private boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A service, waiting up to 30 s for it. */
    protected <T> T service(Class<T> type) throws InterruptedException {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        T s = tracker.waitForService(30_000);
        if (s == null) {
            fail("no " + type.getName() + " service within 30 s");
        }
        return s;
    }

    /** The MariaDB the tests may use: SB_MARIADB_HOST / SB_MARIADB_PORT, default 127.0.0.1:3306. */
    protected static final InetSocketAddress MARIADB = new InetSocketAddress(
            System.getenv().getOrDefault("SB_MARIADB_HOST", "127.0.0.1"),
            Integer.parseInt(System.getenv().getOrDefault("SB_MARIADB_PORT", "3306")));

    /** Fails under CI=true when MariaDB does not answer; elsewhere skips the test, loudly. */
    protected static void requireMariaDb(String test) {
        try (Socket s = new Socket()) {
            s.connect(MARIADB, 2000);
        } catch (Exception e) {
            String message = "MariaDB at " + MARIADB + " is unreachable (" + e + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message + ": under CI the MariaDB tests must run");
            }
            System.err.println("\n*** SKIPPING " + test + ": " + message + " ***\n");
            org.junit.Assume.assumeTrue(message, false);
        }
    }

    /** Points store.sql at a database and waits until auth runs on the new store. */
    protected void useDatabase(String url) throws Exception {
        service(AccountService.class);
        long before = (Long) context.getServiceReference(AccountService.class).getProperty("service.id");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("url", url);
        props.put("user", System.getenv().getOrDefault("SB_MARIADB_USER", "root"));
        props.put("password", System.getenv().getOrDefault("SB_MARIADB_PASSWORD", ""));
        service(ConfigurationAdmin.class).getConfiguration("dev.switchboard.store.sql", "?").update(props);
        await("auth to restart on the reconfigured store", Duration.ofSeconds(30), () -> {
            var ref = context.getServiceReference(AccountService.class);
            return ref != null && (Long) ref.getProperty("service.id") != before;
        });
    }

    /** Points store.sql at the test MariaDB (or skips / fails as {@link #requireMariaDb} says). */
    protected void useMariaDb() throws Exception {
        requireMariaDb(getClass().getSimpleName());
        useDatabase("jdbc:mariadb://" + MARIADB.getHostString() + ":" + MARIADB.getPort() + "/test");
    }

    protected void register(String user) throws Exception {
        service(AccountService.class).register(user, password(user));
    }

    protected static String password(String user) {
        return "pw-" + user + "-secret";
    }

    protected SwitchboardClient login(String user) throws Exception {
        SwitchboardClient c = SwitchboardClient.connect("127.0.0.1", port);
        c.login(user, 0, password(user));
        return c;
    }

    protected Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    protected static WeakReference<ClassLoader> loaderOf(Bundle b) {
        return new WeakReference<>(b.adapt(BundleWiring.class).getClassLoader());
    }

    /** A copy of a built bundle jar whose Bundle-Version is the given one. */
    protected static byte[] withVersion(Path jar, String version) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().put(new Attributes.Name("Bundle-Version"), version);
            try (JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
                JarEntry e;
                while ((e = in.getNextJarEntry()) != null) {
                    jarOut.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(jarOut);
                    jarOut.closeEntry();
                }
            }
        }
        return out.toByteArray();
    }

    /** Waits for a condition, failing with its description after the timeout. */
    protected static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        await(() -> what, timeout, condition);
    }

    /** As above, with the description made when it fails (to report the state at that moment). */
    protected static void await(java.util.function.Supplier<String> what, Duration timeout, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout.toSeconds() + " s waiting for " + what.get());
            }
            Thread.onSpinWait();
            Object lock = new Object();
            synchronized (lock) {
                lock.wait(20);
            }
        }
    }

    /** Asserts that every class loader becomes unreachable, collecting garbage for at most a minute. */
    protected static void assertCollected(List<WeakReference<ClassLoader>> loaders) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<WeakReference<ClassLoader>> alive = new ArrayList<>(loaders);
        while (!alive.isEmpty() && System.nanoTime() < deadline) {
            System.gc();
            alive.removeIf(r -> r.get() == null);
            if (!alive.isEmpty()) {
                Object lock = new Object();
                synchronized (lock) {
                    lock.wait(100);
                }
            }
        }
        if (!alive.isEmpty()) {
            fail(alive.size() + " of " + loaders.size() + " replaced class loaders still reachable: " + alive.stream()
                    .map(r -> String.valueOf(r.get())).toList() + "; " + heapDump());
        }
    }

    /** A heap dump for the leak's path to its class loader (open it in a heap analyser, e.g. Eclipse MAT). */
    private static String heapDump() {
        try {
            Path dir = Path.of(System.getProperty("sb.itest.dir", "target/itest-homes")).toAbsolutePath();
            Files.createDirectories(dir);
            Path file = dir.resolve("leak-" + System.currentTimeMillis() + ".hprof");
            java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .dumpHeap(file.toString(), true);
            return "heap dump: " + file;
        } catch (IOException | RuntimeException | LinkageError e) {
            return "no heap dump (" + e + ")"; // e.g. com.sun.management not visible inside the framework
        }
    }

    protected static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    /** What each client received and the test has not consumed yet. */
    protected final Map<SwitchboardClient, List<Node>> unread = new HashMap<>();

    @FunctionalInterface
    protected interface Request {
        void run() throws Exception;
    }

    /** The error code a client request fails with. */
    protected static String code(Request request) throws Exception {
        try {
            request.run();
        } catch (ClientException e) {
            return e.code();
        }
        throw new AssertionError("the request succeeded");
    }

    /** The first received stanza matching, waiting up to 30 s; others are kept for later expectations. */
    protected Node expect(SwitchboardClient client, Predicate<Node> match) throws InterruptedException {
        List<Node> kept = unread.computeIfAbsent(client, k -> new ArrayList<>());
        for (int i = 0; i < kept.size(); i++) {
            if (match.test(kept.get(i))) {
                return kept.remove(i);
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Node n = client.incoming().poll(100, TimeUnit.MILLISECONDS);
            if (n == null) {
                continue;
            }
            if (match.test(n)) {
                return n;
            }
            kept.add(n);
        }
        throw new AssertionError("nothing matching arrived within 30 s; got " + kept);
    }
}
