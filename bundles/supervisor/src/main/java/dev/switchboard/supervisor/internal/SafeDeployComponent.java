package dev.switchboard.supervisor.internal;

import dev.switchboard.api.ops.SafeDeploy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys a bundle jar safely: first it is installed aside under another symbolic name and
 * resolved, and refused if it does not resolve (nothing changes); then the running bundle is
 * updated, its previous revision kept as a jar under {@code data/rollback}; if the new revision does
 * not start, or its components fail or stay unsatisfied past the timeout, the previous one is put
 * back. One deploy at a time.
 */
@Component(service = SafeDeploy.class, immediate = true, configurationPid = "dev.switchboard.deploy")
@Designate(ocd = SafeDeployConfiguration.class)
public final class SafeDeployComponent implements SafeDeploy {

    private static final Logger LOG = LoggerFactory.getLogger(SafeDeployComponent.class);

    private final BundleContext context;
    private final ServiceComponentRuntime scr;
    private final SafeDeployConfiguration config;
    private final Path rollbackDir;
    private final AtomicLong swaps = new AtomicLong();
    private final AtomicLong swapMillis = new AtomicLong();

    @Activate
    public SafeDeployComponent(BundleContext context, @Reference ServiceComponentRuntime scr, SafeDeployConfiguration config)
            throws IOException {
        this.context = context;
        this.scr = scr;
        this.config = config;
        Path dir = Path.of(config.rollbackDirectory());
        if (!dir.isAbsolute()) {
            String home = context.getProperty("switchboard.home");
            dir = Path.of(home == null ? "." : home).resolve(dir);
        }
        this.rollbackDir = dir.toAbsolutePath().normalize();
        Files.createDirectories(rollbackDir);
        Files.setPosixFilePermissions(rollbackDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }

    @Override
    public synchronized Result deploy(InputStream jar, String source) {
        byte[] bytes;
        Manifest manifest;
        try {
            bytes = jar.readNBytes(config.maxJarBytes() + 1);
            if (bytes.length > config.maxJarBytes()) {
                return new Result("refused", null, null, source + " is larger than " + config.maxJarBytes() + " bytes");
            }
            try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(bytes))) {
                manifest = in.getManifest();
            }
        } catch (IOException e) {
            return new Result("refused", null, null, source + " is not a readable jar: " + e.getMessage());
        }
        String bsn = manifest == null ? null : manifest.getMainAttributes().getValue("Bundle-SymbolicName");
        if (bsn == null) {
            return new Result("refused", null, null, source + " is not a bundle (no Bundle-SymbolicName)");
        }
        bsn = bsn.split(";")[0].trim();
        String problem = new ResolveCheck(context).problem(bytes, manifest, bsn);
        if (problem != null) {
            LOG.warn("Refused to deploy {} from {}: {}", bsn, source, problem);
            return new Result("refused", bsn, null, "it does not resolve: " + problem);
        }
        Bundle running = find(bsn);
        String incoming;
        try {
            incoming = Revisions.label(String.valueOf(manifest.getMainAttributes().getValue("Bundle-Version")),
                    Revisions.digest(bytes));
        } catch (IOException e) {
            return new Result("refused", bsn, null, source + " is not a readable jar: " + e.getMessage());
        }
        try {
            if (running == null) {
                Bundle b = context.installBundle("switchboard-deploy:" + bsn, new ByteArrayInputStream(bytes));
                b.start();
                return cameUp(b) ? new Result("installed", bsn, b.getVersion().toString(), "installed and started")
                        : new Result("failed", bsn, b.getVersion().toString(), "installed but its components did not come up");
            }
            byte[] previous = currentJar(running);
            Files.write(rollbackDir.resolve(bsn + ".jar"), previous);
            String before = Revisions.label(running.getVersion().toString(), Revisions.digest(running));
            if (before.equals(incoming)) {
                LOG.info("Deploying {} from {}: the same content as the running revision {}; updating anyway", bsn, source, before);
            }
            long t0 = System.nanoTime();
            String failure = null;
            try {
                running.update(new ByteArrayInputStream(bytes));
            } catch (BundleException e) {
                failure = "it did not start: " + e.getMessage();
            }
            if (failure == null && !cameUp(running)) {
                failure = "its components did not come up within " + config.timeoutSeconds() + " s: " + failures(running);
            }
            swaps.incrementAndGet();
            swapMillis.addAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            if (failure == null) {
                LOG.info("Deployed {} {} from {} (was {})", bsn, incoming, source, before);
                return new Result("updated", bsn, incoming, "was " + before);
            }
            LOG.error("Deploying {} from {} failed ({}); putting {} back", bsn, source, failure, before);
            long t1 = System.nanoTime();
            running.update(new ByteArrayInputStream(previous));
            boolean back = cameUp(running);
            swaps.incrementAndGet(); // putting the previous revision back is a swap too
            swapMillis.addAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1));
            return new Result(back ? "rolled-back" : "failed", bsn, running.getVersion().toString(),
                    failure + (back ? "; the previous revision " + before + " is running again" : "; the previous revision did not come up either"));
        } catch (BundleException | IOException e) {
            return new Result("failed", bsn, running == null ? null : running.getVersion().toString(), e.getMessage());
        }
    }

    @Override
    public synchronized Result rollback(String symbolicName) {
        Bundle running = find(symbolicName);
        Path saved = rollbackDir.resolve(symbolicName + ".jar");
        if (running == null || !Files.exists(saved)) {
            return new Result("refused", symbolicName, null, running == null ? "no such bundle" : "no earlier revision was kept");
        }
        try {
            byte[] previous = Files.readAllBytes(saved);
            byte[] current = currentJar(running);
            String before = running.getVersion().toString();
            running.update(new ByteArrayInputStream(previous));
            Files.write(saved, current); // a second rollback returns to where the first one came from
            swaps.incrementAndGet();
            return cameUp(running) ? new Result("rolled-back", symbolicName, running.getVersion().toString(), "was " + before)
                    : new Result("failed", symbolicName, running.getVersion().toString(), "the earlier revision did not come up");
        } catch (BundleException | IOException e) {
            return new Result("failed", symbolicName, null, e.getMessage());
        }
    }

    /**
     * Waits until the bundle is active and every enabled component of it is up (active, or satisfied
     * when it is not immediate), and stays so for a moment: SCR activates asynchronously, so a
     * component that has not tried yet must not pass for one that works.
     */
    private boolean cameUp(Bundle b) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(config.timeoutSeconds());
        long healthySince = 0;
        while (System.nanoTime() < deadline) {
            if (b.getState() == Bundle.ACTIVE && failures(b).isEmpty()) {
                if (healthySince == 0) {
                    healthySince = System.nanoTime();
                } else if (System.nanoTime() - healthySince >= TimeUnit.MILLISECONDS.toNanos(300)) {
                    return true;
                }
            } else {
                healthySince = 0;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** Components of a bundle that failed or wait, as text; empty when all are up. */
    private String failures(Bundle b) {
        StringBuilder out = new StringBuilder();
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(b)) {
            if (!scr.isComponentEnabled(d)) {
                continue;
            }
            var configs = scr.getComponentConfigurationDTOs(d);
            if (configs.isEmpty() && !"require".equals(d.configurationPolicy)) {
                out.append(d.name).append(" has not started; "); // (one that waits for its configuration is fine)
            }
            for (ComponentConfigurationDTO c : configs) {
                if (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                    out.append(d.name).append(" failed: ")
                            .append(c.failure == null ? "" : SupervisorComponent.firstLine(c.failure)).append("; ");
                } else if (c.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE
                        || c.state == ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION) {
                    out.append(d.name).append(" unsatisfied; ");
                } else if (d.immediate && c.state != ComponentConfigurationDTO.ACTIVE) {
                    out.append(d.name).append(" not active yet; ");
                }
            }
        }
        return out.toString();
    }

    private Bundle find(String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName()) && !String.valueOf(b.getLocation()).startsWith("switchboard-check:")) {
                return b;
            }
        }
        return null;
    }

    /** The running revision as a jar: its entries, manifest first. */
    private static byte[] currentJar(Bundle b) throws IOException {
        Manifest manifest;
        try (InputStream in = b.getEntry("META-INF/MANIFEST.MF").openStream()) {
            manifest = new Manifest(in);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes, manifest)) {
            for (var entry : Revisions.contents(b).entrySet()) {
                out.putNextEntry(new JarEntry(entry.getKey()));
                out.write(entry.getValue());
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    @Override
    public long swaps() {
        return swaps.get();
    }

    @Override
    public long swapMillis() {
        return swapMillis.get();
    }

}
