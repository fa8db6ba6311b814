package dev.switchboard.tls.internal;

import java.nio.file.Path;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares {@code data/tls/https.p12} for the HTTP server before it starts: built from the PEM files
 * {@code switchboard.tls.certificate} and {@code switchboard.tls.key} name (default
 * {@code etc/tls/certificate.pem} and {@code etc/tls/key.pem}) at every start when they exist, else a
 * self-signed certificate generated once, for development. Its SHA-256 goes to
 * {@code data/tls/https.sha256}, which the media component hands to clients to pin.
 */
public final class TlsActivator implements BundleActivator {

    private static final Logger LOG = LoggerFactory.getLogger(TlsActivator.class);

    @Override
    public void start(BundleContext context) {
        Path home = Path.of(property(context, "switchboard.home", "."));
        Path certificate = home.resolve(property(context, "switchboard.tls.certificate", "etc/tls/certificate.pem"));
        Path key = home.resolve(property(context, "switchboard.tls.key", "etc/tls/key.pem"));
        try {
            HttpsKeystore.Prepared p = HttpsKeystore.prepare(home.resolve("data/tls"), certificate, key);
            LOG.info("HTTPS certificate {} (sha256 {}){}", p.subject(), p.sha256(),
                    p.selfSigned() ? ", self-signed for development: clients pin it; put a real one in " + certificate
                            + " and " + key : ", from " + certificate);
        } catch (Exception e) {
            LOG.error("No HTTPS certificate: {}. The HTTP server cannot start HTTPS until this is fixed and the"
                    + " server restarted", e.getMessage(), e);
        }
    }

    @Override
    public void stop(BundleContext context) {
    }

    private static String property(BundleContext context, String name, String otherwise) {
        String v = context.getProperty(name);
        return v == null || v.isBlank() ? otherwise : v;
    }
}
