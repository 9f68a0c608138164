-- Files attached to cases (photos), kept in the database and sealed like
-- personal data (AES-GCM, the store's sealer): each content once, by its
-- SHA-256 in hex; who uploaded it (0: a citizen through the public form);
-- the cases it is attached to. A user attaches only what they uploaded or
-- what is attached already to a case they see (store/file.go).
CREATE TABLE files (
    sum       TEXT PRIMARY KEY, -- hex SHA-256 of the content in clear
    content   BLOB NOT NULL,    -- AES-GCM sealed content
    size      INTEGER NOT NULL, -- bytes in clear
    stored_at TEXT NOT NULL
);

CREATE TABLE uploads (
    sum         TEXT NOT NULL,
    uploaded_by INTEGER NOT NULL, -- users.id; 0 for a citizen
    uploaded_at TEXT NOT NULL,
    PRIMARY KEY (sum, uploaded_by)
);

CREATE TABLE case_files (
    region  TEXT NOT NULL,
    case_id TEXT NOT NULL,
    sum     TEXT NOT NULL,
    PRIMARY KEY (region, case_id, sum),
    FOREIGN KEY (region, case_id) REFERENCES cases (region, id)
);
CREATE INDEX case_files_sum ON case_files (sum);

-- The files attached so far, from the timeline. Their content was kept in
-- clear under files/ in the data directory and is not read any more.
INSERT INTO case_files (region, case_id, sum)
SELECT DISTINCT a.region, a.case_id, substr(j.value, 8)
FROM actions a, json_each(NULLIF(a.attachments, '')) j
WHERE j.value LIKE 'sha256:%' AND length(j.value) = 71;

-- A read of personal data (read_personal) says whether the reader saw it
-- masked; every read before was whole.
ALTER TABLE audit ADD COLUMN masked INTEGER NOT NULL DEFAULT 0;
