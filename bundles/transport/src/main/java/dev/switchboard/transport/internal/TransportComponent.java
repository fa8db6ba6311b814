package dev.switchboard.transport.internal;

import dev.switchboard.api.auth.Authenticator;
import dev.switchboard.api.protocol.FrameCodec;
import dev.switchboard.api.routing.Router;
import dev.switchboard.noise.KeyPair25519;
import java.io.IOException;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The binary protocol's listener. Its references to the codec, router and authenticator are
 * optional and dynamic, so a swap of any of them never deactivates this component or drops a
 * connection: connections wait (reads suspended) until the service is back, for at most the grace period.
 */
@Component(service = TransportComponent.class, immediate = true, configurationPid = "dev.switchboard.transport")
@Designate(ocd = TransportConfiguration.class)
public final class TransportComponent {

    private static final Logger LOG = LoggerFactory.getLogger(TransportComponent.class);

    private final Listener listener;

    @Activate
    public TransportComponent(@Reference SessionRegistry registry, Map<String, Object> properties,
                              org.osgi.framework.BundleContext context) throws IOException {
        this(registry, properties, dataDirectory(context));
    }

    /** @param dataDirectory where {@code noise/} keeps the server's keys (the runtime's {@code data/}) */
    TransportComponent(SessionRegistry registry, Map<String, ?> properties, java.nio.file.Path dataDirectory) throws IOException {
        ServerKeys keys = ServerKeys.load(dataDirectory.resolve("noise"));
        LOG.info("Noise static key {} (fingerprint {}){}", KeyPair25519.hex(keys.current().publicKey()), keys.fingerprint(),
                keys.accepted().size() > 1 ? "; the previous key is still accepted" : "");
        listener = new Listener(ListenerKind.BINARY, registry, properties, keys, null);
    }

    static java.nio.file.Path dataDirectory(org.osgi.framework.BundleContext context) {
        String home = context.getProperty("switchboard.home");
        return java.nio.file.Path.of(home == null || home.isBlank() ? "." : home).resolve("data");
    }

    /** Applies a changed configuration live (see {@link Listener#modified}). */
    @Modified
    void modified(Map<String, Object> properties) {
        listener.modified(properties);
    }

    @Deactivate
    public void deactivate() {
        listener.close();
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return listener.port();
    }

    // --- swappable services: optional, dynamic, greedy (BUILD-NOTES: a mandatory one would close the acceptor)

    /** The binary protocol's codec only: another protocol's codec has a listener of its own. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(protocol=binary)")
    void bindCodec(FrameCodec codec) {
        listener.codec(codec);
    }

    void unbindCodec(FrameCodec codec) {
        listener.noCodec(codec);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindRouter(Router router) {
        listener.router(router);
    }

    void unbindRouter(Router router) {
        listener.noRouter(router);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindAuthenticator(Authenticator authenticator) {
        listener.authenticator(authenticator);
    }

    void unbindAuthenticator(Authenticator authenticator) {
        listener.noAuthenticator(authenticator);
    }
}
