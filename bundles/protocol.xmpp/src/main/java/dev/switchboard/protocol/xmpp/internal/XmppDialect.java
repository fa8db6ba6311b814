package dev.switchboard.protocol.xmpp.internal;

import dev.switchboard.api.protocol.Dialect;
import dev.switchboard.api.protocol.Link;
import dev.switchboard.api.stanza.Node;
import java.util.List;

/** XMPP mapped onto Switchboard's stanzas for one domain: what clients send, and what they are sent. */
final class XmppDialect implements Dialect {

    private final ClientFrames in;
    private final ServerFrames out;

    /** @param registration XEP-0077 in-band registration is offered */
    XmppDialect(String domain, boolean registration) {
        Jids jids = new Jids(domain);
        InBandRegistration register = registration ? new InBandRegistration(domain) : null;
        RosterFrames roster = new RosterFrames(jids);
        UploadFrames upload = new UploadFrames(jids);
        CarbonFrames carbons = new CarbonFrames(jids);
        this.in = new ClientFrames(jids, new StreamFeatures(registration), register, roster, upload, carbons);
        this.out = new ServerFrames(jids, register, roster, upload, carbons);
    }

    @Override
    public List<Node> inbound(Node frame, Link link) {
        return in.inbound(frame, link);
    }

    @Override
    public List<Node> outbound(Node stanza, Link link) {
        return out.outbound(stanza, link);
    }
}
