-- Presence settings: who sees an account's presence, and when it was last seen.
CREATE TABLE presence_settings (
    user_id      VARCHAR(20) NOT NULL PRIMARY KEY,
    visibility   VARCHAR(10) NOT NULL,
    last_seen_ms BIGINT      NOT NULL
);

-- An account's contacts (its client's address book), for the 'contacts' visibility.
CREATE TABLE contacts (
    owner_id   VARCHAR(20) NOT NULL,
    contact_id VARCHAR(20) NOT NULL,
    PRIMARY KEY (owner_id, contact_id)
);
