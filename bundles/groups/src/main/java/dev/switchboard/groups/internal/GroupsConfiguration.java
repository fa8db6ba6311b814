package dev.switchboard.groups.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Limits and cache of the groups bundle. */
@ObjectClassDefinition(name = "Switchboard groups")
public @interface GroupsConfiguration {

    @AttributeDefinition(description = "Members one group may have, its creator included", min = "2")
    int maxMembers() default 1024;

    @AttributeDefinition(description = "Characters a group subject may have", min = "1")
    int maxSubjectLength() default 100;

    @AttributeDefinition(description = "Groups whose membership is kept in memory", min = "1")
    int cacheEntries() default 10_000;
}
