-- Groups and memberships. A group id is 'g' and digits, issued from group_sequence.
CREATE TABLE chat_groups (
    group_id      VARCHAR(20)  NOT NULL PRIMARY KEY,
    subject       VARCHAR(100) NOT NULL,
    creator       VARCHAR(20)  NOT NULL,
    created_at_ms BIGINT       NOT NULL,
    member_count  INT          NOT NULL
);

CREATE TABLE group_members (
    group_id     VARCHAR(20) NOT NULL,
    user_id      VARCHAR(20) NOT NULL,
    is_admin     BOOLEAN     NOT NULL,
    joined_at_ms BIGINT      NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX ix_group_members_user ON group_members (user_id);

CREATE TABLE group_sequence (
    counter_name VARCHAR(20) NOT NULL PRIMARY KEY,
    high_water   BIGINT      NOT NULL
);
INSERT INTO group_sequence (counter_name, high_water) VALUES ('group', 1000000);

-- A queued copy of a group message names its group; null for messages between two accounts.
ALTER TABLE offline_messages ADD COLUMN group_id VARCHAR(20) NULL;
