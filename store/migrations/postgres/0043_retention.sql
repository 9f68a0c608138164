-- 0043_retention: how long a closed case's personal data is kept, by kind
-- (个人信息保存期限, store/retention.go), the mark of a case whose personal
-- data was deleted at the end of it, and the task type of a citizen's
-- request to see or correct their data (个人信息请求, 15 working days).
CREATE TABLE retention_policy (
    kind       text PRIMARY KEY,
    months     integer NOT NULL,
    updated_by text NOT NULL DEFAULT '',
    updated_at timestamptz
);
INSERT INTO retention_policy (kind, months) VALUES ('dispute', 60), ('petition', 120), ('hazard', 36), ('service', 36);

ALTER TABLE cases ADD COLUMN personal_purged_at timestamptz;
CREATE INDEX cases_retention ON cases (kind, closed_at) WHERE status = 'closed' AND personal_purged_at IS NULL;

INSERT INTO task_types (code, name, unit, offsets, names, rules, shares, quantified, behind_points) VALUES
    ('personal_data', '个人信息请求', 'working', '15', '答复', 'finish', '100', false, 10);
