package dev.switchboard.loadgen;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The load generator's coordinator: starts worker processes (each on its own loopback source
 * address, so more connections than one process's file limit allows), prints a progress line a
 * second, swaps bundles at given times, and writes results.json and chart.html.
 */
@Command(name = "loadgen", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Benchmark a running Switchboard server over loopback.")
public final class Loadgen implements Callable<Integer> {

    @Option(names = "--scenario", description = "idle, pairs, logins, swap, offline or groups (default ${DEFAULT-VALUE})")
    String scenario = "pairs";
    @Option(names = {"-n", "--connections"}, description = "connections in all (even; default ${DEFAULT-VALUE})")
    int connections = 1000;
    @Option(names = {"-w", "--workers"}, description = "worker processes, each at most 9,000 connections (default: enough)")
    int workers = 0;
    @Option(names = "--host", description = "server address (default ${DEFAULT-VALUE})")
    String host = "127.0.0.1";
    @Option(names = "--port", description = "server port (default ${DEFAULT-VALUE})")
    int port = 5200;
    @Option(names = "--rate", description = "messages per second offered in all; 0 = flat out (default ${DEFAULT-VALUE})")
    int rate = 0;
    @Option(names = "--window", description = "messages per connection in flight when flat out: not yet acknowledged or, 1:1, not yet"
            + " received by the partner (default ${DEFAULT-VALUE})")
    int window = 8;
    @Option(names = "--seconds", description = "how long to run once all are logged in (default ${DEFAULT-VALUE})")
    int seconds = 10;
    @Option(names = "--warmup", description = "seconds after everyone is logged in left out of the latency summary (default ${DEFAULT-VALUE})")
    int warmup = 5;
    @Option(names = "--first-user", description = "number of the first load account (default ${DEFAULT-VALUE})")
    int firstUser = 0;
    @Option(names = "--password", description = "password all load accounts share (default ${DEFAULT-VALUE})")
    String password = "loadgen-password";
    @Option(names = "--server-pid", description = "the server's process id, for its CPU per message (default: data/switchboard.pid)")
    long serverPid;

    @Option(names = "--shell", description = "the server's management socket, for its counters (default ${DEFAULT-VALUE})")
    Path shell = Path.of("data/ctl/shell.sock");
    @Option(names = "--deploy-dir", description = "the server's deploy folder, for the swap scenario (default ${DEFAULT-VALUE})")
    Path deployDir = Path.of("deploy");
    @Option(names = "--swap-jar", split = ",", description = "bundle jars to drop into the deploy folder in turn")
    List<Path> swapJars = new ArrayList<>();
    @Option(names = "--swap-at", split = ",", description = "seconds (after everyone is logged in) at which to swap")
    List<Integer> swapAt = new ArrayList<>();
    @Option(names = "--out", description = "directory for results.json and chart.html (default target/loadgen/<scenario>)")
    Path out;
    @Option(names = "--group-size", description = "members of each group in the groups scenario (default ${DEFAULT-VALUE})")
    int groupSize = 50;
    @Option(names = "--protocol", description = "switchboard, or xmpp to measure a peer XMPP server (ejabberd; pairs, logins) with"
            + " the same driver (default ${DEFAULT-VALUE})")
    String protocol = "switchboard";
    @Option(names = "--encryption", description = "noise (every connection encrypted, as the server requires by default)"
            + " or none (for a server with encryption=none) (default ${DEFAULT-VALUE})")
    String encryption = "noise";
    @Option(names = "--receipts", description = "XMPP: messages ask for XEP-0184 receipts and recipients answer them; a"
            + " sender's window closes on the receipt (Switchboard sends its own receipts either way)")
    boolean receipts;
    @Option(names = "--e2e-bytes", description = "pairs: send each message end-to-end encrypted in form (e2e=1, one enc"
            + " ciphertext of this many bytes for the partner's device, after every device uploaded keys): the server's"
            + " work for an encrypted message, without the clients' cryptography (measured apart, in bench); 0 = plain"
            + " (default ${DEFAULT-VALUE})")
    int e2eBytes;
    @Option(names = "--worker-heap", description = "heap of each worker JVM (default ${DEFAULT-VALUE})")
    String workerHeap = "1g";

    public static void main(String[] args) {
        System.exit(new CommandLine(new Loadgen()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Scenario sc;
        try {
            sc = Scenario.valueOf(scenario.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            System.err.println("error: unknown scenario '" + scenario + "'; use idle, pairs, logins, swap, offline or groups");
            return 2;
        }
        if (connections < 2 || connections % 2 != 0) {
            System.err.println("error: --connections must be an even number of at least 2");
            return 2;
        }
        if (groupSize < 2 || groupSize > 1024) {
            System.err.println("error: --group-size must be 2 to 1024");
            return 2;
        }
        if (sc == Scenario.SWAP && (swapJars.isEmpty() || swapAt.isEmpty())) {
            System.err.println("error: the swap scenario needs --swap-jar and --swap-at");
            return 2;
        }
        if (!encryption.equals("noise") && !encryption.equals("none")) {
            System.err.println("error: --encryption is noise or none, not " + encryption);
            return 2;
        }
        if (!protocol.equals("switchboard") && !(protocol.equals("xmpp") && (sc == Scenario.PAIRS || sc == Scenario.LOGINS))) {
            System.err.println("error: --protocol is switchboard, or xmpp with --scenario pairs or logins");
            return 2;
        }
        int w = workers > 0 ? workers : Math.max(1, (connections + 8999) / 9000);
        if (w > 250) {
            System.err.println("error: at most 250 workers (source addresses 127.0.0.2-127.0.0.251)");
            return 2;
        }
        List<Process> processes = startWorkers(sc, w);
        try {
            return new Run(this, sc, processes).call();
        } finally {
            processes.forEach(Process::destroy);
        }
    }

    private List<Process> startWorkers(Scenario sc, int w) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");
        String salt = Base64.getEncoder().encodeToString("switchboard-loadgen".getBytes(StandardCharsets.UTF_8));
        List<Process> processes = new ArrayList<>();
        int assigned = 0;
        for (int i = 0; i < w; i++) {
            int share = ((connections / 2) / w + (i < (connections / 2) % w ? 1 : 0)) * 2;
            WorkerSpec spec = new WorkerSpec(i, firstUser + assigned, share, host, port, "127.0.0." + (2 + i), sc,
                    rate / w, window, seconds, password, salt, groupSize, encryption.equals("noise"), receipts, e2eBytes);
            assigned += share;
            List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + workerHeap, "-XX:+UseSerialGC", "-cp", classpath,
                    protocol.equals("xmpp") ? XmppWorker.class.getName() : Worker.class.getName()));
            cmd.addAll(spec.toArgs());
            processes.add(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }
        return processes;
    }

    /** Reads each worker's lines onto a queue of its own. */
    static List<BlockingQueue<String>> readers(List<Process> processes) {
        List<BlockingQueue<String>> queues = new ArrayList<>();
        for (Process p : processes) {
            BlockingQueue<String> q = new LinkedBlockingQueue<>();
            queues.add(q);
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        q.add(line);
                    }
                } catch (IOException ignored) {
                    // worker gone
                } finally {
                    q.add("EXIT");
                }
            }, "worker-reader");
            t.setDaemon(true);
            t.start();
        }
        return queues;
    }

    static String poll(BlockingQueue<String> q, long timeoutMs) throws InterruptedException {
        return q.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    Path outDir(Scenario sc) {
        return out != null ? out : Path.of("target", "loadgen", sc.name().toLowerCase(Locale.ROOT));
    }
}
