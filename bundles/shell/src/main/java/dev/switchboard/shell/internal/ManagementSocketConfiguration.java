package dev.switchboard.shell.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The owner-only Unix domain socket that runs shell lines for scripts and tests. It exists only
 * while a configuration for it does (a file {@code etc/dev.switchboard.shell.socket.cfg}, which
 * may be empty); it is a local socket, never a network listener.
 */
@ObjectClassDefinition(name = "Switchboard management socket")
public @interface ManagementSocketConfiguration {

    @AttributeDefinition(description = "Path of the socket; empty for <switchboard.home>/data/ctl/shell.sock")
    String path() default "";
}
