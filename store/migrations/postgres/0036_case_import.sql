-- Cases transferred in a file (导入事件), docs/import.md. A work order of a
-- 12345 export is imported once: a row whose 工单号 has a case of source
-- import in the importer's jurisdiction is skipped, found by this index.
CREATE INDEX cases_hotline_no ON cases (hotline_no) WHERE hotline_no <> '';
-- The rows of a previewed file, kept sealed (they hold the callers' names
-- and phones) until the importer confirms them, for a day at most.
CREATE TABLE case_import_drafts (
    id         TEXT PRIMARY KEY, -- random, the confirmation's key
    user_id    BIGINT NOT NULL, -- only the importer who previewed confirms
    file_name  TEXT NOT NULL,
    rows_count INTEGER NOT NULL,
    sealed     BYTEA NOT NULL, -- the rows as JSON, sealed
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_import_drafts_created ON case_import_drafts (created_at);
