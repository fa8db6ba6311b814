-- SCRAM-SHA-256 credentials (RFC 5802/7677): the hash column now holds StoredKey, and ServerKey
-- is added. Rows written by V1 (mechanism PBKDF2WithHmacSHA256, hash = SaltedPassword) are
-- converted by the auth bundle the first time they are read, without the password.
ALTER TABLE devices ADD COLUMN server_key VARBINARY(64);

-- Resume tokens, stored as SHA-256 of the token: a database dump gives no usable token.
CREATE TABLE resume_tokens (
    token_hash    VARBINARY(32) NOT NULL PRIMARY KEY,
    user_id       VARCHAR(20)   NOT NULL,
    device_id     INT           NOT NULL,
    expires_at_ms BIGINT        NOT NULL,
    CONSTRAINT fk_tokens_device FOREIGN KEY (user_id, device_id)
        REFERENCES devices (user_id, device_id) ON DELETE CASCADE
);
