package dev.switchboard.itest;

import static org.junit.Assert.*;

import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.SeenStanzas;
import dev.switchboard.client.Session;
import dev.switchboard.client.SessionListener;
import dev.switchboard.client.SwitchboardClient;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;

/**
 * Issue #12's randomized checker, in the spirit of Jepsen (docs/CHECKER.md): the exported runtime,
 * SDK sessions that chat while some devices come and go, CLI one-shot commands, and, at moments
 * drawn from a printed seed, graceful and kill -9 restarts, deploy/ swaps of offline, routing and
 * protocol.binary, live config edits, cut connections and logins of the same device elsewhere.
 * At the end the history must show every acknowledged message delivered exactly once to each
 * target device, in order per sender, and no receipt for a message that was not delivered.
 *
 * <p>{@code -Dchecker.seconds=N}: new seeds start while N seconds last (default 20: one seed, about a
 * minute, in the suite);
 * {@code -Dchecker.seed=S} replays one seed; seeds that once found a violation run every time.
 */
public class LossCheckerIT {

    /** Seeds that found a violation once; each still runs, as a regression test. */
    static final long[] REGRESSION_SEEDS = {
        // a message whose ack a graceful restart cut off was resent and queued twice: the server's
        // duplicate window did not survive the restart (fixed: rebuilt from the journal; the SDK
        // drops a message whose sender and id it already has)
        -6966000788221734626L,
        // 64 acknowledged messages never shown: the SDK confirmed messages when they arrived, so
        // those still waiting for the app's listener when it closed its session were lost (fixed:
        // confirmed after the listener; replayed deterministically by SessionReconnectIT)
        -6258462749825283875L,
    };

    /** New seeds start while this budget lasts; the default runs exactly one (about a minute in all). */
    private static final long BUDGET_SECONDS = Long.getLong("checker.seconds", 20);
    private static final long RUN_MS = Long.getLong("checker.runMillis", 40_000);
    private static final int USERS = 6;
    private static final String CLI_USER = "15550000799";

    @Test
    public void acknowledgedMessagesArriveExactlyOnceInOrderWhateverHappens() throws Exception {
        List<Long> seeds = new ArrayList<>();
        for (long s : REGRESSION_SEEDS) {
            seeds.add(s);
        }
        String replay = System.getProperty("checker.seed", "");
        if (!replay.isBlank()) {
            seeds.clear();
        }
        long deadline = 0;
        List<String> report = new ArrayList<>();
        int runs = 0;
        Random seedSource = new Random();
        do {
            if (seeds.isEmpty() && deadline == 0) { // the budget for new seeds starts after the regression seeds
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BUDGET_SECONDS);
            }
            long seed = !replay.isBlank() ? Long.parseLong(replay) : !seeds.isEmpty() ? seeds.remove(0) : seedSource.nextLong();
            Run run = new Run(seed);
            List<String> violations = run.call();
            runs++;
            report.add(run.summary(violations));
            System.out.println("checker: " + run.summary(violations));
            if (!violations.isEmpty()) {
                fail("seed " + seed + " (replay: -Dchecker.seed=" + seed + "): " + String.join("\n", violations)
                        + "\nfaults:\n" + run.faultLog);
            }
        } while (replay.isBlank() && (deadline == 0 || System.nanoTime() < deadline)); // 0: new seeds not begun yet
        System.out.println("checker: " + runs + " seeds, 0 violations\n" + String.join("\n", report));
    }

    /** One seed: a server of its own, its users, its schedule. */
    private static final class Run {
        final long seed;
        final CheckerHistory history = new CheckerHistory();
        final StringBuilder faultLog = new StringBuilder();
        final Map<CheckerFaults.Kind, Integer> counts = new EnumMap<>(CheckerFaults.Kind.class);
        final AtomicLong cliOrder = new AtomicLong();
        RuntimeProcess server;
        TcpProxy proxy;
        final String[] users = new String[USERS];
        final Session[] sessions = new Session[USERS];
        final SeenStanzas[] seen = new SeenStanzas[USERS];
        final AtomicLong[] order = new AtomicLong[USERS];
        volatile boolean sending = true;

        Run(long seed) {
            this.seed = seed;
        }

        List<String> call() throws Exception {
            // a short home name: the management socket's path must stay within the 106 bytes the JDK binds
            server = new RuntimeProcess("Checker");
            try (TcpProxy relay = new TcpProxy(new InetSocketAddress("127.0.0.1", server.port))) {
                proxy = relay;
                setUp();
                List<Thread> senders = new ArrayList<>();
                for (int u = 0; u < USERS; u++) {
                    int me = u;
                    Thread t = new Thread(() -> sendLoop(me), "checker-sender-" + u);
                    t.start();
                    senders.add(t);
                }
                ExecutorService cli = Executors.newSingleThreadExecutor(); // one-shot commands one at a time
                long t0 = System.nanoTime();
                for (CheckerFaults.Fault f : CheckerFaults.schedule(seed, RUN_MS, USERS)) {
                    long wait = f.atMs() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                    if (wait > 0) {
                        Thread.sleep(wait); // the schedule's own clock: faults at their drawn moments
                    }
                    faultLog.append(f).append('\n');
                    counts.merge(f.kind(), 1, Integer::sum);
                    try {
                        inject(f, cli);
                    } catch (Exception | AssertionError e) {
                        throw new AssertionError("seed " + seed + " (replay: -Dchecker.seed=" + seed + "): the fault " + f
                                + " itself failed: " + e + "\nfaults so far:\n" + faultLog, e);
                    }
                }
                sending = false;
                for (Thread t : senders) {
                    t.join(30_000);
                }
                cli.shutdown();
                assertTrue("one-shot commands finished", cli.awaitTermination(120, TimeUnit.SECONDS));
                proxy.restore();
                for (int u = 0; u < USERS; u++) {
                    if (sessions[u] == null) {
                        open(u);
                    }
                }
                for (Session s : sessions) { // nothing may be acknowledged after the verdict: wait for the last acks
                    assertTrue("seed " + seed + ": a sender still has unacknowledged messages after 90 s\n" + sessionStates(),
                            s.awaitAcknowledged(Duration.ofSeconds(90)));
                }
                SwitchboardTestSupport.await(() -> "every acknowledged message to arrive (" + history.missing() + " missing, seed "
                        + seed + ")\n" + history.missingByDevice() + sessionStates() + "faults:\n" + faultLog,
                        Duration.ofSeconds(90), () -> history.missing() == 0);
                leftQueued = leftQueued();
                for (Session s : sessions) {
                    s.close();
                }
                List<String> violations = new ArrayList<>(history.violations());
                for (int u = 0; u < USERS; u++) {
                    if (seen[u].reused() > 0) { // the SDK delivers these rather than drop them, so count them here
                        violations.add(users[u] + "/0 was sent " + seen[u].reused() + " stanzas under a seq it had already had");
                    }
                }
                return violations;
            } finally {
                server.close();
            }
        }

        /** Filled at the end: what still waits on the server for online devices (see docs/CHECKER.md). */
        String leftQueued = "";

        /**
         * Once every acknowledged message has arrived and every device is online, its queue should
         * drain (the last confirmations take a moment). What stays is reported, not judged: it
         * breaks none of the four rules, but it should not happen.
         */
        private String leftQueued() {
            StringBuilder out = new StringBuilder();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (String user : users) {
                String depth = "";
                while (System.nanoTime() < deadline) {
                    try {
                        depth = ManagementShell.run(server.socket(), "sb:queue " + user + "/0").trim();
                    } catch (java.io.IOException e) {
                        depth = "unreachable";
                    }
                    if (depth.endsWith(" 0")) {
                        break;
                    }
                    try {
                        Thread.sleep(200); // confirmations still on their way: look again shortly
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                if (!depth.endsWith(" 0")) {
                    out.append(depth).append("; ");
                }
            }
            return out.toString();
        }

        private String sessionStates() {
            StringBuilder out = new StringBuilder();
            for (int u = 0; u < USERS; u++) {
                Session s = sessions[u];
                out.append(users[u]).append(": ").append(s == null ? "away" : s.isClosed() ? "closed"
                        : "open, " + s.unacknowledged() + " unacknowledged, repeats " + s.connection().repeatsDropped()).append('\n');
            }
            try {
                out.append("server: ").append(ManagementShell.run(server.socket(), "sb:sessions")).append('\n');
                for (String user : users) {
                    out.append(ManagementShell.run(server.socket(), "sb:queue " + user + "/0"));
                }
            } catch (java.io.IOException e) {
                out.append("server: unreachable (").append(e.getMessage()).append(")\n");
            }
            return out.toString();
        }

        private void setUp() throws Exception {
            StringBuilder lines = new StringBuilder();
            for (int u = 0; u < USERS; u++) {
                users[u] = "155500007" + (10 + u);
                order[u] = new AtomicLong();
                seen[u] = new SeenStanzas();
                history.device(users[u], users[u] + "/0");
                lines.append("sb:user add ").append(users[u]).append(" password-").append(users[u]).append('\n');
            }
            lines.append("sb:user add ").append(CLI_USER).append(" password-").append(CLI_USER);
            String out = ManagementShell.run(server.socket(), lines.toString().split("\n"));
            assertTrue(out, out.contains("created account " + CLI_USER));
            for (String cliUser : List.of(CLI_USER, users[0], users[1])) {
                Process login = cli(cliUser, "password-" + cliUser + "\n", "login", cliUser, "--server", "127.0.0.1:" + proxy.port());
                assertEquals(read(cliHome(cliUser).resolve("login.out")), 0, login.waitFor());
            }
            for (int u = 0; u < USERS; u++) {
                open(u);
            }
        }

        private synchronized void open(int u) throws Exception {
            String user = users[u];
            sessions[u] = Session.builder("127.0.0.1", proxy.port()).user(user).password("password-" + user)
                    .backoff(Duration.ofMillis(100), Duration.ofMillis(500)).maxAttempts(1000).seen(seen[u])
                    .listener(new SessionListener() {
                        @Override
                        public void message(Node m) {
                            history.received(user + "/0", m.attr("from"), m.attr("id"), m.attr("seq"));
                        }

                        @Override
                        public void receipt(Node r) {
                            if ("delivered".equals(r.attr("type"))) {
                                history.deliveredReceipt(r.attr("from"), user + "/0", r.attr("id"));
                            }
                        }
                    }).open();
        }

        private void sendLoop(int me) {
            Random r = new Random(seed ^ (me * 0x9E3779B97F4A7C15L));
            while (sending) {
                Session s;
                synchronized (this) {
                    s = sessions[me];
                }
                if (s != null && !s.isClosed()) {
                    int to = (me + 1 + r.nextInt(USERS - 1)) % USERS;
                    long n = order[me].getAndIncrement();
                    CheckerHistory.Sent m = new CheckerHistory.Sent(users[me] + "/0", users[me] + "-" + n, users[to], n);
                    history.attempted(m);
                    try {
                        s.send(users[to], m.id(), ("#" + n).getBytes(StandardCharsets.UTF_8)).whenComplete((ack, failure) -> {
                            if (failure == null && ack.attr("error") == null) {
                                history.acknowledged(m);
                            }
                        });
                    } catch (dev.switchboard.client.ClientException closed) {
                        // the device went away between the check and the send: not acknowledged, not expected
                    }
                }
                try {
                    Thread.sleep(20 + r.nextInt(40)); // pacing: about 25 messages a second per user
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void inject(CheckerFaults.Fault f, ExecutorService cli) throws Exception {
            int v = f.value();
            switch (f.kind()) {
                case GRACEFUL_RESTART -> {
                    server.close();
                    server.start();
                }
                case KILL_RESTART -> {
                    server.kill();
                    server.start();
                }
                case SWAP_OFFLINE -> swap("offline");
                case SWAP_ROUTING -> swap("routing");
                case SWAP_PROTOCOL -> swap("protocol.binary");
                case CONFIG_EDIT -> {
                    Path cfg = server.home.resolve("etc/dev.switchboard.transport.cfg");
                    Path tmp = server.home.resolve("transport.cfg.edit");
                    Files.writeString(tmp, "maxFramesPerSecond=" + (500 + v % 4000) + "\nidleSeconds=" + (30 + v % 90)
                            + "\nmaxConnectionsPerAddress=" + (100 + v % 900) + "\n");
                    Files.move(tmp, cfg, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
                case CUT_CONNECTIONS -> {
                    proxy.cut();
                    Thread.sleep(200 + v % 800); // the outage itself
                    proxy.restore();
                }
                case LOGIN_ELSEWHERE -> {
                    // the same device logs in on another connection and takes over its deliveries for a
                    // moment; it confirms nothing, so what it was sent must come again to the device
                    String user = users[f.target()];
                    try (SwitchboardClient other = SwitchboardClient.connect(new InetSocketAddress("127.0.0.1", proxy.port()), null)) {
                        other.setAutoConfirm(false);
                        other.login(user, 0, "password-" + user);
                        Thread.sleep(300 + v % 1200); // how long the other login holds the device
                    } catch (dev.switchboard.client.ClientException | java.io.IOException refused) {
                        // a cut or a restart got in the way: nothing happened
                    }
                }
                case ONE_SHOT_SEND -> {
                    String to = users[f.target()];
                    cli.execute(() -> oneShotSend(to, v));
                }
                case ONE_SHOT_GROUPS -> {
                    String as = users[f.target() % 2];
                    cli.execute(() -> {
                        try {
                            cli(as, null, "groups", "list").waitFor(60, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            faultLog.append("groups list as ").append(as).append(" failed: ").append(e).append('\n');
                        }
                    });
                }
                case DEVICE_AWAY -> {
                    int u = f.target();
                    Session s;
                    synchronized (this) {
                        s = sessions[u];
                        sessions[u] = null;
                    }
                    if (s != null) {
                        s.close(); // the app goes away; it comes back at the next fault on it, or at the end
                    } else {
                        open(u);
                    }
                }
            }
        }

        private void oneShotSend(String to, int v) {
            long n = cliOrder.getAndIncrement();
            try {
                Process p = cli(CLI_USER, null, "send", to, "one-shot #" + n);
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return;
                }
                String out = read(cliHome(CLI_USER).resolve("send.out"));
                java.util.regex.Matcher sent = java.util.regex.Pattern.compile("✓ sent (\\S+)").matcher(out);
                if (p.exitValue() == 0 && sent.find()) {
                    CheckerHistory.Sent m = new CheckerHistory.Sent(CLI_USER + "/0", sent.group(1), to, n);
                    history.attempted(m);
                    history.acknowledged(m);
                }
            } catch (Exception e) {
                faultLog.append("one-shot send failed: ").append(e).append('\n');
            }
        }

        private void swap(String bundle) throws Exception {
            Path jar = Path.of(RuntimeProcess.ROOT, "bundles", bundle, "target", "switchboard-" + bundle + "-"
                    + System.getProperty("sb.version", "0.1.0-SNAPSHOT") + ".jar");
            Path staged = server.home.resolve(bundle + ".jar.staged");
            Files.copy(jar, staged, StandardCopyOption.REPLACE_EXISTING);
            Files.setLastModifiedTime(staged, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
            Files.createDirectories(server.home.resolve("deploy"));
            Files.move(staged, server.home.resolve("deploy").resolve(bundle + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }

        private Path cliHome(String user) {
            return server.home.resolve("cli-" + user);
        }

        private Process cli(String user, String stdin, String... args) throws java.io.IOException {
            Path home = cliHome(user);
            Files.createDirectories(home);
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-jar",
                    Path.of(RuntimeProcess.ROOT, "cli/target/switchboard-cli.jar").toAbsolutePath().normalize().toString()));
            cmd.addAll(List.of(args));
            ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(home.resolve(args[0] + ".out").toFile());
            b.environment().put("SB_CLI_HOME", home.toString());
            Process p = b.start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            return p;
        }

        private static String read(Path file) {
            try {
                return Files.exists(file) ? Files.readString(file) : "";
            } catch (java.io.IOException e) {
                return "";
            }
        }

        String summary(List<String> violations) {
            long resent = 0;
            for (SeenStanzas s : seen) {
                resent += s.resent();
            }
            return "seed " + seed + ": " + history.acknowledgedCount() + " acknowledged, faults " + counts + ", "
                    + violations.size() + " violations (" + resent + " resends after a crash dropped by the SDK"
                    + (leftQueued.isEmpty() ? "" : "; still queued for online devices: " + leftQueued) + ")";
        }
    }
}
