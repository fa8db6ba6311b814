package dev.switchboard.protocol.xmpp.internal;

import dev.switchboard.api.protocol.Dialect;
import dev.switchboard.api.protocol.FrameCodec;
import dev.switchboard.protocol.xmpp.wire.XmppWire;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offers XMPP to the transport's XMPP listener: the codec and its dialect, one service. Nothing of a
 * connection lives here (the transport keeps the bytes and the dialect's state), so it swaps between
 * any two stanzas.
 */
@Component(service = FrameCodec.class, immediate = true, property = "protocol=xmpp",
        configurationPid = "dev.switchboard.protocol.xmpp")
@Designate(ocd = XmppConfiguration.class)
public final class XmppCodecComponent extends XmppWire {

    private static final Logger LOG = LoggerFactory.getLogger(XmppCodecComponent.class);

    private volatile Dialect dialect;

    @Activate
    @Modified
    void configure(XmppConfiguration config) {
        String domain = config.domain() == null || config.domain().isBlank() ? "localhost" : config.domain().trim().toLowerCase(java.util.Locale.ROOT);
        dialect = new XmppDialect(domain, config.registration());
        LOG.info("XMPP domain {}{}", domain, config.registration() ? ", in-band registration offered" : "");
    }

    @Override
    public Dialect dialect() {
        return dialect;
    }
}
