package dev.switchboard.supervisor.internal;

import dev.switchboard.api.ops.Supervision;
import dev.switchboard.api.state.StateVault;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervises every Switchboard DS component through the Service Component Runtime, the way an OTP
 * supervisor does its children: a component whose activation failed is restarted (disabled and
 * enabled again), at most {@code maxRestarts} times in {@code periodSeconds}; past that it is left
 * alone and escalated — health turns red and an alert is logged — until it recovers by itself (a
 * fixed configuration, a new revision). A component waiting for a dependency is not restarted (that
 * cannot help); it turns health yellow.
 */
@Component(service = Supervision.class, immediate = true, configurationPid = "dev.switchboard.supervisor")
@Designate(ocd = SupervisorConfiguration.class)
public final class SupervisorComponent implements Supervision {

    private static final Logger LOG = LoggerFactory.getLogger(SupervisorComponent.class);
    private static final String VAULT_KEY = "dev.switchboard.supervisor";

    /** What the supervisor knows of one component (plain data, handed to the next revision). */
    private static final class Child {
        final ArrayDeque<Long> restartTimes = new ArrayDeque<>();
        int restarts;
        boolean escalated;
        String lastFailure;
        String state = "unknown";
        String bundle = "";
    }

    private final ServiceComponentRuntime scr;
    private final StateVault vault;
    private final SupervisorConfiguration config;
    private final Map<String, Child> children = new ConcurrentHashMap<>();
    private final Map<String, int[]> overrides = new HashMap<>();
    private final AtomicLong restarts = new AtomicLong();
    private final AtomicLong escalations = new AtomicLong();
    private final ScheduledExecutorService looker;

    @Activate
    public SupervisorComponent(@Reference ServiceComponentRuntime scr, @Reference StateVault vault,
                               SupervisorConfiguration config) {
        this.scr = scr;
        this.vault = vault;
        this.config = config;
        for (String o : config.overrides()) {
            String[] kv = o.split("=", 2);
            String[] rp = kv.length == 2 ? kv[1].split("/", 2) : new String[0];
            if (rp.length != 2) {
                throw new IllegalArgumentException("an override is component-name=maxRestarts/periodSeconds, not " + o);
            }
            overrides.put(kv[0].trim(), new int[] {Integer.parseInt(rp[0].trim()), Integer.parseInt(rp[1].trim())});
        }
        vault.take(VAULT_KEY).ifPresent(s -> restore(s.data()));
        this.looker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sb-supervisor");
            t.setDaemon(true);
            return t;
        });
        looker.scheduleWithFixedDelay(this::look, 0, config.checkMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Supervising at most {} restarts in {} s per component", config.maxRestarts(), config.periodSeconds());
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        looker.shutdownNow();
        looker.awaitTermination(10, TimeUnit.SECONDS);
        Map<String, Object> state = new HashMap<>();
        state.put("restarts", restarts.get());
        state.put("escalations", escalations.get());
        Map<String, Object> perChild = new HashMap<>();
        children.forEach((name, c) -> perChild.put(name, List.of((long) c.restarts, c.escalated ? 1L : 0L,
                List.copyOf(c.restartTimes))));
        state.put("children", perChild);
        vault.put(VAULT_KEY, 1, state);
    }

    @SuppressWarnings("unchecked")
    private void restore(Map<String, Object> data) {
        if (data.get("restarts") instanceof Long n) {
            restarts.set(n);
        }
        if (data.get("escalations") instanceof Long n) {
            escalations.set(n);
        }
        if (data.get("children") instanceof Map<?, ?> perChild) {
            perChild.forEach((name, v) -> {
                if (v instanceof List<?> l && l.size() == 3) {
                    Child c = new Child();
                    c.restarts = ((Long) l.get(0)).intValue();
                    c.escalated = ((Long) l.get(1)) == 1L;
                    c.restartTimes.addAll((List<Long>) l.get(2));
                    children.put((String) name, c);
                }
            });
        }
    }

    /** One look at every component: restart the failed ones within their intensity. */
    void look() {
        try {
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
                if (!d.name.startsWith("dev.switchboard.")) {
                    continue;
                }
                Child child = children.computeIfAbsent(d.name, n -> new Child());
                child.bundle = d.bundle.symbolicName + " " + d.bundle.version;
                List<ComponentConfigurationDTO> configs = new ArrayList<>(scr.getComponentConfigurationDTOs(d));
                String state = configs.isEmpty() ? (!scr.isComponentEnabled(d) ? "disabled"
                        : "require".equals(d.configurationPolicy) ? "unconfigured" : "unsatisfied") : "active";
                ComponentConfigurationDTO failed = null;
                for (ComponentConfigurationDTO c : configs) {
                    switch (c.state) {
                        case ComponentConfigurationDTO.FAILED_ACTIVATION -> {
                            state = "failed";
                            failed = c;
                        }
                        case ComponentConfigurationDTO.UNSATISFIED_REFERENCE, ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> {
                            if (!state.equals("failed")) {
                                state = "unsatisfied";
                            }
                        }
                        case ComponentConfigurationDTO.SATISFIED -> {
                            if (state.equals("active")) {
                                state = "satisfied";
                            }
                        }
                        default -> { }
                    }
                }
                child.state = state;
                if (failed == null) {
                    if (child.escalated && (state.equals("active") || state.equals("satisfied"))) {
                        child.escalated = false;
                        LOG.info("Component {} recovered", d.name);
                    }
                    continue;
                }
                child.lastFailure = failed.failure == null ? "activation failed" : firstLine(failed.failure);
                if (!child.escalated) {
                    restartOrEscalate(d, child);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Supervisor look failed; trying again: {}", e.toString());
        }
    }

    private void restartOrEscalate(ComponentDescriptionDTO d, Child child) {
        int[] intensity = overrides.getOrDefault(d.name, new int[] {config.maxRestarts(), config.periodSeconds()});
        long now = System.currentTimeMillis();
        while (!child.restartTimes.isEmpty() && child.restartTimes.peekFirst() < now - TimeUnit.SECONDS.toMillis(intensity[1])) {
            child.restartTimes.pollFirst();
        }
        if (child.restartTimes.size() >= intensity[0]) {
            child.escalated = true;
            escalations.incrementAndGet();
            LOG.error("ALERT: component {} failed {} times within {} s ({}); no more restarts until it recovers",
                    d.name, child.restartTimes.size() + 1, intensity[1], child.lastFailure);
            return;
        }
        child.restartTimes.addLast(now);
        child.restarts++;
        restarts.incrementAndGet();
        LOG.warn("Restarting component {} ({} of {} within {} s): {}", d.name, child.restartTimes.size(), intensity[0],
                intensity[1], child.lastFailure);
        try {
            scr.disableComponent(d).getValue();
            scr.enableComponent(d).getValue();
        } catch (Exception e) {
            LOG.warn("Could not restart {}: {}", d.name, e.toString());
        }
    }

    /** The root cause of an activation failure's stack trace, in one line. */
    static String firstLine(String text) {
        String cause = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("Caused by: ")) {
                cause = line.substring("Caused by: ".length());
            }
        }
        if (cause != null) {
            return cause;
        }
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    @Override
    public Health health() {
        boolean waiting = false;
        for (Child c : children.values()) {
            if (c.escalated) {
                return Health.RED;
            }
            waiting |= c.state.equals("unsatisfied") || c.state.equals("failed");
        }
        return waiting ? Health.YELLOW : Health.GREEN;
    }

    @Override
    public List<Component> components() {
        List<Component> out = new ArrayList<>();
        children.forEach((name, c) -> out.add(new Component(name, c.bundle, c.state, c.restarts, c.escalated, c.lastFailure)));
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }

    @Override
    public long restarts() {
        return restarts.get();
    }

    @Override
    public long escalations() {
        return escalations.get();
    }
}
