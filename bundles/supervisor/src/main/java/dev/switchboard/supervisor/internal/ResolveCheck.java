package dev.switchboard.supervisor.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Whether a jar would resolve in this framework, found out without touching the running bundle:
 * a copy under another symbolic name is installed, resolved and uninstalled again.
 */
final class ResolveCheck {

    private final BundleContext context;

    ResolveCheck(BundleContext context) {
        this.context = context;
    }

    /** Installs the jar aside under another name and resolves it. @return why it does not resolve, or null */
    String problem(byte[] bytes, Manifest manifest, String bsn) {
        String problem = probe(bytes, manifest, bsn, bsn + ".resolve-check." + UUID.randomUUID());
        return problem == null ? null : SupervisorComponent.firstLine(problem);
    }

    /** The check itself; the probe's made-up name never reaches the operator (it is put back to the real one). */
    private String probe(byte[] bytes, Manifest manifest, String bsn, String probeName) {
        String problem = probeUnder(bytes, manifest, probeName);
        if (problem == null) {
            return null;
        }
        java.util.regex.Matcher missing = java.util.regex.Pattern.compile("osgi\\.wiring\\.package=([^)\\s]+)").matcher(problem);
        if (missing.find()) {
            return "it needs package " + missing.group(1) + ", which no installed bundle exports"; // the gist of the resolver's text
        }
        return problem.replace(probeName, bsn);
    }

    private String probeUnder(byte[] bytes, Manifest manifest, String probeName) {
        Bundle probe = null;
        try {
            Manifest renamed = new Manifest(manifest);
            renamed.getMainAttributes().put(new Attributes.Name("Bundle-SymbolicName"), probeName);
            probe = context.installBundle("switchboard-check:" + UUID.randomUUID(), new ByteArrayInputStream(withManifest(bytes, renamed)));
            FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
            if (wiring.resolveBundles(List.of(probe))) {
                return null;
            }
            try {
                probe.start(); // not resolvable: start says why, and does nothing
                return "unresolved";
            } catch (BundleException e) {
                return e.getMessage();
            }
        } catch (BundleException | IOException e) {
            return e.getMessage();
        } finally {
            if (probe != null) {
                try {
                    probe.uninstall();
                    context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(List.of(probe));
                } catch (BundleException ignored) {
                    // it was never started; nothing depends on it
                }
            }
        }
    }

    private static byte[] withManifest(byte[] jar, Manifest manifest) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar));
             JarOutputStream out = new JarOutputStream(bytes, manifest)) {
            JarEntry e;
            while ((e = in.getNextJarEntry()) != null) {
                out.putNextEntry(new JarEntry(e.getName()));
                in.transferTo(out);
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

}
