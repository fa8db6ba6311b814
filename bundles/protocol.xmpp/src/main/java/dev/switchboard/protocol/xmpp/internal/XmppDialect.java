package dev.switchboard.protocol.xmpp.internal;

import dev.switchboard.api.protocol.Dialect;
import dev.switchboard.api.protocol.Link;
import dev.switchboard.api.stanza.Node;
import java.util.List;

/** XMPP mapped onto Switchboard's stanzas for one domain: what clients send, and what they are sent. */
final class XmppDialect implements Dialect {

    private final ClientFrames in;
    private final ServerFrames out;

    XmppDialect(String domain) {
        Jids jids = new Jids(domain);
        this.in = new ClientFrames(jids, new StreamFeatures());
        this.out = new ServerFrames(jids);
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
