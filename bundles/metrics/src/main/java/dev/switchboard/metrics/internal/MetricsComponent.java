package dev.switchboard.metrics.internal;

import dev.switchboard.api.offline.OfflineStore;
import dev.switchboard.api.ops.SafeDeploy;
import dev.switchboard.api.ops.Supervision;
import dev.switchboard.api.routing.Router;
import dev.switchboard.api.session.SessionDirectory;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Locale;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@code GET /metrics} on the HTTP port, in the Prometheus text format: connections, sessions,
 * logins, frames in and out, messages routed, messages waiting offline, swaps and their time,
 * supervisor restarts and escalations, health, heap and uptime. A service that is missing (being
 * replaced) leaves its lines out for that scrape.
 */
@Component(immediate = true)
public final class MetricsComponent {

    private final SessionDirectory directory;
    private final ServiceRegistration<Servlet> registration;
    private volatile Router router;
    private volatile OfflineStore offline;
    private volatile Supervision supervision;
    private volatile SafeDeploy deploy;

    @Activate
    public MetricsComponent(@Reference SessionDirectory directory, BundleContext context) {
        this.directory = directory;
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("osgi.http.whiteboard.servlet.pattern", "/metrics");
        props.put("osgi.http.whiteboard.servlet.name", "switchboard-metrics");
        this.registration = context.registerService(Servlet.class, new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                byte[] body = scrape().getBytes(StandardCharsets.UTF_8);
                resp.setContentType("text/plain; version=0.0.4; charset=utf-8");
                resp.setContentLength(body.length);
                resp.getOutputStream().write(body);
            }
        }, props);
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
    }

    /** The current values as Prometheus text. */
    String scrape() {
        StringBuilder out = new StringBuilder(2048);
        Map<String, Long> c = directory.counters();
        gauge(out, "switchboard_connections", "Open connections", c.get("connections"));
        gauge(out, "switchboard_sessions", "Logged-in devices", c.get("sessions"));
        counter(out, "switchboard_logins_total", "Logins since start", c.get("logins"));
        counter(out, "switchboard_frames_in_total", "Frames read from clients", c.get("frames-in"));
        counter(out, "switchboard_frames_out_total", "Frames written to clients", c.get("frames-out"));
        Router r = router;
        if (r != null) {
            counter(out, "switchboard_messages_routed_total", "Messages accepted and acknowledged", r.routedCount());
        }
        OfflineStore o = offline;
        if (o != null) {
            gauge(out, "switchboard_offline_waiting", "Messages waiting for a device", o.waiting());
        }
        SafeDeploy d = deploy;
        if (d != null) {
            counter(out, "switchboard_swaps_total", "Bundle updates through safe deploy", d.swaps());
            counter(out, "switchboard_swap_seconds_total", "Time spent in those updates",
                    String.format(Locale.ROOT, "%.3f", d.swapMillis() / 1000.0));
        }
        Supervision s = supervision;
        if (s != null) {
            counter(out, "switchboard_restarts_total", "Component restarts by the supervisor", s.restarts());
            counter(out, "switchboard_escalations_total", "Components that passed their restart intensity", s.escalations());
            gauge(out, "switchboard_health", "0 green, 1 yellow, 2 red", s.health().ordinal());
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        gauge(out, "switchboard_heap_used_bytes", "Heap in use", memory.getHeapMemoryUsage().getUsed());
        gauge(out, "switchboard_uptime_seconds", "Seconds since the JVM started",
                ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
        return out.toString();
    }

    private static void gauge(StringBuilder out, String name, String help, Object value) {
        line(out, name, help, "gauge", value);
    }

    private static void counter(StringBuilder out, String name, String help, Object value) {
        line(out, name, help, "counter", value);
    }

    private static void line(StringBuilder out, String name, String help, String type, Object value) {
        if (value == null) {
            return;
        }
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        out.append(name).append(' ').append(value).append('\n');
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindRouter(Router r) {
        router = r;
    }

    void unbindRouter(Router r) {
        if (router == r) {
            router = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindOffline(OfflineStore o) {
        offline = o;
    }

    void unbindOffline(OfflineStore o) {
        if (offline == o) {
            offline = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindSupervision(Supervision s) {
        supervision = s;
    }

    void unbindSupervision(Supervision s) {
        if (supervision == s) {
            supervision = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindDeploy(SafeDeploy d) {
        deploy = d;
    }

    void unbindDeploy(SafeDeploy d) {
        if (deploy == d) {
            deploy = null;
        }
    }
}
