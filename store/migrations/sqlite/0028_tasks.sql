-- Supervised work tasks (督办事项, 13710), docs/tasks.md. A task is issued
-- by a unit to one lead unit (牵头单位) and any cooperating units (配合单位)
-- with a plan of milestones; its timeline is task_events, and the numbers
-- of the yearly list are task_tallies, written in the transaction of each
-- step: per node (the lead unit and each unit above it), year, source and
-- kind (quantified 量化指标 | deployment 部署性).

-- The plans (督办类型): milestones at working-day offsets from the issue,
-- or one at the end of each month. Lists are comma-separated, names by |.
CREATE TABLE task_types (
    code          TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    unit          TEXT NOT NULL, -- working | month
    offsets       TEXT NOT NULL DEFAULT '',
    names         TEXT NOT NULL DEFAULT '',
    rules         TEXT NOT NULL DEFAULT '',
    shares        TEXT NOT NULL DEFAULT '',
    quantified    INTEGER NOT NULL DEFAULT 0,
    behind_points INTEGER NOT NULL DEFAULT 10
);
INSERT INTO task_types (code, name, unit, offsets, names, rules, shares, quantified, behind_points) VALUES
    ('13710', '13710 部署性任务', 'working', '1,3,7,10', '部署|首次反馈|落实|办结', 'sign,report,progress,finish', '0,10,70,100', 0, 10),
    ('monthly', '按月推进量化任务', 'month', '', '', '', '', 1, 10);

CREATE TABLE tasks (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    region      TEXT NOT NULL, -- the issuing unit's
    title       TEXT NOT NULL,
    content     TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL, -- instruction | meeting | key_list
    list_year   INTEGER NOT NULL DEFAULT 0,
    ref         TEXT NOT NULL DEFAULT '',
    type        TEXT NOT NULL REFERENCES task_types (code),
    quantified  INTEGER NOT NULL DEFAULT 0,
    target      INTEGER NOT NULL DEFAULT 0,
    target_unit TEXT NOT NULL DEFAULT '',
    tally_year  INTEGER NOT NULL, -- the year it counts in
    unit_code   TEXT NOT NULL REFERENCES units (code),
    unit_path   TEXT NOT NULL,
    lead_code   TEXT NOT NULL REFERENCES units (code),
    lead_path   TEXT NOT NULL,
    state       TEXT NOT NULL,
    issued_by   INTEGER NOT NULL,
    issued_at   TEXT NOT NULL,
    due_at      TEXT NOT NULL,
    percent     INTEGER NOT NULL DEFAULT 0,
    quantity    INTEGER NOT NULL DEFAULT 0,
    escalation  INTEGER NOT NULL DEFAULT 0,
    behind      INTEGER NOT NULL DEFAULT 0,
    sent_back   INTEGER NOT NULL DEFAULT 0,
    finished_at TEXT,
    closed_at   TEXT,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX tasks_unit ON tasks (unit_path, id);
CREATE INDEX tasks_lead ON tasks (lead_path, id);
CREATE INDEX tasks_open ON tasks (state, id);

CREATE TABLE task_units (
    task_id     INTEGER NOT NULL REFERENCES tasks (id),
    unit_code   TEXT NOT NULL REFERENCES units (code),
    unit_path   TEXT NOT NULL,
    role        TEXT NOT NULL, -- lead | co
    signed_at   TEXT,
    percent     INTEGER NOT NULL DEFAULT 0,
    quantity    INTEGER NOT NULL DEFAULT 0,
    reported_at TEXT,
    reports     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (task_id, unit_code)
);
CREATE INDEX task_units_unit ON task_units (unit_code, task_id);
CREATE INDEX task_units_path ON task_units (unit_path);

-- The plan: state pending | met | missed | void (cancelled); the watch takes the pending ones
-- past their due time by task_milestones_due.
CREATE TABLE task_milestones (
    task_id INTEGER NOT NULL REFERENCES tasks (id),
    seq     INTEGER NOT NULL,
    name    TEXT NOT NULL,
    due_at  TEXT NOT NULL,
    rule    TEXT NOT NULL,
    share   INTEGER NOT NULL DEFAULT 0,
    state   TEXT NOT NULL DEFAULT 'pending',
    met_at  TEXT,
    PRIMARY KEY (task_id, seq)
);
CREATE INDEX task_milestones_due ON task_milestones (state, due_at);

CREATE TABLE task_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id    INTEGER NOT NULL REFERENCES tasks (id),
    at         TEXT NOT NULL,
    actor_id   INTEGER NOT NULL,
    actor_name TEXT NOT NULL,
    unit_code  TEXT NOT NULL DEFAULT '',
    step       TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    details    TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX task_events_task ON task_events (task_id, id);

CREATE TABLE task_tallies (
    node       TEXT NOT NULL,
    year       INTEGER NOT NULL,
    source     TEXT NOT NULL,
    kind       TEXT NOT NULL, -- quantified | deployment
    issued     INTEGER NOT NULL DEFAULT 0,
    signed     INTEGER NOT NULL DEFAULT 0,
    done       INTEGER NOT NULL DEFAULT 0,
    on_time    INTEGER NOT NULL DEFAULT 0,
    open       INTEGER NOT NULL DEFAULT 0,
    behind     INTEGER NOT NULL DEFAULT 0,
    missed     INTEGER NOT NULL DEFAULT 0,
    sent_back  INTEGER NOT NULL DEFAULT 0,
    urged      INTEGER NOT NULL DEFAULT 0,
    supervised INTEGER NOT NULL DEFAULT 0,
    notified   INTEGER NOT NULL DEFAULT 0,
    cancelled  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (node, year, source, kind)
) WITHOUT ROWID;
