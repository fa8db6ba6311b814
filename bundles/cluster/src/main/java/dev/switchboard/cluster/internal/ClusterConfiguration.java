package dev.switchboard.cluster.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** etc/dev.switchboard.cluster.cfg: without the file the node runs alone and needs no NATS. */
@ObjectClassDefinition(name = "Switchboard cluster")
public @interface ClusterConfiguration {

    @AttributeDefinition(description = "This node's id, unique in the cluster: letters, digits, '-' or '_', at most 32")
    String node();

    @AttributeDefinition(description = "host:port where clients reach this node's binary listener: a login for an account "
            + "whose lane another node owns is sent there (see-other-host); empty: clients are told the node's id only")
    String address() default "";

    @AttributeDefinition(description = "NATS servers, comma-separated (JetStream enabled)")
    String natsUrl() default "nats://127.0.0.1:4222";

    @AttributeDefinition(description = "Prefix of the JetStream key-value buckets: clusters sharing one NATS need different ones")
    String bucketPrefix() default "sb";

    @AttributeDefinition(description = "How often this node writes its heartbeat, in milliseconds", min = "50")
    long heartbeatMillis() default 1000;

    @AttributeDefinition(description = "A node whose heartbeat has not been seen for this long is taken for dead, in milliseconds",
            min = "150")
    long deadAfterMillis() default 5000;
}
