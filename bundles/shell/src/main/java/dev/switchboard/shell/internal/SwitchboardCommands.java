package dev.switchboard.shell.internal;

import dev.switchboard.api.auth.AccountException;
import dev.switchboard.api.auth.AccountService;
import dev.switchboard.api.offline.OfflineStore;
import dev.switchboard.api.ops.SafeDeploy;
import dev.switchboard.api.ops.Supervision;
import dev.switchboard.api.routing.Router;
import dev.switchboard.api.session.SessionDirectory;
import dev.switchboard.api.session.SessionInfo;
import dev.switchboard.api.stanza.Address;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Version;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The {@code sb:} Gogo commands. Services are optional and dynamic so the shell keeps answering
 * (and says what is missing) while a bundle is being swapped.
 */
@Component(service = SwitchboardCommands.class, property = {
        "osgi.command.scope=sb", "osgi.command.function=status", "osgi.command.function=sessions",
        "osgi.command.function=user", "osgi.command.function=update", "osgi.command.function=stats",
        "osgi.command.function=queue", "osgi.command.function=kick", "osgi.command.function=supervisor",
        "osgi.command.function=deploy", "osgi.command.function=rollback"})
public final class SwitchboardCommands {

    private static final String USER_USAGE = "usage: sb:user add <user> <password> | passwd <user[/device]> <password>"
            + " | devices <user> | unlink <user/device> | del <user>";

    private final BundleContext context;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile SessionDirectory directory;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Router router;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile AccountService accounts;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile OfflineStore offline;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Supervision supervision;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile SafeDeploy safeDeploy;

    @Activate
    public SwitchboardCommands(BundleContext context) {
        this.context = context;
    }

    @Descriptor("uptime, connections, messages routed and the state of every switchboard bundle")
    public String status() {
        StringBuilder out = new StringBuilder();
        long uptimeMs = ManagementFactory.getRuntimeMXBean().getUptime();
        out.append("uptime       ").append(Duration.ofMillis(uptimeMs).withNanos(0)).append('\n');
        SessionDirectory d = directory;
        out.append("connections  ").append(d == null ? "transport not running" : d.connectionCount()).append('\n');
        Router r = router;
        out.append("routed       ").append(r == null ? "routing not running" : r.routedCount()).append('\n');
        out.append("noise key    ").append(noiseKey()).append('\n');
        Runtime rt = Runtime.getRuntime();
        out.append("heap used    ").append((rt.totalMemory() - rt.freeMemory()) >> 20).append(" MiB\n");
        out.append("bundles\n");
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName() != null && b.getSymbolicName().startsWith("dev.switchboard.")) {
                out.append(String.format("  %-32s %-22s %s%n", b.getSymbolicName(), b.getVersion(), state(b)));
            }
        }
        return out.toString();
    }

    /** The transport's public key as it wrote it to data/noise/server.pub, with the fingerprint clients show. */
    private String noiseKey() {
        String home = context.getProperty("switchboard.home");
        java.nio.file.Path pub = java.nio.file.Path.of(home == null || home.isBlank() ? "." : home, "data", "noise", "server.pub");
        try {
            String hex = java.nio.file.Files.readString(pub).trim();
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(java.util.HexFormat.of().parseHex(hex));
            return hex + " (fingerprint " + java.util.HexFormat.ofDelimiter(":").formatHex(d, 0, 16) + ")";
        } catch (java.io.IOException | java.security.NoSuchAlgorithmException | IllegalArgumentException e) {
            return "unknown (" + pub + ": " + e.getMessage() + ")";
        }
    }

    @Descriptor("closes the sessions of a user (every device) or of one device, with a reason")
    public String kick(@Descriptor("user or user/device") String who) {
        SessionDirectory d = directory;
        if (d == null) {
            return "error: the transport is not running";
        }
        List<Address> devices;
        try {
            devices = who.indexOf('/') >= 0 ? List.of(Address.parse(who)) : d.devicesOf(Address.parse(who).user());
        } catch (IllegalArgumentException e) {
            return "error: '" + who + "' is not user or user/device; usage: sb:kick <user[/device]>";
        }
        int closed = 0;
        for (Address a : devices) {
            closed += d.close(a, "disconnected by an operator") ? 1 : 0;
        }
        return closed == 0 ? who + " has no session" : "closed " + closed + " session(s) of " + who;
    }

    @Descriptor("the supervision tree: each component's state, restarts and last failure, and the health")
    public String supervisor() {
        Supervision s = supervision;
        if (s == null) {
            return "error: the supervisor is not running";
        }
        StringBuilder out = new StringBuilder("health ").append(s.health().name().toLowerCase(java.util.Locale.ROOT))
                .append(", ").append(s.restarts()).append(" restarts, ").append(s.escalations()).append(" escalations\n");
        for (Supervision.Component c : s.components()) {
            out.append(String.format("  %-62s %-11s restarts %-3d%s%s%n", c.name(), c.state(), c.restarts(),
                    c.escalated() ? " ESCALATED" : "", c.lastFailure() == null ? "" : "  last failure: " + c.lastFailure()));
        }
        return out.toString();
    }

    @Descriptor("deploys a bundle jar (a path or URL) safely: refused unless it resolves, rolled back unless it comes up")
    public String deploy(@Descriptor("path or URL of the bundle jar") String jar) {
        SafeDeploy d = safeDeploy;
        if (d == null) {
            return "error: safe deploy is not running (the supervisor bundle); sb:update replaces a bundle without checks";
        }
        try (java.io.InputStream in = jar.contains("://") ? java.net.URI.create(jar).toURL().openStream()
                : java.nio.file.Files.newInputStream(java.nio.file.Path.of(jar))) {
            SafeDeploy.Result r = d.deploy(in, jar);
            return (r.ok() ? "" : "error: ") + r.outcome() + " " + (r.symbolicName() == null ? "" : r.symbolicName() + " ")
                    + (r.version() == null ? "" : r.version() + " ") + "- " + r.detail();
        } catch (java.io.IOException | IllegalArgumentException e) {
            return "error: cannot read " + jar + ": " + e.getMessage();
        }
    }

    @Descriptor("puts back the revision a bundle had before its last deploy")
    public String rollback(@Descriptor("bundle symbolic name") String bsn) {
        SafeDeploy d = safeDeploy;
        if (d == null) {
            return "error: safe deploy is not running (the supervisor bundle)";
        }
        SafeDeploy.Result r = d.rollback(bsn);
        return (r.outcome().equals("rolled-back") ? "" : "error: ") + r.outcome() + " " + bsn + " - " + r.detail();
    }

    @Descriptor("counters for benchmarks, one 'name value' per line")
    public String stats() {
        return stats("");
    }

    @Descriptor("counters for benchmarks; with --gc, heap is measured after a full collection")
    public String stats(@Descriptor("--gc to collect garbage before measuring the heap") String option) {
        if (!option.isEmpty() && !"--gc".equals(option)) {
            return "error: unknown option '" + option + "'; usage: sb:stats [--gc]";
        }
        StringBuilder out = new StringBuilder();
        SessionDirectory d = directory;
        if (d != null) {
            d.counters().forEach((k, v) -> out.append(k).append(' ').append(v).append('\n'));
        }
        Router r = router;
        out.append("routed ").append(r == null ? -1 : r.routedCount()).append('\n');
        if ("--gc".equals(option)) {
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
        }
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        out.append("heap-used ").append(heap.getUsed()).append('\n');
        out.append("heap-committed ").append(heap.getCommitted()).append('\n');
        out.append("uptime-ms ").append(ManagementFactory.getRuntimeMXBean().getUptime());
        return out.toString();
    }

    @Descriptor("how many messages wait for a device")
    public String queue(@Descriptor("user/device") String device) {
        OfflineStore o = offline;
        if (o == null) {
            return "error: the offline store is not running";
        }
        try {
            Address a = Address.parse(device);
            return a + " " + o.depth(a);
        } catch (IllegalArgumentException e) {
            return "error: '" + device + "' is not user or user/device; usage: sb:queue <user/device>";
        }
    }

    @Descriptor("list logged-in sessions")
    public String sessions() {
        return sessions("");
    }

    @Descriptor("list logged-in sessions whose user id starts with a prefix")
    public String sessions(@Descriptor("user id prefix") String prefix) {
        SessionDirectory d = directory;
        if (d == null) {
            return "error: the transport is not running";
        }
        List<SessionInfo> list = d.sessions(prefix);
        StringBuilder out = new StringBuilder(String.format("%-26s %-24s %-20s %8s %8s%n",
                "device", "remote", "connected", "in", "out"));
        for (SessionInfo s : list) {
            out.append(String.format("%-26s %-24s %-20s %8d %8d%n", s.address(), s.remote(),
                    Instant.ofEpochMilli(s.connectedAtMs()).toString().substring(0, 19), s.framesIn(), s.framesOut()));
        }
        return out.append(list.size()).append(" session(s)").toString();
    }

    @Descriptor("account administration: sb:user add|passwd|devices|unlink|del ...")
    public String user(@Descriptor("add | passwd | devices | unlink | del") String action,
                       @Descriptor("user id, or user/device") String target,
                       @Descriptor("password") String password) {
        return userCommand(action, target, password);
    }

    public String user(String action, String target) {
        return userCommand(action, target, null);
    }

    public String user(String action) {
        return userCommand(action, null, null);
    }

    public String user() {
        return "error: missing action; " + USER_USAGE;
    }

    private String userCommand(String action, String target, String password) {
        AccountService a = accounts;
        if (a == null) {
            return "error: account service unavailable (auth bundle not running); retry";
        }
        try {
            return new UserCommand(a).run(action, target, password);
        } catch (AccountException e) {
            return "error: " + e.getMessage();
        } catch (IllegalArgumentException e) {
            return "error: " + e.getMessage() + "; " + USER_USAGE;
        }
    }

    @Descriptor("replace a running bundle, found by symbolic name, with a jar (or re-read its own location)")
    public String update(@Descriptor("bundle symbolic name") String symbolicName,
                         @Descriptor("path or URL of the new jar") String jar) {
        Bundle bundle = find(symbolicName);
        if (bundle == null) {
            return "error: no bundle named " + symbolicName;
        }
        Version before = bundle.getVersion();
        long started = System.nanoTime();
        try (InputStream in = open(jar)) {
            bundle.update(in);
        } catch (IOException e) {
            return "error: cannot read " + jar + ": " + e.getMessage();
        } catch (BundleException | RuntimeException e) {
            return "error: update of " + symbolicName + " failed: " + e.getMessage();
        }
        return String.format("updated %s %s -> %s in %d ms", symbolicName, before, bundle.getVersion(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    public String update(String symbolicName) {
        return "error: name the jar to update " + symbolicName + " from; usage: sb:update <symbolic name> <jar path or URL>";
    }

    private static InputStream open(String jar) throws IOException {
        if (jar.contains(":/")) {
            return new URL(jar).openStream();
        }
        return Files.newInputStream(Path.of(jar));
    }

    private Bundle find(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    private static String state(Bundle b) {
        switch (b.getState()) {
            case Bundle.ACTIVE: return "Active";
            case Bundle.RESOLVED: return "Resolved";
            case Bundle.INSTALLED: return "Installed";
            case Bundle.STARTING: return "Starting";
            case Bundle.STOPPING: return "Stopping";
            default: return "state " + b.getState();
        }
    }
}
