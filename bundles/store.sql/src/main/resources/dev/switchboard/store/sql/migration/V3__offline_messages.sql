-- Store-and-forward: messages and receipts waiting for a device, deleted once it confirms them.
-- seq is the server-wide acceptance order; a device's queue is read by (to_user, to_device, seq).
CREATE TABLE offline_messages (
    seq            BIGINT      NOT NULL PRIMARY KEY,
    to_user        VARCHAR(20) NOT NULL,
    to_device      INT         NOT NULL,
    from_user      VARCHAR(20) NOT NULL,
    from_device    INT         NOT NULL,
    message_id     VARCHAR(64) NOT NULL,
    kind           VARCHAR(16) NOT NULL,
    accepted_at_ms BIGINT      NOT NULL,
    body           MEDIUMBLOB  NOT NULL
);
CREATE INDEX ix_offline_device ON offline_messages (to_user, to_device, seq);
CREATE INDEX ix_offline_accepted ON offline_messages (accepted_at_ms);

-- The highest sequence number ever issued, so numbers are never reused after queues drain.
CREATE TABLE offline_sequence (
    counter_name  VARCHAR(20) NOT NULL PRIMARY KEY,
    high_water    BIGINT      NOT NULL
);
INSERT INTO offline_sequence (counter_name, high_water) VALUES ('seq', 0);
