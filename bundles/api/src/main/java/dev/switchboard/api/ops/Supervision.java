package dev.switchboard.api.ops;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The supervisor's view of the Switchboard components: their state, how often they were restarted,
 * and whether one gave up (escalated). Provided by the {@code supervisor} bundle.
 */
@ProviderType
public interface Supervision {

    /** Green: all well. Yellow: something is waiting for a dependency. Red: a component escalated. */
    enum Health { GREEN, YELLOW, RED }

    /**
     * One supervised component.
     *
     * @param name        the DS component name
     * @param bundle      its bundle's symbolic name and version
     * @param state       {@code active}, {@code satisfied}, {@code unsatisfied}, {@code failed}, or
     *                    {@code unconfigured} (it runs only when configured, and is not) or {@code disabled}
     * @param restarts    restarts by the supervisor since it started
     * @param escalated   whether it passed its restart intensity (no more restarts until it recovers)
     * @param lastFailure the last activation failure, or null
     */
    record Component(String name, String bundle, String state, int restarts, boolean escalated, String lastFailure) {
    }

    Health health();

    List<Component> components();

    /** Restarts in all, since the supervisor started (summed over its revisions). */
    long restarts();

    /** Escalations in all. */
    long escalations();
}
