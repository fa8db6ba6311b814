package dev.switchboard.itest;

import static org.junit.Assert.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * A few seconds of each load generator scenario against the exported runtime, with a handful of
 * connections, so the benchmark tool cannot rot. The benchmark figures themselves are made by hand
 * (docs/BENCHMARKS.md), never here.
 */
public class LoadgenSmokeIT {

    private static RuntimeProcess server;

    @BeforeClass
    public static void startServer() throws Exception {
        server = new RuntimeProcess("LoadgenSmokeIT");
    }

    @AfterClass
    public static void stopServer() throws Exception {
        if (server != null) { // null when it did not start; its own failure says why
            server.close();
        }
    }

    private static void loadgen(String scenario, String... extra) throws Exception {
        Path jar = Path.of(RuntimeProcess.ROOT, "loadgen/target/loadgen.jar").toAbsolutePath().normalize();
        assertTrue("the load generator is built first: " + jar, Files.exists(jar));
        Path out = server.home.resolve("loadgen-" + scenario);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--scenario", scenario, "--port", String.valueOf(server.port),
                "--shell", server.socket().toString(), "--deploy-dir", server.home.resolve("deploy").toString(),
                "--out", out.toString(), "--worker-heap", "256m", "--warmup", "0"));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(server.home.resolve("loadgen-" + scenario + ".log").toFile()).start();
        assertTrue("loadgen " + scenario + " finished within 120 s", p.waitFor(120, TimeUnit.SECONDS));
        String log = Files.readString(server.home.resolve("loadgen-" + scenario + ".log"));
        assertEquals("loadgen " + scenario + " exit code; its output:\n" + log, 0, p.exitValue());
        String results = Files.readString(out.resolve("results.json"));
        assertTrue(results, results.contains("\"errors\": 0"));
        assertTrue(Files.readString(out.resolve("chart.html")).contains("<svg"));
        assertTrue(log, log.contains("t=  1s"));
    }

    @Test
    public void idle() throws Exception {
        loadgen("idle", "-n", "20", "--seconds", "2", "--first-user", "0");
    }

    @Test
    public void pairs() throws Exception {
        loadgen("pairs", "-n", "20", "-w", "2", "--seconds", "3", "--rate", "500", "--first-user", "100");
    }

    @Test
    public void logins() throws Exception {
        loadgen("logins", "-n", "20", "--seconds", "1", "--first-user", "200");
    }

    @Test
    public void offline() throws Exception {
        loadgen("offline", "-n", "20", "--seconds", "2", "--window", "4", "--first-user", "400");
    }

    @Test
    public void groups() throws Exception {
        loadgen("groups", "-n", "20", "--seconds", "2", "--group-size", "5", "--window", "4", "--first-user", "600");
        String results = Files.readString(server.home.resolve("loadgen-groups").resolve("results.json"));
        assertFalse("group messages were delivered: " + results, results.contains("\"delivered\": 0,"));
    }

    @Test
    public void swap() throws Exception {
        Path routing = Path.of(RuntimeProcess.ROOT, "bundles/routing/target/switchboard-routing-" + SwitchboardTestSupport.VERSION
                + ".jar").toAbsolutePath().normalize();
        loadgen("swap", "-n", "20", "--seconds", "4", "--rate", "500", "--first-user", "300",
                "--swap-jar", routing.toString(), "--swap-at", "1");
        String status = ManagementShell.run(server.socket(), "sb:status");
        assertTrue(status, status.contains("0.1.0.loadgen"));
    }
}
