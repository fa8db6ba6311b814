package dev.switchboard.shell.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The owner-only Unix domain socket that runs shell lines for scripts and tests. */
@ObjectClassDefinition(name = "Switchboard management socket")
public @interface ManagementSocketConfiguration {

    @AttributeDefinition(description = "Path of the socket; empty for <switchboard.home>/data/ctl/shell.sock")
    String path() default "";
}
