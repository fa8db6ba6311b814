package dev.switchboard.protocol.xmpp.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The XMPP protocol's settings (etc/dev.switchboard.protocol.xmpp.cfg); where it listens is the transport's. */
@ObjectClassDefinition(name = "Switchboard XMPP protocol")
public @interface XmppConfiguration {

    @AttributeDefinition(description = "The XMPP domain: accounts are user@domain, devices user@domain/N")
    String domain() default "localhost";

    @AttributeDefinition(description = "Offer XEP-0077 in-band registration (under TLS, or where logins without it are"
            + " allowed); the authenticator's clientRegistration must allow it too. Off: accounts come from sb:user add"
            + " or the SDK")
    boolean registration() default false;
}
