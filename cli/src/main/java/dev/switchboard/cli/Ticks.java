package dev.switchboard.cli;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ✓✓ lines under a sent message, in order: a read receipt can overtake the delivered one
 * (they travel as separate stanzas), and a reader would be puzzled by "read" before "delivered".
 */
final class Ticks {

    private static final int DELIVERED = 1;
    private static final int READ = 2;

    private final Printer printer;
    /** Per message and recipient device: the furthest tick shown. */
    private final Map<String, Integer> shown = new ConcurrentHashMap<>();

    Ticks(Printer printer) {
        this.printer = printer;
    }

    /** A receipt for a message this chat sent ({@code key}: message id and receipt sender). */
    synchronized void receipt(String key, boolean read, String text, String by) {
        int before = shown.getOrDefault(key, 0);
        if (before < DELIVERED) {
            printer.line("  ✓✓ delivered " + text + "  (" + by + ")");
        }
        if (read && before < READ) {
            printer.line("  ✓✓ read      " + text + "  (" + by + ")");
        }
        shown.put(key, Math.max(before, read ? READ : DELIVERED));
    }
}
