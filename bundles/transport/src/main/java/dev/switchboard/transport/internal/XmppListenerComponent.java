package dev.switchboard.transport.internal;

import dev.switchboard.api.auth.Authenticator;
import dev.switchboard.api.protocol.FrameCodec;
import dev.switchboard.api.routing.Router;
import java.io.IOException;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The XMPP listener (docs/XMPP.md): the same transport as the binary protocol's, bound to the
 * codec of {@code protocol=xmpp}. It starts when its configuration exists
 * ({@code etc/dev.switchboard.transport.xmpp.cfg}, shipped in the default {@code etc/}), so a
 * runtime without it has no XMPP port. Its references are optional and dynamic for the same reason
 * as {@link TransportComponent}'s: a swap of protocol.xmpp never drops an XMPP connection.
 */
@Component(service = XmppListenerComponent.class, immediate = true, configurationPid = "dev.switchboard.transport.xmpp",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = XmppListenerConfiguration.class)
public final class XmppListenerComponent {

    private final Listener listener;

    @Activate
    public XmppListenerComponent(@Reference SessionRegistry registry, Map<String, Object> properties,
                                 org.osgi.framework.BundleContext context) throws IOException {
        listener = new Listener(ListenerKind.XMPP, registry, properties, null,
                StartTls.load(TransportComponent.dataDirectory(context)));
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

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(protocol=xmpp)")
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
