package dev.switchboard.keys.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per requesting device for key fetches: a stranger harvesting prekeys drains its
 * own bucket, not the victim's pool faster than a client's ordinary use. Bounded: the least
 * recently used requesters are forgotten (a forgotten one starts with a full bucket, which costs at
 * most one burst). Used from the keys thread only.
 */
final class FetchLimiter {

    private static final int MAX_REQUESTERS = 100_000;

    private final double burst;
    private final double perNano;
    private final Map<String, double[]> buckets = new LinkedHashMap<>(1024, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
            return size() > MAX_REQUESTERS;
        }
    };

    FetchLimiter(int burst, int perMinute) {
        this.burst = burst;
        this.perNano = perMinute / 60e9;
    }

    /** @return 0 when a fetch may go ahead now (and is counted), else the seconds to wait */
    long tryFetch(String requester, long nowNanos) {
        double[] b = buckets.computeIfAbsent(requester, r -> new double[] {burst, nowNanos});
        b[0] = Math.min(burst, b[0] + (nowNanos - b[1]) * perNano);
        b[1] = nowNanos;
        if (b[0] >= 1) {
            b[0] -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - b[0]) / perNano / 1e9));
    }
}
