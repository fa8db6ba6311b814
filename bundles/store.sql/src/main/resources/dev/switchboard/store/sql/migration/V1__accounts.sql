-- Accounts and their devices' credentials. Portable SQL: the same file runs on H2 and MariaDB.
CREATE TABLE accounts (
    user_id       VARCHAR(20) NOT NULL PRIMARY KEY,
    created_at_ms BIGINT      NOT NULL
);

CREATE TABLE devices (
    user_id          VARCHAR(20)  NOT NULL,
    device_id        INT          NOT NULL,
    registered_at_ms BIGINT       NOT NULL,
    algorithm        VARCHAR(40)  NOT NULL,
    iterations       INT          NOT NULL,
    salt             VARBINARY(64)  NOT NULL,
    hash             VARBINARY(128) NOT NULL,
    PRIMARY KEY (user_id, device_id),
    CONSTRAINT fk_devices_account FOREIGN KEY (user_id) REFERENCES accounts (user_id) ON DELETE CASCADE
);
