-- End-to-end encryption's public keys (the server never holds a private key). Each row belongs to
-- a device and goes with it: unlinking a device or deleting its account deletes its keys.
CREATE TABLE device_keys (
    user_id           VARCHAR(20)    NOT NULL,
    device_id         INT            NOT NULL,
    registration_id   INT            NOT NULL,
    identity_key      VARBINARY(64)  NOT NULL,
    signed_id         INT            NOT NULL,
    signed_key        VARBINARY(64)  NOT NULL,
    signed_sig        VARBINARY(128) NOT NULL,
    kyber_id          INT,
    kyber_key         VARBINARY(2048),
    kyber_sig         VARBINARY(128),
    updated_at_ms     BIGINT         NOT NULL,
    PRIMARY KEY (user_id, device_id),
    CONSTRAINT fk_keys_device FOREIGN KEY (user_id, device_id)
        REFERENCES devices (user_id, device_id) ON DELETE CASCADE
);

-- One-time prekeys, each handed to one fetcher and then gone (kind 0 classic, 1 Kyber).
CREATE TABLE one_time_prekeys (
    user_id    VARCHAR(20)     NOT NULL,
    device_id  INT             NOT NULL,
    kind       INT             NOT NULL,
    key_id     INT             NOT NULL,
    public_key VARBINARY(2048) NOT NULL,
    signature  VARBINARY(128)  NOT NULL,
    PRIMARY KEY (user_id, device_id, kind, key_id),
    CONSTRAINT fk_prekeys_device FOREIGN KEY (user_id, device_id)
        REFERENCES devices (user_id, device_id) ON DELETE CASCADE
);

-- The account's device list as its primary device signed it: opaque bytes for the clients to check.
CREATE TABLE device_lists (
    user_id       VARCHAR(20)     NOT NULL PRIMARY KEY,
    signed_list   VARBINARY(8192) NOT NULL,
    updated_at_ms BIGINT          NOT NULL,
    CONSTRAINT fk_device_list_account FOREIGN KEY (user_id) REFERENCES accounts (user_id) ON DELETE CASCADE
);

-- Who fetched an account's keys, and so is told when the account's devices change.
CREATE TABLE key_contacts (
    user_id    VARCHAR(20) NOT NULL,
    fetcher_id VARCHAR(20) NOT NULL,
    PRIMARY KEY (user_id, fetcher_id),
    CONSTRAINT fk_key_contacts_account FOREIGN KEY (user_id) REFERENCES accounts (user_id) ON DELETE CASCADE
);
