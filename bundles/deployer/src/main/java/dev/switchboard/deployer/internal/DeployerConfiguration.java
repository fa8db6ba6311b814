package dev.switchboard.deployer.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The watched deploy folder. */
@ObjectClassDefinition(name = "Switchboard deploy folder")
public @interface DeployerConfiguration {

    @AttributeDefinition(description = "Folder to watch; empty for <switchboard.home>/deploy")
    String folder() default "";

    @AttributeDefinition(description = "Milliseconds between scans", min = "100")
    long pollMillis() default 1000;
}
