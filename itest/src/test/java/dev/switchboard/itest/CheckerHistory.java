package dev.switchboard.itest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the randomized checker saw, and the rules it holds the server to (docs/CHECKER.md):
 * every acknowledged message reaches each target device exactly once; a device receives one
 * sender's messages in the order they were sent; no {@code delivered} receipt names a message its
 * device never received. Thread-safe: senders, listeners and the fault loop record concurrently.
 */
final class CheckerHistory {

    /** A message as its sender recorded it. {@code order} counts the sender's messages from 0. */
    record Sent(String sender, String id, String toUser, long order) {
    }

    private final Map<String, Sent> acknowledged = new ConcurrentHashMap<>();
    private final Map<String, Sent> attempted = new ConcurrentHashMap<>();
    /** Per receiving device, in arrival order: "sender|id". */
    private final Map<String, List<String>> received = new ConcurrentHashMap<>();
    /** "device|sender|id" of each delivered receipt a sender got. */
    private final List<String> receipts = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Map<String, List<String>> devicesOf = new ConcurrentHashMap<>();

    void device(String user, String device) {
        devicesOf.computeIfAbsent(user, u -> java.util.Collections.synchronizedList(new ArrayList<>())).add(device);
    }

    void attempted(Sent m) {
        attempted.put(m.sender() + "|" + m.id(), m);
    }

    void acknowledged(Sent m) {
        acknowledged.put(m.sender() + "|" + m.id(), m);
    }

    /** The same, as sets, for the frequent "is everything there yet" question. */
    private final Map<String, java.util.Set<String>> receivedOnce = new ConcurrentHashMap<>();

    /** When and under which seq each device first got each message: to explain an order violation. */
    private final Map<String, String> firstArrival = new ConcurrentHashMap<>();
    private final long startNanos = System.nanoTime();

    void received(String device, String sender, String id, String seq) {
        received.computeIfAbsent(device, d -> java.util.Collections.synchronizedList(new ArrayList<>())).add(sender + "|" + id);
        receivedOnce.computeIfAbsent(device, d -> ConcurrentHashMap.newKeySet()).add(sender + "|" + id);
        firstArrival.putIfAbsent(device + " " + sender + "|" + id,
                String.format("seq %s at %.1f s", seq, (System.nanoTime() - startNanos) / 1e9));
    }

    void deliveredReceipt(String fromDevice, String senderDevice, String id) {
        receipts.add(fromDevice + "|" + senderDevice + "|" + id);
    }

    int acknowledgedCount() {
        return acknowledged.size();
    }

    /** How many acknowledged copies have not arrived yet (0 when the run may end). */
    long missing() {
        long missing = 0;
        for (Sent m : acknowledged.values()) {
            for (String device : devicesOf.getOrDefault(m.toUser(), List.of())) {
                if (!receivedOnce.getOrDefault(device, java.util.Set.of()).contains(m.sender() + "|" + m.id())) {
                    missing++;
                }
            }
        }
        return missing;
    }

    /** Which acknowledged copies have not arrived, per device, the first few of each: for a failure message. */
    String missingByDevice() {
        Map<String, List<String>> out = new java.util.TreeMap<>();
        for (Sent m : acknowledged.values()) {
            for (String device : devicesOf.getOrDefault(m.toUser(), List.of())) {
                if (!receivedOnce.getOrDefault(device, java.util.Set.of()).contains(m.sender() + "|" + m.id())) {
                    out.computeIfAbsent(device, d -> new ArrayList<>()).add(m.id());
                }
            }
        }
        StringBuilder text = new StringBuilder();
        out.forEach((device, ids) -> text.append(device).append(": ").append(ids.size()).append(" missing, e.g. ")
                .append(ids.stream().sorted().limit(5).toList()).append("; received ")
                .append(received.getOrDefault(device, List.of()).size()).append('\n'));
        return text.toString();
    }

    /** Every rule broken, one line each (at most 50 listed). */
    List<String> violations() {
        List<String> out = new ArrayList<>();
        for (Sent m : acknowledged.values()) {
            for (String device : devicesOf.getOrDefault(m.toUser(), List.of())) {
                long copies = copies(device, m.sender() + "|" + m.id());
                if (copies != 1) {
                    out.add("acknowledged " + m.sender() + " " + m.id() + " arrived " + copies + " times at " + device);
                }
            }
        }
        Map<String, Sent> known = new HashMap<>(attempted);
        known.putAll(acknowledged);
        received.forEach((device, got) -> {
            Map<String, Long> lastOrder = new LinkedHashMap<>();
            Map<String, String> lastKey = new HashMap<>();
            List<String> copy;
            synchronized (got) {
                copy = new ArrayList<>(got);
            }
            Map<String, Integer> seen = new HashMap<>();
            for (String key : copy) {
                if (seen.merge(key, 1, Integer::sum) > 1) {
                    if (!acknowledged.containsKey(key)) {
                        out.add("unacknowledged " + key + " arrived more than once at " + device);
                    }
                    continue; // counted above for acknowledged ones
                }
                Sent m = known.get(key);
                if (m == null) {
                    out.add(device + " received " + key + ", which nobody sent");
                    continue;
                }
                Long before = lastOrder.put(m.sender(), m.order());
                if (before != null && before > m.order()) {
                    String beforeKey = lastKey.get(m.sender());
                    out.add(device + " received " + key + " (#" + m.order() + ", " + firstArrival.get(device + " " + key)
                            + ") after #" + before + " of the same sender (" + firstArrival.get(device + " " + beforeKey) + ")");
                }
                lastKey.put(m.sender(), key);
            }
        });
        synchronized (receipts) {
            for (String r : receipts) {
                String[] p = r.split("\\|", 3);
                if (copies(p[0], p[1] + "|" + p[2]) == 0) {
                    out.add("delivered receipt from " + p[0] + " for " + p[1] + " " + p[2] + ", which it never received");
                }
            }
        }
        return out.size() > 50 ? new ArrayList<>(out.subList(0, 50)) : out;
    }

    private long copies(String device, String key) {
        List<String> got = received.getOrDefault(device, List.of());
        synchronized (got) {
            return got.stream().filter(key::equals).count();
        }
    }
}
