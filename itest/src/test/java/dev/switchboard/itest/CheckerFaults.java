package dev.switchboard.itest;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The randomized checker's schedule, drawn entirely from its seed, so a failing seed replays the
 * same faults at the same moments on the same targets (docs/CHECKER.md).
 */
final class CheckerFaults {

    enum Kind {
        GRACEFUL_RESTART, KILL_RESTART, SWAP_OFFLINE, SWAP_ROUTING, SWAP_PROTOCOL, CONFIG_EDIT, CUT_CONNECTIONS,
        LOGIN_ELSEWHERE, ONE_SHOT_SEND, ONE_SHOT_GROUPS, DEVICE_AWAY
    }

    /** One fault: when (ms after the start), what, on which user (an index), and a number for it. */
    record Fault(long atMs, Kind kind, int target, int value) {
        @Override
        public String toString() {
            return String.format("%6.1f s %s target=%d value=%d", atMs / 1000.0, kind, target, value);
        }
    }

    private CheckerFaults() {
    }

    /**
     * Faults every 1.5 to 5 s over the run. Restarts are rarer than the cheap faults (they cost
     * seconds of the budget each), but a minute's run sees each kind with a few seeds.
     */
    static List<Fault> schedule(long seed, long runMs, int users) {
        Random r = new Random(seed);
        Kind[] weighted = {
            Kind.GRACEFUL_RESTART, Kind.KILL_RESTART, Kind.KILL_RESTART,
            Kind.SWAP_OFFLINE, Kind.SWAP_ROUTING, Kind.SWAP_PROTOCOL,
            Kind.CONFIG_EDIT, Kind.CONFIG_EDIT,
            Kind.CUT_CONNECTIONS, Kind.CUT_CONNECTIONS, Kind.CUT_CONNECTIONS,
            Kind.LOGIN_ELSEWHERE, Kind.LOGIN_ELSEWHERE,
            Kind.ONE_SHOT_SEND, Kind.ONE_SHOT_GROUPS,
            Kind.DEVICE_AWAY, Kind.DEVICE_AWAY, Kind.DEVICE_AWAY
        };
        List<Fault> out = new ArrayList<>();
        long at = 2000 + r.nextInt(2000);
        while (at < runMs) {
            Kind kind = weighted[r.nextInt(weighted.length)];
            out.add(new Fault(at, kind, r.nextInt(users), r.nextInt(1_000_000)));
            at += 1500 + r.nextInt(3500);
        }
        return out;
    }
}
