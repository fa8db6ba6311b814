package dev.switchboard.transport.internal;

import dev.switchboard.api.protocol.Link;
import dev.switchboard.api.stanza.Address;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What resumable connections left behind ({@link Link#RESUMABLE}): a dialect's state, kept for a
 * few minutes after its connection ended so that a new connection of the same device can take it
 * over (XMPP's stream resumption). It lives in the transport so it outlives a swap of the dialect.
 * Bounded: the oldest go first when the most it may hold ({@link #MAX_KEPT} in service) are held,
 * and each is kept for at most {@link Link#RESUMABLE_SECONDS}.
 */
final class ResumableStates {

    /** A few hundred bytes each: 50,000 devices that dropped within five minutes is ~25 MB at most. */
    static final int MAX_KEPT = 50_000;

    private record Kept(Address device, Map<String, String> state, long untilMs) {
    }

    /** By token, oldest first (kept in the order they were parked, which is their expiry order). */
    private final LinkedHashMap<String, Kept> kept = new LinkedHashMap<>();
    private final long keepMs;
    private final int maxKept;

    ResumableStates(long keepMs, int maxKept) {
        this.keepMs = keepMs;
        this.maxKept = maxKept;
    }

    /** Keeps the state of a connection that ends, if its dialect made it resumable; once per connection. */
    void park(Connection c) {
        DialectLink link = c.link;
        Address device = c.address;
        if (link == null || device == null || !link.markParked()) {
            return;
        }
        Map<String, String> state = link.stateView();
        String token = state.get(Link.RESUMABLE);
        if (token == null) {
            return;
        }
        long now = System.currentTimeMillis();
        synchronized (kept) {
            expire(now);
            kept.remove(token); // re-parked under the same token (a resumed stream that dropped again) goes to the end
            kept.put(token, new Kept(device, state, now + keepMs));
            if (kept.size() > maxKept) {
                Iterator<String> oldest = kept.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
        }
    }

    /** The state kept under this token for this device, taken; null when none is (or it was another device's). */
    Map<String, String> take(String token, Address device) {
        if (token == null || device == null) {
            return null;
        }
        long now = System.currentTimeMillis();
        synchronized (kept) {
            expire(now);
            Kept k = kept.get(token);
            if (k == null || !k.device().equals(device)) {
                return null; // a token of another device takes nothing and leaves it where it is
            }
            kept.remove(token);
            return Map.copyOf(k.state());
        }
    }

    int size() {
        synchronized (kept) {
            return kept.size();
        }
    }

    private void expire(long now) {
        Iterator<Kept> it = kept.values().iterator();
        while (it.hasNext() && it.next().untilMs() <= now) {
            it.remove();
        }
    }
}
