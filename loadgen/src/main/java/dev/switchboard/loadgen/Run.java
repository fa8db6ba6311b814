package dev.switchboard.loadgen;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** One coordinated run: merges the workers' seconds, prints progress, swaps bundles, reports. */
final class Run implements Callable<Integer> {

    private final Loadgen options;
    private final Scenario scenario;
    private final List<Process> processes;
    private final Timeline timeline = new Timeline();
    private final ShellClient shell;

    Run(Loadgen options, Scenario scenario, List<Process> processes) {
        this.options = options;
        this.scenario = scenario;
        this.processes = processes;
        this.shell = new ShellClient(options.shell);
        this.serverCpu = ServerCpu.find(options.serverPid, Path.of("data/switchboard.pid"));
    }

    private final ServerCpu serverCpu;
    /** The server's CPU time when each second was recorded, and whether that second was measured. */
    private final List<Long> serverCpuAt = new ArrayList<>();
    private final List<Boolean> measuredAt = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        List<BlockingQueue<String>> queues = Loadgen.readers(processes);
        int workers = queues.size();
        boolean[] ready = new boolean[workers];
        boolean[] done = new boolean[workers];
        int readyCount = 0;
        long allReadyAt = 0;
        long startedAt = System.nanoTime();
        Map<String, Long> serverAtReady = Map.of();
        int swapsDone = 0;
        List<List<Map<String, String>>> pendingSeconds = new ArrayList<>();
        int[] secondOf = new int[workers];
        long deadline = startedAt + (options.seconds + 600) * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            boolean allDone = true;
            for (int i = 0; i < workers; i++) {
                String line;
                while (!done[i] && (line = Loadgen.poll(queues.get(i), 5)) != null) {
                    if (line.startsWith("READY")) {
                        ready[i] = true;
                        readyCount++;
                    } else if (line.startsWith("STAT ")) {
                        int t = secondOf[i]++;
                        while (pendingSeconds.size() <= t) {
                            pendingSeconds.add(new ArrayList<>());
                        }
                        pendingSeconds.get(t).add(Interval.parse(line.substring(5)));
                    } else if (line.equals("DONE") || line.equals("EXIT")) {
                        done[i] = true;
                    }
                }
                allDone &= done[i];
            }
            String swap = null;
            if (readyCount == workers && allReadyAt == 0) {
                allReadyAt = System.nanoTime();
                allReady = true;
                System.out.printf("all %d connections logged in after %.1f s%n", options.connections,
                        (allReadyAt - startedAt) / 1e9);
                serverAtReady = serverStats(scenario == Scenario.IDLE);
            }
            if (allReadyAt != 0 && swapsDone < options.swapAt.size()
                    && System.nanoTime() - allReadyAt >= options.swapAt.get(swapsDone) * 1_000_000_000L) {
                swap = swap(swapsDone++);
            }
            flushSeconds(pendingSeconds, workers, swap);
            if (allDone) {
                break;
            }
        }
        flushSeconds(pendingSeconds, 1, null);
        return finish(serverAtReady, allReadyAt == 0 ? 0 : (allReadyAt - startedAt) / 1e9);
    }

    private int printed;
    private int allReadyIndex = -1;
    /** A swap that happened since the last second was recorded; marks the next one. */
    private String pendingSwap;
    private boolean allReady;

    /** Prints and records every second all workers have reported. */
    private void flushSeconds(List<List<Map<String, String>>> pending, int needed, String newSwap) {
        if (newSwap != null) {
            pendingSwap = pendingSwap == null ? newSwap : pendingSwap + "; " + newSwap;
        }
        String swap = pendingSwap;
        while (printed < pending.size() && pending.get(printed).size() >= needed && !pending.get(printed).isEmpty()) {
            if (allReadyIndex < 0 && allReady) {
                allReadyIndex = printed;
            }
            boolean measured = allReadyIndex >= 0 && printed >= allReadyIndex + options.warmup;
            Timeline.Second s = timeline.add(printed, pending.get(printed), swap, measured);
            serverCpuAt.add(serverCpu == null ? -1 : serverCpu.nanos());
            measuredAt.add(measured);
            swap = null;
            pendingSwap = null;
            System.out.printf(Locale.ROOT, "t=%3ds up=%d sent=%d/s delivered=%d/s logins=%d/s resumes=%d/s p50=%.2fms"
                            + " p99=%.2fms errors=%d loadgen-cpu=%.0f%%%s%n",
                    s.t(), s.ready(), s.sent(), s.delivered(), s.logins(), s.resumes(), s.p50Ms(), s.p99Ms(),
                    s.errors() + s.ackErrors(), s.cpu(), s.swap() == null ? "" : " SWAP " + s.swap());
            printed++;
        }
    }

    private Map<String, Long> serverStats(boolean gc) {
        if (!shell.available()) {
            return Map.of();
        }
        try {
            if (gc) {
                awaitSessions();
            }
            return shell.stats(gc);
        } catch (IOException | InterruptedException e) {
            System.err.println("could not read server stats: " + e);
            return Map.of();
        }
    }

    /** Waits (at most 10 s) until the server counts every connection as logged in, before measuring its heap. */
    private void awaitSessions() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        Object tick = new Object();
        while (System.nanoTime() < deadline && shell.stats(false).getOrDefault("sessions", 0L) < options.connections) {
            synchronized (tick) {
                tick.wait(100);
            }
        }
    }

    /** Drops the next jar, with a new Bundle-Version, into the deploy folder by an atomic move. */
    private String swap(int n) throws IOException {
        Path jar = options.swapJars.get(n % options.swapJars.size());
        String version = "0.1.0.loadgen" + System.currentTimeMillis() / 1000 + "n" + n;
        Path staged = options.deployDir.resolve("." + jar.getFileName() + ".part");
        Files.write(staged, withVersion(jar, version));
        Files.move(staged, options.deployDir.resolve(jar.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        String what = jar.getFileName() + " -> " + version;
        System.out.println("swap: " + what);
        return what;
    }

    static byte[] withVersion(Path jar, String version) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (InputStream raw = Files.newInputStream(jar); JarInputStream in = new JarInputStream(raw)) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().put(new Attributes.Name("Bundle-Version"), version);
            try (JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
                JarEntry e;
                while ((e = in.getNextJarEntry()) != null) {
                    jarOut.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(jarOut);
                    jarOut.closeEntry();
                }
            }
        }
        return out.toByteArray();
    }

    private int finish(Map<String, Long> serverAtReady, double loginSeconds) throws IOException {
        long sent = 0;
        long acked = 0;
        long ackErrors = 0;
        long delivered = 0;
        long logins = 0;
        long resumes = 0;
        long errors = 0;
        int active = 0;
        double cpu = 0;
        for (Timeline.Second s : timeline.seconds) {
            sent += s.sent();
            acked += s.acked();
            ackErrors += s.ackErrors();
            delivered += s.delivered();
            logins += s.logins();
            resumes += s.resumes();
            errors += s.errors();
            if (s.delivered() > 0) {
                active++;
                cpu += s.cpu();
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("scenario", scenario.name().toLowerCase(Locale.ROOT));
        summary.put("connections", options.connections);
        summary.put("workers", processes.size());
        summary.put("offeredRate", options.rate);
        summary.put("seconds", options.seconds);
        summary.put("warmupSeconds", options.warmup);
        summary.put("loginSeconds", round(loginSeconds));
        summary.put("sent", sent);
        summary.put("acked", acked);
        summary.put("ackErrors", ackErrors);
        summary.put("delivered", delivered);
        summary.put("deliveredPerSecond", active == 0 ? 0 : delivered / active);
        summary.put("logins", logins);
        summary.put("resumes", resumes);
        summary.put("loginsPerSecond", round(Timeline.rate(logins, timeline.loginSpan)));
        summary.put("resumesPerSecond", round(Timeline.rate(resumes, timeline.resumeSpan)));
        summary.put("errors", errors);
        summary.put("latencyP50Ms", round(Timeline.ms(timeline.latency.getValueAtPercentile(50))));
        summary.put("latencyP99Ms", round(Timeline.ms(timeline.latency.getValueAtPercentile(99))));
        summary.put("latencyP999Ms", round(Timeline.ms(timeline.latency.getValueAtPercentile(99.9))));
        summary.put("latencyMaxMs", round(Timeline.ms(timeline.latency.getMaxValue())));
        summary.put("loginLatencyP50Ms", round(Timeline.ms(timeline.loginLatency.getValueAtPercentile(50))));
        summary.put("loginLatencyP99Ms", round(Timeline.ms(timeline.loginLatency.getValueAtPercentile(99))));
        summary.put("loadgenCpuPercentWhileSending", active == 0 ? 0 : round(cpu / active));
        serverCost(summary);
        if (scenario == Scenario.OFFLINE) {
            // queueing (recipients away) and replay (back) happen in different seconds: a rate for each
            summary.put("queuedAckedPerSecond", steadyRate(Timeline.Second::acked));
            summary.put("replayedPerSecond", steadyRate(Timeline.Second::delivered));
        }
        serverAtReady.forEach((k, v) -> summary.put("server." + k, v));
        if (serverAtReady.containsKey("heap-used") && serverAtReady.containsKey("connections")) {
            summary.put("serverHeapPerConnectionBytes", serverAtReady.get("heap-used") / Math.max(1, serverAtReady.get("connections")));
        }
        Path dir = options.outDir(scenario);
        Report.write(dir, summary, timeline);
        System.out.println("summary: " + summary);
        System.out.println("wrote " + dir.resolve("results.json") + " and " + dir.resolve("chart.html"));
        boolean lost = scenario.sendsMessages() && (ackErrors > 0 || acked > delivered);
        if (errors > 0 || lost) {
            System.err.println("errors: " + timeline.errors);
            return 1;
        }
        return 0;
    }

    /**
     * Over the measured seconds that delivered anything: the delivery rate, the server's CPU (in
     * percent of one core) and its CPU per delivered message, beside the driver's own CPU.
     */
    private void serverCost(Map<String, Object> summary) {
        int first = -1;
        int last = -1;
        for (int i = 0; i < timeline.seconds.size(); i++) {
            if (measuredAt.get(i) && timeline.seconds.get(i).delivered() > 0) {
                first = first < 0 ? i : first;
                last = i;
            }
        }
        if (first < 1 || last <= first) {
            return;
        }
        long delivered = 0;
        double driverCpu = 0;
        for (int i = first; i <= last; i++) {
            delivered += timeline.seconds.get(i).delivered();
            driverCpu += timeline.seconds.get(i).cpu();
        }
        int seconds = last - first + 1;
        summary.put("measuredSeconds", seconds);
        summary.put("deliveredPerSecondMeasured", delivered / seconds);
        summary.put("driverCpuPercentMeasured", round(driverCpu / seconds));
        long before = serverCpuAt.get(first - 1);
        long after = serverCpuAt.get(last);
        if (before >= 0 && after >= before) {
            summary.put("serverCpuPercent", round(100.0 * (after - before) / (seconds * 1e9)));
            summary.put("serverCpuMicrosPerDelivered", delivered == 0 ? 0 : round((after - before) / 1000.0 / delivered));
        }
    }

    /** Per second over the seconds where the count is not zero, leaving out the first and last (partial) ones. */
    private long steadyRate(java.util.function.ToLongFunction<Timeline.Second> count) {
        List<Long> values = new ArrayList<>();
        for (Timeline.Second s : timeline.seconds) {
            long v = count.applyAsLong(s);
            if (v > 0) {
                values.add(v);
            }
        }
        if (values.size() >= 3) {
            values = values.subList(1, values.size() - 1);
        }
        return values.isEmpty() ? 0 : values.stream().mapToLong(Long::longValue).sum() / values.size();
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
