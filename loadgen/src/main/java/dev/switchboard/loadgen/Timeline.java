package dev.switchboard.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The run, second by second, summed over workers; and the whole run's latency histograms. */
final class Timeline {

    /** One second of the run. */
    record Second(int t, long ready, long sent, long acked, long ackErrors, long delivered, long logins,
                  long resumes, long errors, double cpu, double p50Ms, double p99Ms, double maxMs, String swap) {
    }

    final List<Second> seconds = new ArrayList<>();
    /** Message latency over the measured (post-warm-up) seconds. */
    final Histogram latency = new Histogram(Interval.MAX_LATENCY_NANOS, 3);
    final Histogram loginLatency = new Histogram(Interval.MAX_LATENCY_NANOS, 3);
    final List<String> errors = new ArrayList<>();
    /** Earliest and latest full login and resume over all workers, wall-clock milliseconds. */
    final long[] loginSpan = {Long.MAX_VALUE, 0};
    final long[] resumeSpan = {Long.MAX_VALUE, 0};

    /** Adds second {@code t} from one STAT line per worker. */
    Second add(int t, List<Map<String, String>> lines, String swap, boolean measured) {
        long[] sums = new long[9];
        String[] keys = {"ready", "sent", "acked", "ackErrors", "delivered", "logins", "resumes", "errors"};
        double cpu = 0;
        Histogram lat = new Histogram(Interval.MAX_LATENCY_NANOS, 3);
        for (Map<String, String> m : lines) {
            for (int i = 0; i < keys.length; i++) {
                sums[i] += Long.parseLong(m.getOrDefault(keys[i], "0"));
            }
            cpu += Double.parseDouble(m.getOrDefault("cpu", "0"));
            widen(loginSpan, m.getOrDefault("loginSpan", "0,0"));
            widen(resumeSpan, m.getOrDefault("resumeSpan", "0,0"));
            lat.add(Interval.decode(m.get("lat")));
            loginLatency.add(Interval.decode(m.get("loginLat")));
            if (!"-".equals(m.getOrDefault("firstError", "-")) && errors.size() < 20) {
                errors.add("t=" + t + " " + m.get("firstError"));
            }
        }
        if (measured) {
            latency.add(lat);
        }
        Second s = new Second(t, sums[0], sums[1], sums[2], sums[3], sums[4], sums[5], sums[6], sums[7], cpu,
                ms(lat.getValueAtPercentile(50)), ms(lat.getValueAtPercentile(99)), ms(lat.getMaxValue()), swap);
        seconds.add(s);
        return s;
    }

    private static void widen(long[] span, String firstLast) {
        String[] p = firstLast.split(",");
        long first = Long.parseLong(p[0]);
        if (first != 0) {
            span[0] = Math.min(span[0], first);
            span[1] = Math.max(span[1], Long.parseLong(p[1]));
        }
    }

    /** Events per second over a span, or 0 when the span is empty. */
    static double rate(long count, long[] span) {
        return span[1] <= span[0] ? 0 : count * 1000.0 / (span[1] - span[0]);
    }

    static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }
}
