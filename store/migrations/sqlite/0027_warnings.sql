-- Warnings (预警) raised by the engine over the cases' counters and facts,
-- and handled in a closed loop of their own (docs/warnings.md). Rules and
-- the deadlines by level are rows a city changes; a warning's timeline is
-- warning_events; the numbers are warning_tallies, written in the
-- transaction of each step: per node (the unit it is sent to and each unit
-- above it), the month it was raised, the rule's kind and the level.

-- 可能激化: a dispute flagged likely to escalate, on its report.
ALTER TABLE cases ADD COLUMN volatile INTEGER NOT NULL DEFAULT 0;
-- The per-case rules read the few cases with the fact, by these indexes.
CREATE INDEX cases_volatile ON cases (reported_at) WHERE volatile = 1;
CREATE INDEX cases_people ON cases (people) WHERE people > 0;
CREATE INDEX cases_pet_repeats ON cases (pet_repeats) WHERE pet_repeats > 0;

CREATE TABLE warning_rules (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT NOT NULL,
    name          TEXT NOT NULL,
    case_kind     TEXT NOT NULL DEFAULT '',
    category      TEXT NOT NULL DEFAULT '',
    threshold     INTEGER NOT NULL DEFAULT 0,
    window_days   INTEGER NOT NULL DEFAULT 0,
    weeks         INTEGER NOT NULL DEFAULT 0,
    percent       INTEGER NOT NULL DEFAULT 0,
    alpha         REAL NOT NULL DEFAULT 0,
    cooldown_days INTEGER NOT NULL DEFAULT 0,
    level         TEXT NOT NULL,
    send_to       TEXT NOT NULL DEFAULT '',
    active        INTEGER NOT NULL DEFAULT 1,
    version       INTEGER NOT NULL DEFAULT 1
);
-- The defaults, measured in warning_eval_test.go.
INSERT INTO warning_rules (kind, name, case_kind, category, threshold, window_days, weeks, percent, alpha, cooldown_days, level) VALUES
    ('cluster',  '同一网格同类纠纷聚集', 'dispute',  '',     8,  3, 0, 0,  0,       3,  'orange'),
    ('group',    '群体性纠纷',           'dispute',  '',     30, 0, 0, 0,  0,       0,  'red'),
    ('volatile', '矛盾纠纷可能激化',     'dispute',  '',     0,  0, 0, 0,  0,       0,  'orange'),
    ('repeat',   '同一事项重复信访',     'petition', '',     3,  0, 0, 0,  0,       0,  'yellow'),
    ('seasonal', '春节前欠薪纠纷上升',   'dispute',  '0701', 20, 0, 4, 30, 0,       0,  'orange'),
    ('spike',    '网格类别异常增长',     'dispute',  '',     4,  7, 8, 0,  0.00001, 14, 'yellow');

CREATE TABLE warning_deadlines (
    level         TEXT PRIMARY KEY,
    sign_hours    INTEGER NOT NULL,
    feedback_days INTEGER NOT NULL
);
INSERT INTO warning_deadlines (level, sign_hours, feedback_days) VALUES
    ('red', 2, 1), ('orange', 4, 3), ('yellow', 8, 5), ('blue', 24, 10);

CREATE TABLE warnings (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    region         TEXT NOT NULL,
    rule_id        INTEGER NOT NULL REFERENCES warning_rules (id),
    rule_kind      TEXT NOT NULL,
    rule_name      TEXT NOT NULL,
    level          TEXT NOT NULL,
    dedup_key      TEXT NOT NULL UNIQUE,
    place          TEXT NOT NULL, -- a grid or a unit
    case_kind      TEXT NOT NULL DEFAULT '',
    category       TEXT NOT NULL DEFAULT '',
    case_id        TEXT NOT NULL DEFAULT '',
    count          INTEGER NOT NULL DEFAULT 0,
    expected       REAL NOT NULL DEFAULT 0,
    day_from       TEXT NOT NULL,
    day_to         TEXT NOT NULL,
    unit_code      TEXT NOT NULL REFERENCES units (code),
    unit_path      TEXT NOT NULL,
    issuer_path    TEXT NOT NULL,
    month          TEXT NOT NULL, -- raised, YYYY-MM: its counters' month
    state          TEXT NOT NULL,
    raised_at      TEXT NOT NULL,
    sign_by        TEXT NOT NULL,
    feedback_by    TEXT NOT NULL,
    signed_at      TEXT,
    fed_back_at    TEXT,
    closed_at      TEXT,
    feedback       TEXT NOT NULL DEFAULT '',
    overdue        INTEGER NOT NULL DEFAULT 0,
    risk_id        INTEGER NOT NULL DEFAULT 0,
    escalated_case TEXT NOT NULL DEFAULT '',
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX warnings_unit ON warnings (unit_path, id);
CREATE INDEX warnings_open ON warnings (unit_code, state);
-- The watch: open warnings not yet marked overdue, by their deadline.
CREATE INDEX warnings_due ON warnings (feedback_by) WHERE overdue = 0 AND state IN ('raised', 'signed', 'handling');
CREATE INDEX warnings_sign_due ON warnings (sign_by) WHERE overdue = 0 AND state = 'raised';

CREATE TABLE warning_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    warning_id INTEGER NOT NULL REFERENCES warnings (id),
    at         TEXT NOT NULL,
    actor_id   INTEGER NOT NULL,
    actor_name TEXT NOT NULL,
    unit_code  TEXT NOT NULL DEFAULT '',
    step       TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    details    TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX warning_events_warning ON warning_events (warning_id, id);

-- The last day each series (rule, place, category) raised a warning: the
-- engine's cooldown.
CREATE TABLE warning_cooldown (
    rule_id  INTEGER NOT NULL,
    series   TEXT NOT NULL,
    last_day TEXT NOT NULL,
    PRIMARY KEY (rule_id, series)
) WITHOUT ROWID;

CREATE TABLE warning_tallies (
    node      TEXT NOT NULL,
    month     TEXT NOT NULL,
    rule_kind TEXT NOT NULL,
    level     TEXT NOT NULL,
    raised    INTEGER NOT NULL DEFAULT 0,
    signed    INTEGER NOT NULL DEFAULT 0,
    fed_back  INTEGER NOT NULL DEFAULT 0,
    released  INTEGER NOT NULL DEFAULT 0,
    escalated INTEGER NOT NULL DEFAULT 0,
    overdue   INTEGER NOT NULL DEFAULT 0,
    open      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (node, month, rule_kind, level)
) WITHOUT ROWID;
