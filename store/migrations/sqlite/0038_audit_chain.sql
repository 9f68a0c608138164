-- 0038_audit_chain: the tamper-evident audit trail (审计链). Every row
-- carries the account's unit, the source address, the request id and the
-- result; rows are written unchained (seq NULL) by the services and linked
-- afterwards by the chainer (store/audit_chain.go), which alone holds the
-- single head row of audit_chain, so writers never wait on one another.
ALTER TABLE audit ADD COLUMN unit_code TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN request_id TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN result TEXT NOT NULL DEFAULT 'ok'; -- ok, refused, failed
ALTER TABLE audit ADD COLUMN seq INTEGER;                        -- NULL until chained
ALTER TABLE audit ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN hash TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX audit_seq ON audit (seq) WHERE seq IS NOT NULL;
CREATE INDEX audit_unchained ON audit (id) WHERE seq IS NULL;
CREATE INDEX audit_logged ON audit (logged_at, id);

-- The head of the chain, one row: the last chained seq and its hash, and
-- where the chain starts (start_seq, start_hash: the last pruned row, or 0
-- and '' when nothing was pruned).
CREATE TABLE audit_chain (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    seq        INTEGER NOT NULL DEFAULT 0,
    hash       TEXT NOT NULL DEFAULT '',
    start_seq  INTEGER NOT NULL DEFAULT 0,
    start_hash TEXT NOT NULL DEFAULT ''
);
INSERT INTO audit_chain (id) VALUES (1);

-- The daily anchors (每日锚点): the chain head written once a day, also
-- to the log, which verify checks against the chain.
CREATE TABLE audit_anchors (
    seq         INTEGER PRIMARY KEY,
    hash        TEXT NOT NULL,
    anchored_at TEXT NOT NULL
);
