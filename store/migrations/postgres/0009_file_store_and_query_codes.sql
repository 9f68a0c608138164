-- The content of photos moves out of the database to the file store
-- (pingan.FileStore: a directory by default), sealed as before. files keeps,
-- by the SHA-256 of the content in clear, the name of its sealed content in
-- the file store; rows from before keep their content here until the
-- server moves it out at start (store/file.go, MoveFilesOut).
ALTER TABLE files ADD COLUMN name text;
ALTER TABLE files ALTER COLUMN content DROP NOT NULL;

-- Citizens' query codes (查询码) in a table of their own, sealed, instead of
-- inside the audit row of their report.
CREATE TABLE query_codes (
    region  text NOT NULL,
    case_id text NOT NULL,
    code    text NOT NULL, -- base64 of the AES-GCM sealed code
    PRIMARY KEY (region, case_id),
    FOREIGN KEY (region, case_id) REFERENCES cases (region, id)
);
INSERT INTO query_codes (region, case_id, code)
SELECT region, case_id, substr(detail, 12) FROM audit
WHERE action = 'public_report' AND detail LIKE 'query_code:%'
ORDER BY id
ON CONFLICT (region, case_id) DO NOTHING;
UPDATE audit SET detail = '' WHERE action = 'public_report';
