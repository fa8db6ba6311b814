package dev.switchboard.auth.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed logins per key (an account, a source address) and locks a key out, for a time
 * that doubles with each further failure, once it has more than its allowance. A key's count
 * is forgotten after a quiet period. Plain data inside, so it can be handed to the next revision.
 */
final class LoginThrottle {

    private static final long MAX_LOCK_MS = 300_000;

    /** failures and the time of the last one, per key */
    private final Map<String, long[]> failures = new ConcurrentHashMap<>();
    private final long baseLockMs;
    private final long forgetAfterMs;

    LoginThrottle(long baseLockMs, long forgetAfterMs) {
        this.baseLockMs = baseLockMs;
        this.forgetAfterMs = forgetAfterMs;
    }

    /** Seconds the key must wait before trying again (0 = may try now). */
    long retryAfterSeconds(String key, int allowance, long nowMs) {
        long[] f = failures.get(key);
        if (f == null) {
            return 0;
        }
        if (nowMs - f[1] > forgetAfterMs) {
            failures.remove(key, f);
            return 0;
        }
        long excess = f[0] - allowance;
        if (excess <= 0) {
            return 0;
        }
        long lockMs = Math.min(MAX_LOCK_MS, baseLockMs << Math.min(20, excess - 1));
        long waitMs = f[1] + lockMs - nowMs;
        return waitMs <= 0 ? 0 : (waitMs + 999) / 1000;
    }

    void failed(String key, long nowMs) {
        failures.compute(key, (k, f) -> f == null || nowMs - f[1] > forgetAfterMs
                ? new long[] {1, nowMs} : new long[] {f[0] + 1, nowMs});
    }

    void succeeded(String key) {
        failures.remove(key);
    }

    /** The counters as plain data, for the state vault. */
    Map<String, Object> snapshot() {
        Map<String, Object> out = new HashMap<>();
        failures.forEach((k, f) -> out.put(k, f.clone()));
        return out;
    }

    void restore(Map<String, Object> data) {
        data.forEach((k, v) -> {
            if (v instanceof long[] f && f.length == 2) {
                failures.put(k, f.clone());
            }
        });
    }
}
