package dev.switchboard.loadgen;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One second of a worker's counts and latencies, written as one line of {@code key=value} pairs
 * (histograms as base64 compressed HdrHistograms) and read back by the coordinator.
 */
final class Interval {

    static final long MAX_LATENCY_NANOS = 60_000_000_000L;

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private Histogram latency = new Histogram(MAX_LATENCY_NANOS, 3);
    private Histogram loginLatency = new Histogram(MAX_LATENCY_NANOS, 3);
    private long sent;
    private long acked;
    private long ackErrors;
    private long delivered;
    private long logins;
    private long resumes;
    private long errors;
    private String firstError = "";
    /** Wall-clock milliseconds of the first and last full login / resume in this interval. */
    private long[] loginSpan = new long[2];
    private long[] resumeSpan = new long[2];
    private long ackedTotal;
    private long deliveredTotal;
    private long lastCpuNanos = os.getProcessCpuTime();
    private long lastWallNanos = System.nanoTime();

    void sent() {
        sent++;
    }

    void acked(boolean error) {
        if (error) {
            ackErrors++;
        } else {
            acked++;
            ackedTotal++;
        }
    }

    void delivered(long latencyNanos) {
        delivered++;
        deliveredTotal++;
        latency.recordValue(Math.max(0, Math.min(latencyNanos, MAX_LATENCY_NANOS)));
    }

    /** Messages acknowledged to their sender here but not yet delivered to their partner here. */
    long unmatched() {
        return ackedTotal - deliveredTotal;
    }

    void login(boolean resume, long nanos) {
        long now = System.currentTimeMillis();
        long[] span = resume ? resumeSpan : loginSpan;
        span[0] = span[0] == 0 ? now : span[0];
        span[1] = now;
        if (resume) {
            resumes++;
        } else {
            logins++;
        }
        loginLatency.recordValue(Math.max(0, Math.min(nanos, MAX_LATENCY_NANOS)));
    }

    void error(String what) {
        if (errors++ == 0) {
            firstError = what.replace(' ', '_');
        }
    }

    /** The line for this second, and a fresh interval. */
    String drain(int ready, int connecting) {
        long cpu = os.getProcessCpuTime();
        long wall = System.nanoTime();
        double cpuPercent = 100.0 * (cpu - lastCpuNanos) / Math.max(1, wall - lastWallNanos);
        lastCpuNanos = cpu;
        lastWallNanos = wall;
        Map<String, String> m = new LinkedHashMap<>();
        m.put("ready", String.valueOf(ready));
        m.put("connecting", String.valueOf(connecting));
        m.put("sent", String.valueOf(sent));
        m.put("acked", String.valueOf(acked));
        m.put("ackErrors", String.valueOf(ackErrors));
        m.put("delivered", String.valueOf(delivered));
        m.put("logins", String.valueOf(logins));
        m.put("resumes", String.valueOf(resumes));
        m.put("errors", String.valueOf(errors));
        m.put("cpu", String.format("%.1f", cpuPercent));
        m.put("lat", encode(latency));
        m.put("loginLat", encode(loginLatency));
        m.put("loginSpan", loginSpan[0] + "," + loginSpan[1]);
        m.put("resumeSpan", resumeSpan[0] + "," + resumeSpan[1]);
        m.put("firstError", firstError.isEmpty() ? "-" : firstError);
        loginSpan = new long[2];
        resumeSpan = new long[2];
        sent = acked = ackErrors = delivered = logins = resumes = errors = 0;
        firstError = "";
        latency = new Histogram(MAX_LATENCY_NANOS, 3);
        loginLatency = new Histogram(MAX_LATENCY_NANOS, 3);
        StringBuilder out = new StringBuilder();
        m.forEach((k, v) -> out.append(k).append('=').append(v).append(' '));
        return out.toString().trim();
    }

    static String encode(Histogram h) {
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoCompressedByteBuffer(buf);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), n));
    }

    static Histogram decode(String b64) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(b64)), 0);
        } catch (java.util.zip.DataFormatException e) {
            throw new IllegalArgumentException("bad histogram", e);
        }
    }

    /** Parses a STAT line's pairs. */
    static Map<String, String> parse(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String pair : line.split(" ")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                m.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return m;
    }
}
