package dev.switchboard.loadgen;

/** What the connections do once logged in. */
enum Scenario {
    /** Connect, log in and hold: memory per connection, connections per process. */
    IDLE,
    /** Partners exchange 1:1 messages, at a fixed offered rate or flat out. */
    PAIRS,
    /** A connect storm: full SCRAM logins, then reconnects resuming with the token. */
    LOGINS,
    /** PAIRS while bundles are replaced through the deploy folder at given times. */
    SWAP,
    /** Half the accounts go offline, the others queue messages for them, then they come back and replay. */
    OFFLINE,
    /** Connections form groups; each group's first member writes to the group, the others read. */
    GROUPS;

    boolean sendsMessages() {
        return this == PAIRS || this == SWAP || this == OFFLINE || this == GROUPS;
    }
}
