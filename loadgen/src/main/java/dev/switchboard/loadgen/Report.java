package dev.switchboard.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes a run's results as JSON and as a self-contained HTML page with throughput and latency charts. */
final class Report {

    private Report() {
    }

    static void write(Path dir, Map<String, Object> summary, Timeline timeline) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.json"), json(summary, timeline));
        Files.writeString(dir.resolve("chart.html"), html(summary, timeline));
    }

    private static String json(Map<String, Object> summary, Timeline t) {
        StringBuilder out = new StringBuilder("{\n  \"summary\": {");
        String sep = "\n";
        for (Map.Entry<String, Object> e : summary.entrySet()) {
            out.append(sep).append("    \"").append(e.getKey()).append("\": ").append(value(e.getValue()));
            sep = ",\n";
        }
        out.append("\n  },\n  \"seconds\": [");
        sep = "\n";
        for (Timeline.Second s : t.seconds) {
            out.append(sep).append(String.format(Locale.ROOT,
                    "    {\"t\": %d, \"ready\": %d, \"sent\": %d, \"acked\": %d, \"ackErrors\": %d, \"delivered\": %d,"
                            + " \"logins\": %d, \"resumes\": %d, \"errors\": %d, \"cpu\": %.1f, \"p50Ms\": %.3f,"
                            + " \"p99Ms\": %.3f, \"maxMs\": %.3f, \"swap\": %s}",
                    s.t(), s.ready(), s.sent(), s.acked(), s.ackErrors(), s.delivered(), s.logins(), s.resumes(),
                    s.errors(), s.cpu(), s.p50Ms(), s.p99Ms(), s.maxMs(), value(s.swap())));
            sep = ",\n";
        }
        out.append("\n  ],\n  \"errors\": [");
        sep = "";
        for (String e : t.errors) {
            out.append(sep).append(value(e));
            sep = ", ";
        }
        return out.append("]\n}\n").toString();
    }

    private static String value(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        return "\"" + v.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String html(Map<String, Object> summary, Timeline t) {
        StringBuilder rows = new StringBuilder();
        summary.forEach((k, v) -> rows.append("<tr><td>").append(k).append("</td><td>").append(v).append("</td></tr>"));
        return "<!doctype html><html><head><meta charset=\"utf-8\"><title>Switchboard loadgen: " + summary.get("scenario")
                + "</title><style>body{font:14px sans-serif;margin:2em}td{padding:2px 12px}svg{border:1px solid #ccc;"
                + "margin:8px 0}</style></head><body><h1>Switchboard loadgen: " + summary.get("scenario") + "</h1>"
                + "<table>" + rows + "</table>"
                + chart("Messages delivered per second", t.seconds, Timeline.Second::delivered, "#1565c0")
                + chart("p99 end-to-end latency (ms)", t.seconds, s -> s.p99Ms(), "#c62828")
                + chart("Logins + resumes per second", t.seconds, s -> s.logins() + s.resumes(), "#2e7d32")
                + "<p>Dashed lines mark bundle swaps.</p></body></html>\n";
    }

    private interface Series {
        double at(Timeline.Second s);
    }

    private static String chart(String title, List<Timeline.Second> seconds, Series series, String colour) {
        int w = 900;
        int h = 220;
        int pad = 50;
        double max = 1e-9;
        for (Timeline.Second s : seconds) {
            max = Math.max(max, series.at(s));
        }
        int n = Math.max(1, seconds.size() - 1);
        StringBuilder points = new StringBuilder();
        StringBuilder marks = new StringBuilder();
        for (int i = 0; i < seconds.size(); i++) {
            double x = pad + (w - 2.0 * pad) * i / n;
            double y = h - pad + 20 - (h - pad) * series.at(seconds.get(i)) / max;
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            if (seconds.get(i).swap() != null) {
                marks.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"10\" x2=\"%.1f\" y2=\"%d\" stroke=\"#555\""
                        + " stroke-dasharray=\"4 3\"><title>%s</title></line>", x, x, h - pad + 20, seconds.get(i).swap()));
            }
        }
        return String.format(Locale.ROOT, "<h3>%s</h3><svg width=\"%d\" height=\"%d\"><text x=\"4\" y=\"20\">%.4g</text>"
                + "<text x=\"4\" y=\"%d\">0</text><text x=\"%d\" y=\"%d\">t = %d s</text>%s"
                + "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/></svg>",
                title, w, h, max, h - pad + 20, w - pad - 40, h - 5, seconds.size(), marks, colour, points);
    }
}
