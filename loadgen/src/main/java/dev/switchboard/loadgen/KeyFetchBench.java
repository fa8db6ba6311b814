package dev.switchboard.loadgen;

import dev.switchboard.api.stanza.Node;
import dev.switchboard.client.SwitchboardClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Key bundle fetches per second (issue #17) against a running server: {@code targets} accounts
 * each upload 2,000 one-time prekeys, then {@code fetchers} connections fetch random targets'
 * bundles as fast as each answer comes, for {@code seconds}; every fetch takes one prekey (a
 * locking read and a delete in SQL). Reports fetches/s, the server's CPU per fetch (from
 * data/switchboard.pid in the working folder) and this driver's own CPU. The server's fetch rate
 * limit must be raised for it ({@code etc/dev.switchboard.keys.cfg}: fetchBurst, fetchesPerMinute).
 * Usage: {@code java -cp loadgen.jar dev.switchboard.loadgen.KeyFetchBench [fetchers [seconds [targets [port]]]]}.
 */
public final class KeyFetchBench {

    private static final String PASSWORD = "key-bench-password";

    private KeyFetchBench() {
    }

    private static String b64(int n, int seed) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) seed);
        return Base64.getEncoder().encodeToString(b);
    }

    public static void main(String[] args) throws Exception {
        int fetchers = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int targetCount = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int port = args.length > 3 ? Integer.parseInt(args[3]) : 5200;
        Random random = new Random();
        String prefix = "1998" + String.format(Locale.ROOT, "%04d", random.nextInt(10_000));
        List<String> targets = new ArrayList<>();
        for (int t = 0; t < targetCount; t++) {
            String user = prefix + String.format(Locale.ROOT, "%03d", t);
            try (SwitchboardClient c = SwitchboardClient.connect("127.0.0.1", port)) {
                c.register(user, PASSWORD);
                c.login(user, 0, PASSWORD);
                for (int batch = 0; batch < 10; batch++) { // 10 x 200 = the 2,000 a device may hold
                    List<Node> children = new ArrayList<>();
                    if (batch == 0) {
                        children.add(Node.of("signed", "id", "1", "key", b64(33, 1), "sig", b64(64, 2)));
                    }
                    for (int i = 0; i < 200; i++) {
                        int id = batch * 200 + i + 1;
                        children.add(Node.of("pre", "id", Integer.toString(id), "key", b64(33, id)));
                    }
                    Map<String, String> attrs = batch == 0 ? Map.of("op", "upload", "reg", "7", "identity", b64(33, 3))
                            : Map.of("op", "upload");
                    c.keys(new Node("keys", attrs, children, null));
                }
            }
            targets.add(user);
        }
        System.out.println(targetCount + " targets with 2,000 one-time prekeys each");
        ServerCpu server = ServerCpu.find(0, Path.of("data/switchboard.pid"));
        LongAdder fetches = new LongAdder();
        LongAdder withPreKey = new LongAdder();
        AtomicLong failures = new AtomicLong();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        List<SwitchboardClient> clients = new ArrayList<>();
        for (int f = 0; f < fetchers; f++) {
            String user = prefix + String.format(Locale.ROOT, "9%02d", f);
            SwitchboardClient c = SwitchboardClient.connect("127.0.0.1", port);
            c.register(user, PASSWORD);
            c.login(user, 0, PASSWORD);
            clients.add(c);
        }
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long driverCpu0 = ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
        long serverCpu0 = server == null ? -1 : server.nanos();
        long t0 = System.nanoTime();
        for (SwitchboardClient c : clients) {
            Thread t = new Thread(() -> {
                Random r = new Random();
                while (System.nanoTime() < deadline) {
                    try {
                        Node result = c.keys(Node.of("keys", "op", "fetch", "user", targets.get(r.nextInt(targets.size()))));
                        fetches.increment();
                        if (!result.children().isEmpty() && result.children().get(0).attr("pre-id") != null) {
                            withPreKey.increment();
                        }
                    } catch (Exception e) {
                        if (failures.incrementAndGet() == 1) {
                            System.err.println("a fetch failed: " + e.getMessage());
                        }
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        long driverCpu = ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() - driverCpu0;
        long serverCpu = server == null ? -1 : server.nanos() - serverCpu0;
        for (SwitchboardClient c : clients) {
            c.close();
        }
        long n = fetches.sum();
        System.out.printf(Locale.ROOT, "fetches %d in %.1f s: %.0f/s (%d with a one-time prekey), %d failed%n", n, elapsed,
                n / elapsed, withPreKey.sum(), failures.get());
        if (serverCpu >= 0 && n > 0) {
            System.out.printf(Locale.ROOT, "server CPU %.1f%% of one core, %.0f µs per fetch%n", 100.0 * serverCpu / (elapsed * 1e9),
                    serverCpu / 1000.0 / n);
        }
        System.out.printf(Locale.ROOT, "driver CPU %.1f%% of one core%n", 100.0 * driverCpu / (elapsed * 1e9));
    }
}
