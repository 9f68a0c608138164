-- Core schema (SQLite): the territory, accounts, categories, cases and their
-- timeline. Timestamps are TEXT in UTC, '2006-01-02T15:04:05.000Z', so that
-- they sort; booleans are 0/1. Tables that grow with cases carry region (the
-- county code, or the city/province code above counties) first in their
-- primary key, as the PostgreSQL schema does for distribution by region.

CREATE TABLE units (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    level       TEXT NOT NULL,
    parent_code TEXT REFERENCES units (code),
    path        TEXT NOT NULL UNIQUE, -- '/620000/620900/620902/'
    region      TEXT NOT NULL
);
CREATE INDEX units_parent ON units (parent_code);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL DEFAULT '',
    unit_code     TEXT NOT NULL REFERENCES units (code),
    roles         TEXT NOT NULL, -- 'dispatcher,leader'
    password_hash TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT,
    created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY, -- hex sha256 of the bearer token
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE categories (
    code         TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    parent       TEXT NOT NULL DEFAULT '',
    sign_n       INTEGER NOT NULL,
    sign_unit    TEXT NOT NULL,
    resolve_n    INTEGER NOT NULL,
    resolve_unit TEXT NOT NULL
);

-- The last case number given out per region and year.
CREATE TABLE case_counters (
    region   TEXT NOT NULL,
    year     INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (region, year)
);

CREATE TABLE cases (
    region           TEXT NOT NULL,
    id               TEXT NOT NULL, -- the number: 2026-620902-000123
    number           TEXT NOT NULL,
    kind             TEXT NOT NULL,
    category         TEXT NOT NULL REFERENCES categories (code),
    title            TEXT NOT NULL DEFAULT '',
    description      TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL,
    lat              REAL,
    lng              REAL,
    address          TEXT NOT NULL DEFAULT '',
    grid             TEXT NOT NULL DEFAULT '',
    unit_code        TEXT NOT NULL REFERENCES units (code),
    unit_path        TEXT NOT NULL,
    holding_unit     TEXT NOT NULL DEFAULT '',
    holding_path     TEXT NOT NULL DEFAULT '',
    assigned_unit    TEXT NOT NULL DEFAULT '',
    assigned_path    TEXT NOT NULL DEFAULT '',
    source           TEXT NOT NULL,
    reported_by      INTEGER NOT NULL DEFAULT 0,
    reported_at      TEXT NOT NULL,
    sign_by          TEXT,
    resolve_by       TEXT,
    overdue          INTEGER NOT NULL DEFAULT 0,
    suspended        INTEGER NOT NULL DEFAULT 0,
    suspended_at     TEXT,
    escalation_level INTEGER NOT NULL DEFAULT 0,
    supervised       INTEGER NOT NULL DEFAULT 0,
    signed_at        TEXT,
    resolved_at      TEXT,
    closed_at        TEXT,
    satisfaction     TEXT,
    reporter_sealed  BLOB, -- AES-GCM sealed JSON of the reporter
    parties_sealed   BLOB, -- AES-GCM sealed JSON of the parties
    updated_at       TEXT NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (region, id)
);
-- Lists: newest first, inside a jurisdiction.
CREATE INDEX cases_reported ON cases (reported_at, id);
CREATE INDEX cases_unit_reported ON cases (unit_path, reported_at);
CREATE INDEX cases_assigned_reported ON cases (assigned_path, reported_at);
-- Due work: open cases whose clock runs and that have not yet been found
-- overdue, by resolve deadline. EscalateDue repeats this condition verbatim.
CREATE INDEX cases_due ON cases (resolve_by)
    WHERE status IN ('reported', 'accepted', 'dispatched', 'in_progress') AND NOT suspended AND NOT overdue;

-- The same Idempotency-Key from the same user answers the same case.
CREATE TABLE idempotency_keys (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    region     TEXT NOT NULL,
    case_id    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, key),
    FOREIGN KEY (region, case_id) REFERENCES cases (region, id)
);

-- The timeline: one append-only row per action; the case row is its cache.
CREATE TABLE actions (
    region       TEXT NOT NULL,
    case_id      TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    action       TEXT NOT NULL,
    actor_id     INTEGER NOT NULL DEFAULT 0,
    actor_name   TEXT NOT NULL,
    acted_at     TEXT NOT NULL,
    from_status  TEXT NOT NULL DEFAULT '',
    to_status    TEXT NOT NULL,
    from_unit    TEXT NOT NULL DEFAULT '',
    to_unit      TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    deadline     TEXT,
    satisfaction TEXT NOT NULL DEFAULT '',
    attachments  TEXT NOT NULL DEFAULT '', -- JSON array of file references
    PRIMARY KEY (region, case_id, seq),
    FOREIGN KEY (region, case_id) REFERENCES cases (region, id)
);

-- Reads of personal data and other acts worth an account. SQLite cannot
-- autoincrement a composite key; the PostgreSQL table is keyed (region, id).
CREATE TABLE audit (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    region    TEXT NOT NULL,
    logged_at TEXT NOT NULL,
    user_id   INTEGER NOT NULL DEFAULT 0,
    user_name TEXT NOT NULL DEFAULT '',
    action    TEXT NOT NULL,
    case_id   TEXT NOT NULL DEFAULT '',
    detail    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_case ON audit (region, case_id, id);
