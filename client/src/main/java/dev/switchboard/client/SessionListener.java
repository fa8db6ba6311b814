package dev.switchboard.client;

import dev.switchboard.api.stanza.Node;

/**
 * What a {@link Session} tells the app, on its delivery thread, one call at a time and in arrival
 * order. Every method has an empty default; override what the app shows.
 */
public interface SessionListener {

    /** A message ({@code from}, {@code id}, bytes; media messages have {@code type="media"} and a reference). */
    default void message(Node message) {
    }

    /** A receipt for a message this account sent: {@code type} is {@code delivered} or {@code read}. */
    default void receipt(Node receipt) {
    }

    /** An account this session watches came online or went offline. */
    default void presence(Node presence) {
    }

    /** Someone is typing, recording or stopped ({@code state}); never stored. */
    default void chatState(Node chatState) {
    }

    /** A group change ({@code type} {@code group-create}, {@code group-add}, ...). */
    default void notification(Node notification) {
    }

    /** The session is (again) logged in; {@code resumed} is false for the first login. */
    default void connected(boolean resumed) {
    }

    /** The connection was lost; the session reconnects by itself unless it was closed. */
    default void disconnected(String reason) {
    }
}
