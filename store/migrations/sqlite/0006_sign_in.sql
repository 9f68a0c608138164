-- Sign-in attempts by the name tried, whether an account has it or not
-- (登录失败计数), so that an unknown name locks after MaxFailedLogins
-- failures exactly as a known one does and the two cannot be told apart.
-- attempts counts the failures in a row with the checks still running: an
-- attempt is counted before its password is checked (store/login.go).
CREATE TABLE login_attempts (
    username     TEXT PRIMARY KEY,
    attempts     INTEGER NOT NULL,
    locked_until TEXT,
    last_at      TEXT NOT NULL -- the last attempt; rows a day old are swept
);
CREATE INDEX login_attempts_last ON login_attempts (last_at);

-- The counters kept on users until now move to login_attempts.
INSERT INTO login_attempts (username, attempts, locked_until, last_at)
    SELECT username, failed_logins, locked_until, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
    FROM users WHERE failed_logins > 0 OR locked_until IS NOT NULL;
ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN locked_until;

-- A disabled account (停用) cannot sign in and has no sessions.
ALTER TABLE users ADD COLUMN disabled_at TEXT;
