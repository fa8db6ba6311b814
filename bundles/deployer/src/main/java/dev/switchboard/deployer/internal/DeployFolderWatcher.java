package dev.switchboard.deployer.internal;

import dev.switchboard.api.ops.SafeDeploy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs or updates bundles from jars dropped into the deploy folder, matching running bundles
 * by symbolic name so a newer jar replaces the running revision in place instead of installing a
 * second copy beside it (BUILD-NOTES: the FileInstall trap). Only {@code *.jar} names not starting
 * with a dot are read, so a file being copied under a temporary name is left alone.
 */
@Component(immediate = true, configurationPid = "dev.switchboard.deployer")
@Designate(ocd = DeployerConfiguration.class)
public final class DeployFolderWatcher {

    private static final Logger LOG = LoggerFactory.getLogger(DeployFolderWatcher.class);

    private final BundleContext context;
    private final Path folder;
    private final ScheduledExecutorService scanner;
    /** What each file looked like when last handled: size and modification time. */
    private final Map<Path, String> seen = new HashMap<>();
    /** Safe deploys when the supervisor bundle runs; plain updates otherwise. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile SafeDeploy safeDeploy;

    @Activate
    public DeployFolderWatcher(BundleContext context, DeployerConfiguration config) throws IOException {
        if (config.pollMillis() < 100) {
            throw new IllegalArgumentException("pollMillis must be at least 100");
        }
        this.context = context;
        String home = context.getProperty("switchboard.home");
        this.folder = (config.folder().isBlank() ? Path.of(home == null ? "." : home, "deploy")
                : Path.of(config.folder())).toAbsolutePath().normalize();
        Files.createDirectories(folder);
        scanner = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sb-deployer");
            t.setDaemon(true);
            return t;
        });
        scanner.scheduleWithFixedDelay(this::scan, 0, config.pollMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Watching {} for bundle jars", folder);
    }

    @Deactivate
    void deactivate() {
        scanner.shutdownNow();
    }

    private void scan() {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(folder, "[!.]*.jar")) {
            for (Path jar : jars) {
                String stamp = Files.size(jar) + "@" + Files.getLastModifiedTime(jar).toMillis();
                if (!stamp.equals(seen.get(jar))) {
                    seen.put(jar, stamp);
                    deploy(jar);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Scanning {} failed: {}", folder, e.toString());
        }
    }

    private void deploy(Path jar) {
        String name;
        Version version;
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String bsn = manifest == null ? null : manifest.getMainAttributes().getValue("Bundle-SymbolicName");
            if (bsn == null) {
                LOG.error("Not deploying {}: it has no Bundle-SymbolicName", jar.getFileName());
                setAside(jar, "not a bundle: no Bundle-SymbolicName in its manifest");
                return;
            }
            name = bsn.split(";")[0].trim();
            version = Version.parseVersion(manifest.getMainAttributes().getValue("Bundle-Version"));
        } catch (IOException | IllegalArgumentException e) {
            LOG.error("Not deploying {}: not a readable bundle jar ({})", jar.getFileName(), e.toString());
            setAside(jar, "not a readable bundle jar: " + e);
            return;
        }
        Bundle running = find(name);
        if (running != null && running.getVersion().equals(version)
                && running.getLastModified() >= lastModified(jar)) {
            return;
        }
        SafeDeploy safe = safeDeploy;
        if (safe != null) {
            // checked and rolled back when it does not come up (issue #9)
            try (InputStream in = Files.newInputStream(jar)) {
                SafeDeploy.Result r = safe.deploy(in, jar.toString());
                if (r.ok()) {
                    LOG.info("Deployed {} {} from {}: {}", name, r.version(), jar.getFileName(), r.detail());
                } else {
                    LOG.error("Deploying {} from {}: {} - {}", name, jar.getFileName(), r.outcome(), r.detail());
                    if ("refused".equals(r.outcome())) {
                        setAside(jar, r.detail());
                    }
                }
            } catch (IOException e) {
                LOG.error("Deploying {} failed: {}", jar.getFileName(), e.toString());
            }
            return;
        }
        try (InputStream in = Files.newInputStream(jar)) {
            if (running == null) {
                Bundle b = context.installBundle("deploy:" + jar.getFileName(), in);
                b.start();
                LOG.info("Installed {} {} from {}", name, version, jar.getFileName());
                return;
            }
            Version before = running.getVersion();
            long started = System.nanoTime();
            running.update(in);
            refreshIfPending(running);
            LOG.info("Updated {} {} -> {} from {} in {} ms", name, before, version, jar.getFileName(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        } catch (BundleException | IOException | RuntimeException e) {
            LOG.error("Deploying {} failed: {}", jar.getFileName(), e.toString());
        }
    }

    /**
     * Moves a refused jar to {@code deploy/refused/} with a {@code .reason} file beside it, so the
     * folder shows what was not deployed and why, and the jar is not tried again on every scan.
     */
    private void setAside(Path jar, String reason) {
        try {
            Path refused = folder.resolve("refused");
            Files.createDirectories(refused);
            Path target = refused.resolve(jar.getFileName());
            Files.move(jar, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(refused.resolve(jar.getFileName() + ".reason"), reason + "\n");
            seen.remove(jar);
            LOG.info("Moved the refused {} to {} (the reason is beside it)", jar.getFileName(), refused);
        } catch (IOException e) {
            LOG.warn("Cannot move the refused {} aside: {}", jar.getFileName(), e.toString());
        }
    }

    private static long lastModified(Path jar) {
        try {
            return Files.getLastModifiedTime(jar).toMillis();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    /** A bundle that exports packages keeps its old revision wired until refreshed. */
    private void refreshIfPending(Bundle bundle) {
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        if (wiring.getRemovalPendingBundles().contains(bundle)) {
            wiring.refreshBundles(List.of(bundle));
        }
    }

    private Bundle find(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }
}
