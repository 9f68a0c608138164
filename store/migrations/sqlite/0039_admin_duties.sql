-- 0039_admin_duties: password rules and sessions kept in the database
-- (安全策略). The policy itself is a row of settings ("security").
--
-- When each account's password was last set, for the expiry; NULL for a
-- password set before this migration, whose expiry counts from the
-- account's creation.
ALTER TABLE users ADD COLUMN password_set_at TEXT;

-- The hashes of the passwords an account has had (密码历史), so that the
-- last N are not taken again; the newest rows beyond the policy's N are
-- deleted as a new one comes.
CREATE TABLE password_history (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hash    TEXT NOT NULL,
    set_at  TEXT NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, id);

-- When a session was last used (the idle time-out), written at most once a
-- minute; NULL for a session made before this migration, which counts from
-- its creation.
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT;
