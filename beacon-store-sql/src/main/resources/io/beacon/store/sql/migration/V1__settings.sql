-- Beacon settings schema, version 1. The same SQL runs on SQLite and PostgreSQL: portable types only
-- (TEXT, BIGINT), no vendor functions. Enum-like columns hold the wire words of the protocol
-- ("everyone", "exact", "busy", ...); NULL visibilities mean "server default".

CREATE TABLE beacon_user_settings (
    user_id              TEXT    NOT NULL PRIMARY KEY,
    visibility           TEXT,
    last_seen_visibility TEXT,
    last_seen_precision  TEXT    NOT NULL DEFAULT 'exact',
    manual_status        TEXT    NOT NULL DEFAULT 'auto',
    custom_text          TEXT,
    custom_emoji         TEXT,
    custom_expires_at    BIGINT  NOT NULL DEFAULT 0,
    last_seen            BIGINT  NOT NULL DEFAULT 0,
    revision             BIGINT  NOT NULL DEFAULT 0
);

CREATE TABLE beacon_contacts (
    user_id    TEXT NOT NULL,
    contact_id TEXT NOT NULL,
    PRIMARY KEY (user_id, contact_id)
);

CREATE TABLE beacon_blocks (
    user_id    TEXT NOT NULL,
    blocked_id TEXT NOT NULL,
    PRIMARY KEY (user_id, blocked_id)
);
