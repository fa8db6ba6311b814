-- An account's contacts are its roster (RFC 6121): the owner's name and groups for each contact,
-- and the presence subscriptions between them (1 = to, 2 = from, 4 = asked, as in RosterItem).
ALTER TABLE contacts ADD COLUMN display_name VARCHAR(255) DEFAULT '' NOT NULL;
ALTER TABLE contacts ADD COLUMN group_names VARCHAR(2100) DEFAULT '' NOT NULL;
ALTER TABLE contacts ADD COLUMN subscription_flags INT DEFAULT 0 NOT NULL;

-- Subscription requests the owner has not answered ("pending in"): kept apart from contacts, so a
-- stranger's request grants nothing, and sent to the owner's devices when they are next present.
CREATE TABLE subscription_requests (
    owner_id        VARCHAR(20) NOT NULL,
    requester_id    VARCHAR(20) NOT NULL,
    requested_at_ms BIGINT      NOT NULL,
    PRIMARY KEY (owner_id, requester_id)
);
