package dev.switchboard.supervisor.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** How long a new revision has to come up, and where the previous revisions are kept. */
@ObjectClassDefinition(name = "Switchboard safe deploy")
public @interface SafeDeployConfiguration {

    /** Below the transport's grace (10 s): connections waiting through a failed deploy must outlive its rollback. */
    @AttributeDefinition(description = "Seconds a new revision's components have to become active (keep it below the"
            + " transport's graceSeconds)", min = "1")
    int timeoutSeconds() default 5;

    @AttributeDefinition(description = "Folder of the previous revisions (relative to switchboard.home)")
    String rollbackDirectory() default "data/rollback";

    @AttributeDefinition(description = "Largest bundle jar accepted, in bytes", min = "1024")
    int maxJarBytes() default 64 << 20;
}
