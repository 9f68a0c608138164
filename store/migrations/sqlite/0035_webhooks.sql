-- Webhooks (事件推送): the URLs of other systems and the events they get
-- of a unit's subtree (store/webhook.go). The shared secret the deliveries
-- are signed with is sealed like personal data.
CREATE TABLE webhooks (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT NOT NULL,
    url           TEXT NOT NULL,
    events        TEXT NOT NULL, -- JSON array of event names and wildcards ("case.*")
    unit_code     TEXT NOT NULL REFERENCES units (code),
    unit_path     TEXT NOT NULL,
    allow_private INTEGER NOT NULL DEFAULT 0,
    active        INTEGER NOT NULL DEFAULT 1,
    secret_sealed BLOB NOT NULL,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX webhooks_unit ON webhooks (unit_path);

-- The outbox of webhooks: one row per event per webhook that wants it,
-- written in the event's transaction with its body (payload, without the
-- delivery's id) fixed then. Pending rows are due at next_at, each after
-- the earlier pending rows of its webhook and subject (a case's number,
-- "risk/12" …); delivered and failed rows are the log.
CREATE TABLE webhook_deliveries (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id  INTEGER NOT NULL REFERENCES webhooks (id),
    event       TEXT NOT NULL,
    subject     TEXT NOT NULL,
    payload     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'pending', -- pending | delivered | failed
    next_at     TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    first_at    TEXT,
    last_at     TEXT,
    last_status INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT NOT NULL DEFAULT '',
    resend_of   INTEGER NOT NULL DEFAULT 0,
    claim       TEXT NOT NULL DEFAULT '' -- the token of the sender's claim, which its result must hold
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_order ON webhook_deliveries (webhook_id, subject, id) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_recent ON webhook_deliveries (webhook_id, id);

-- Every attempt to deliver: when, the HTTP status (0: none came), the
-- error, how long it took.
CREATE TABLE webhook_attempts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries (id),
    at          TEXT NOT NULL,
    status      INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT '',
    duration_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);
