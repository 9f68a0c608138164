-- Assessment (考核, assess.go, docs/assessment.md) and the monthly report
-- (平安报表).
--
-- A scheme (考核方案) is kept whole as JSON (body: its indicators, grades,
-- bands, objection days and creation threshold), with every version it
-- had: a period's results, once published, name the version they were
-- computed with and are kept frozen as JSON too, so that editing the
-- scheme later changes nothing published. What the assessor enters for a
-- unit in a draft period (a manual score, a deduction, a veto) is a row
-- of assess_inputs; after publication a result changes only by a logged
-- correction (assess_corrections), e.g. when a unit's objection (申诉) is
-- upheld. Notices (通报) and interviews (约谈) stay with the result. Evidence
-- files are kept sealed in the file store, by their sum.
CREATE TABLE assess_schemes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_code  TEXT NOT NULL REFERENCES units (code),
    unit_path  TEXT NOT NULL,
    year       INTEGER NOT NULL,
    level      TEXT NOT NULL,
    name       TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    body       TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (unit_code, year, level)
);

CREATE TABLE assess_scheme_versions (
    scheme_id INTEGER NOT NULL REFERENCES assess_schemes (id),
    version   INTEGER NOT NULL,
    name      TEXT NOT NULL,
    body      TEXT NOT NULL,
    saved_by  TEXT NOT NULL,
    saved_at  TEXT NOT NULL,
    PRIMARY KEY (scheme_id, version)
);

CREATE TABLE assess_inputs (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id INTEGER NOT NULL REFERENCES assess_schemes (id),
    period    TEXT NOT NULL,
    unit_code TEXT NOT NULL REFERENCES units (code),
    kind      TEXT NOT NULL,
    indicator TEXT NOT NULL DEFAULT '',
    points    REAL NOT NULL DEFAULT 0,
    reason    TEXT NOT NULL DEFAULT '',
    evidence  TEXT NOT NULL DEFAULT '[]',
    by_name   TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX assess_inputs_period ON assess_inputs (scheme_id, period);

CREATE TABLE assess_periods (
    scheme_id        INTEGER NOT NULL REFERENCES assess_schemes (id),
    period           TEXT NOT NULL,
    version          INTEGER NOT NULL,
    published_at     TEXT NOT NULL,
    published_by     TEXT NOT NULL,
    objections_until TEXT NOT NULL,
    results          TEXT NOT NULL,
    PRIMARY KEY (scheme_id, period)
);

CREATE TABLE assess_notices (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id INTEGER NOT NULL,
    period    TEXT NOT NULL,
    unit_code TEXT NOT NULL REFERENCES units (code),
    kind      TEXT NOT NULL,
    day       TEXT NOT NULL,
    host      TEXT NOT NULL DEFAULT '',
    attendee  TEXT NOT NULL DEFAULT '',
    required  TEXT NOT NULL,
    by_name   TEXT NOT NULL,
    at        TEXT NOT NULL,
    FOREIGN KEY (scheme_id, period) REFERENCES assess_periods (scheme_id, period)
);
CREATE INDEX assess_notices_period ON assess_notices (scheme_id, period);

CREATE TABLE assess_objections (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id   INTEGER NOT NULL,
    period      TEXT NOT NULL,
    unit_code   TEXT NOT NULL REFERENCES units (code),
    text        TEXT NOT NULL,
    evidence    TEXT NOT NULL DEFAULT '[]',
    filed_by    TEXT NOT NULL,
    filed_at    TEXT NOT NULL,
    answered    INTEGER NOT NULL DEFAULT 0,
    upheld      INTEGER NOT NULL DEFAULT 0,
    reply       TEXT NOT NULL DEFAULT '',
    answered_by TEXT NOT NULL DEFAULT '',
    answered_at TEXT,
    FOREIGN KEY (scheme_id, period) REFERENCES assess_periods (scheme_id, period)
);
CREATE INDEX assess_objections_period ON assess_objections (scheme_id, period);

CREATE TABLE assess_corrections (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id INTEGER NOT NULL,
    period    TEXT NOT NULL,
    unit_code TEXT NOT NULL REFERENCES units (code),
    objection INTEGER,
    body      TEXT NOT NULL,
    reason    TEXT NOT NULL,
    by_name   TEXT NOT NULL,
    at        TEXT NOT NULL,
    FOREIGN KEY (scheme_id, period) REFERENCES assess_periods (scheme_id, period)
);
CREATE INDEX assess_corrections_period ON assess_corrections (scheme_id, period);

-- 平安创建: the units designated 平安乡镇 / 平安村(社区) by a published year.
CREATE TABLE peace_designations (
    year      INTEGER NOT NULL,
    unit_code TEXT NOT NULL REFERENCES units (code),
    level     TEXT NOT NULL,
    county    TEXT NOT NULL,
    total     REAL NOT NULL,
    scheme_id INTEGER NOT NULL REFERENCES assess_schemes (id),
    PRIMARY KEY (year, unit_code)
);
CREATE INDEX peace_designations_county ON peace_designations (year, level, county);

-- The monthly reports (平安报表) kept for the archive, as their files.
CREATE TABLE monthly_reports (
    unit_code    TEXT NOT NULL REFERENCES units (code),
    unit_path    TEXT NOT NULL,
    month        TEXT NOT NULL,
    generated_at TEXT NOT NULL,
    generated_by TEXT NOT NULL DEFAULT '',
    xlsx         BLOB NOT NULL,
    pdf          BLOB NOT NULL,
    PRIMARY KEY (unit_code, month)
);

-- 处置用时: hours from report to resolution, summed (tally.go MHandleHours).
-- The store recounts the counters once after this migration on a database
-- that holds cases, so that resolved cases count their hours.
ALTER TABLE tallies_day ADD COLUMN m_handle_hours INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_handle_hours INTEGER NOT NULL DEFAULT 0;
