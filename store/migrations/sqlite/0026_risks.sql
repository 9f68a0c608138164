-- The risk ledger (风险台账) and 稳评 (social stability risk assessment of
-- major decisions), docs/risks.md. A risk is about a matter and a place,
-- never about a person: no column holds anyone's views, religion,
-- ethnicity or movements, and a measure's owner is a unit and a role or
-- title (责任人), not a name. The timeline of a risk is risk_events; the
-- numbers of the ledger are risk_tallies, written in the transaction of
-- each step: per node (the risk's unit and each unit above it), month
-- (YYYY-MM), level and field. open is a change (+1 registered or reopened,
-- −1 resolved, moved between levels by a level change): the risks in
-- control at the end of a month are the sum of open up to it.

-- The fields (领域), editable by a city's assessor or dispatcher.
CREATE TABLE risk_fields (
    code   TEXT PRIMARY KEY,
    name   TEXT NOT NULL,
    seq    INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1
);
INSERT INTO risk_fields (code, name, seq, active) VALUES
    ('conflict', '社会矛盾', 1, 1),
    ('public_safety', '公共安全', 2, 1),
    ('public_order', '社会治安', 3, 1),
    ('mass_finance', '涉众金融', 4, 1),
    ('housing_delivery', '房地产交付', 5, 1),
    ('labour', '劳资纠纷', 6, 1),
    ('other', '其他', 7, 1);

-- The review cadence by level, in calendar days.
CREATE TABLE risk_cadence (
    level TEXT PRIMARY KEY,
    days  INTEGER NOT NULL
);
INSERT INTO risk_cadence (level, days) VALUES ('red', 7), ('orange', 14), ('yellow', 30), ('blue', 90);

CREATE TABLE risks (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    region          TEXT NOT NULL, -- the unit's
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    field           TEXT NOT NULL REFERENCES risk_fields (code),
    unit_code       TEXT NOT NULL REFERENCES units (code),
    unit_path       TEXT NOT NULL,
    resp_code       TEXT NOT NULL REFERENCES units (code),
    resp_path       TEXT NOT NULL,
    reg_code        TEXT NOT NULL REFERENCES units (code), -- the registering unit (its scope)
    reg_path        TEXT NOT NULL,
    level           TEXT NOT NULL, -- red | orange | yellow | blue
    leader_id       INTEGER NOT NULL REFERENCES users (id),
    status          TEXT NOT NULL, -- controlled | resolved | closed
    source          TEXT NOT NULL DEFAULT 'ledger', -- ledger | warning | stability
    source_ref      TEXT NOT NULL DEFAULT '',
    registered_by   INTEGER NOT NULL,
    registered_at   TEXT NOT NULL,
    next_review_due TEXT NOT NULL,
    last_review_at  TEXT,
    reviews         INTEGER NOT NULL DEFAULT 0,
    overdue         INTEGER NOT NULL DEFAULT 0, -- the review due was missed
    resolved_at     TEXT,
    closed_at       TEXT,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX risks_unit ON risks (unit_path, id);
CREATE INDEX risks_resp ON risks (resp_path, id);
CREATE INDEX risks_leader ON risks (leader_id, id);
-- The watch takes the controlled risks past their review due.
CREATE INDEX risks_due ON risks (status, overdue, next_review_due);

CREATE TABLE risk_measures (
    risk_id   INTEGER NOT NULL REFERENCES risks (id),
    seq       INTEGER NOT NULL,
    text      TEXT NOT NULL,
    unit_code TEXT NOT NULL DEFAULT '',
    owner     TEXT NOT NULL DEFAULT '', -- a role or title (责任人), never a name
    due_on    TEXT NOT NULL,
    done_on   TEXT NOT NULL DEFAULT '',
    added_at  TEXT NOT NULL,
    done_at   TEXT,
    PRIMARY KEY (risk_id, seq)
);

CREATE TABLE risk_cases (
    risk_id   INTEGER NOT NULL REFERENCES risks (id),
    case_id   TEXT NOT NULL,
    linked_at TEXT NOT NULL,
    PRIMARY KEY (risk_id, case_id)
);
CREATE INDEX risk_cases_case ON risk_cases (case_id);

CREATE TABLE risk_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    risk_id    INTEGER NOT NULL REFERENCES risks (id),
    at         TEXT NOT NULL,
    actor_id   INTEGER NOT NULL DEFAULT 0,
    actor_name TEXT NOT NULL DEFAULT '',
    unit_code  TEXT NOT NULL DEFAULT '',
    step       TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    details    TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX risk_events_risk ON risk_events (risk_id, id);

CREATE TABLE risk_tallies (
    node       TEXT NOT NULL,
    month      TEXT NOT NULL, -- YYYY-MM
    level      TEXT NOT NULL,
    field      TEXT NOT NULL,
    registered INTEGER NOT NULL DEFAULT 0,
    open       INTEGER NOT NULL DEFAULT 0,
    resolved   INTEGER NOT NULL DEFAULT 0,
    closed     INTEGER NOT NULL DEFAULT 0,
    reviews    INTEGER NOT NULL DEFAULT 0,
    overdue    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (node, month, level, field)
) WITHOUT ROWID;

-- 稳评: a major decision or project assessed step by step; stage is the
-- last step done (registered → notice → opinions → identify → report →
-- decide).
CREATE TABLE stability (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    region           TEXT NOT NULL,
    title            TEXT NOT NULL,
    body             TEXT NOT NULL, -- the deciding body (决策机关), as text
    kind             TEXT NOT NULL,
    unit_code        TEXT NOT NULL REFERENCES units (code),
    unit_path        TEXT NOT NULL,
    stage            TEXT NOT NULL,
    notice_from      TEXT NOT NULL DEFAULT '',
    notice_to        TEXT NOT NULL DEFAULT '',
    opinions         INTEGER NOT NULL DEFAULT 0,
    opinions_summary TEXT NOT NULL DEFAULT '',
    report_summary   TEXT NOT NULL DEFAULT '',
    report_level     TEXT NOT NULL DEFAULT '', -- high | medium | low
    decision         TEXT NOT NULL DEFAULT '',
    decided_on       TEXT NOT NULL DEFAULT '',
    registered_by    INTEGER NOT NULL,
    registered_at    TEXT NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX stability_unit ON stability (unit_path, id);

CREATE TABLE stability_items (
    stability_id INTEGER NOT NULL REFERENCES stability (id),
    seq          INTEGER NOT NULL,
    text         TEXT NOT NULL,
    level        TEXT NOT NULL DEFAULT '',
    risk_id      INTEGER REFERENCES risks (id),
    PRIMARY KEY (stability_id, seq)
);

CREATE TABLE stability_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    stability_id INTEGER NOT NULL REFERENCES stability (id),
    at           TEXT NOT NULL,
    actor_id     INTEGER NOT NULL DEFAULT 0,
    actor_name   TEXT NOT NULL DEFAULT '',
    unit_code    TEXT NOT NULL DEFAULT '',
    step         TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    details      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX stability_events_of ON stability_events (stability_id, id);
