-- 0040_totp: two-factor sign-in (双因素认证) with TOTP (RFC 6238).

-- The TOTP secret of an account, sealed like personal data. A secret with
-- no enabled_at is an enrolment begun and not yet confirmed with a code.
-- last_step is the last time step whose code was accepted: a code of that
-- step or an earlier one is refused, so each code is taken once.
CREATE TABLE totp (
    user_id       INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret_sealed BLOB NOT NULL,
    created_at    TEXT NOT NULL,
    enabled_at    TEXT,
    last_step     INTEGER NOT NULL DEFAULT 0
);

-- The recovery codes (恢复码) of an account, as SHA-256 hashes, each
-- usable once.
CREATE TABLE totp_recovery (
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   TEXT,
    PRIMARY KEY (user_id, code_hash)
);

-- Sign-ins whose password was right and whose code is still to come: a
-- short-lived token (its hex SHA-256 here) held by the browser, not a
-- session.
CREATE TABLE totp_pending (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL
);
CREATE INDEX totp_pending_user ON totp_pending (user_id);
