package dev.switchboard.transport.internal;

import dev.switchboard.api.state.StateVault;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;

/**
 * Keeps swappable bundles' hand-over state. It lives in the transport because the transport is the
 * bundle that is not swapped; it holds only JDK and api values, so it pins no old class loader.
 * Immediate: a delayed component is disposed, with everything handed over to it, as soon as no
 * bundle happens to be using it, which is exactly the moment in the middle of a swap.
 */
@Component(service = StateVault.class, immediate = true)
public final class StateVaultComponent implements StateVault {

    private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();

    @Override
    public void put(String key, int shapeVersion, Map<String, Object> data) {
        snapshots.put(key, new Snapshot(shapeVersion, Map.copyOf(data)));
    }

    @Override
    public Optional<Snapshot> take(String key) {
        return Optional.ofNullable(snapshots.remove(key));
    }
}
