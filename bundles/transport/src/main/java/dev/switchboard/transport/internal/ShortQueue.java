package dev.switchboard.transport.internal;

import java.util.ArrayDeque;

/**
 * A first-in first-out queue for a connection, which nearly always holds nothing or one element:
 * the head lives in a field and only a second element makes a deque, so an idle connection's queue
 * costs 24 bytes where an {@link ArrayDeque} costs 48 and MINA's default write queue 64. Not
 * thread-safe: each user guards it.
 */
class ShortQueue<T> {

    private T head;
    /** Everything after the head, oldest first; made for the first second element and kept after. */
    private ArrayDeque<T> rest;

    final void add(T element) {
        if (element == null) {
            throw new NullPointerException("a queue holds no nulls");
        }
        if (head == null) {
            head = element;
        } else {
            if (rest == null) {
                rest = new ArrayDeque<>(4);
            }
            rest.add(element);
        }
    }

    /** Puts an element back in front (one taken off to be worked on, which must wait after all). */
    final void addFirst(T element) {
        if (element == null) {
            throw new NullPointerException("a queue holds no nulls");
        }
        if (head != null) {
            if (rest == null) {
                rest = new ArrayDeque<>(4);
            }
            rest.addFirst(head);
        }
        head = element;
    }

    final T peek() {
        return head;
    }

    final T poll() {
        T out = head;
        if (out != null) {
            head = rest == null ? null : rest.poll();
        }
        return out;
    }

    final boolean isEmpty() {
        return head == null;
    }

    final int count() {
        return head == null ? 0 : 1 + (rest == null ? 0 : rest.size());
    }

    final void removeAll() {
        head = null;
        rest = null;
    }
}
