-- Media blobs by SHA-256: the first uploader (for quotas), and when a message last referred to it.
CREATE TABLE media_blobs (
    sha256         CHAR(64)    NOT NULL PRIMARY KEY,
    size_bytes     BIGINT      NOT NULL,
    owner_id       VARCHAR(20) NOT NULL,
    created_at_ms  BIGINT      NOT NULL,
    last_ref_at_ms BIGINT      NOT NULL
);
CREATE INDEX ix_media_owner ON media_blobs (owner_id);
