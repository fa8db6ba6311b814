package dev.switchboard.api.state;

import java.util.Map;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A stable place where a swappable bundle leaves plain data for its next revision (ARCHITECTURE.md
 * rule 3, Erlang's {@code code_change}). Values must be JDK or api types.
 */
@ProviderType
public interface StateVault {

    /**
     * Stores a versioned snapshot under a key, replacing any earlier one.
     *
     * @param key           usually the bundle's symbolic name
     * @param shapeVersion  the version of the map's shape, so a newer revision can convert it
     * @param data          plain data only
     */
    void put(String key, int shapeVersion, Map<String, Object> data);

    /** Takes (and removes) the snapshot stored under a key. */
    Optional<Snapshot> take(String key);

    /** A stored snapshot. @param shapeVersion its shape's version @param data the plain data */
    record Snapshot(int shapeVersion, Map<String, Object> data) {
    }
}
