-- The weekly 研判 (周研判会商), docs/briefings.md. A briefing row exists
-- once its meeting is recorded: the draft before is read live from the
-- counters and never kept. figures is the JSON of the figures as they
-- were when the meeting was first recorded (frozen, like a published
-- assessment period). Each decision is a row; one that became a
-- supervised task names it (task_id), written in the decision's
-- transaction. The timeline is briefing_events; briefing_tallies count,
-- per node (the unit and each unit above it) and year, the meetings held,
-- the decisions and the tasks they became.

CREATE TABLE briefings (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    region      TEXT NOT NULL,
    unit_code   TEXT NOT NULL REFERENCES units (code),
    unit_path   TEXT NOT NULL,
    week        TEXT NOT NULL, -- ISO week, 2026-W48
    week_start  TEXT NOT NULL,
    meeting_on  TEXT NOT NULL,
    chair       TEXT NOT NULL,
    attendees   TEXT NOT NULL DEFAULT '',
    summary     TEXT NOT NULL DEFAULT '',
    figures     TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    UNIQUE (unit_code, week)
);
CREATE INDEX briefings_unit ON briefings (unit_path, week);

CREATE TABLE briefing_decisions (
    briefing_id INTEGER NOT NULL REFERENCES briefings (id),
    seq         INTEGER NOT NULL,
    text        TEXT NOT NULL,
    lead_code   TEXT NOT NULL REFERENCES units (code),
    co_units    TEXT NOT NULL DEFAULT '', -- comma-separated codes
    plan        TEXT NOT NULL DEFAULT '',
    task_id     INTEGER REFERENCES tasks (id),
    created_by  INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (briefing_id, seq)
);

CREATE TABLE briefing_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    briefing_id INTEGER NOT NULL REFERENCES briefings (id),
    at          TEXT NOT NULL,
    actor_id    INTEGER NOT NULL,
    actor_name  TEXT NOT NULL,
    unit_code   TEXT NOT NULL DEFAULT '',
    step        TEXT NOT NULL, -- meeting | decision
    note        TEXT NOT NULL DEFAULT '',
    details     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX briefing_events_of ON briefing_events (briefing_id, id);

CREATE TABLE briefing_tallies (
    node      TEXT NOT NULL,
    year      INTEGER NOT NULL,
    held      INTEGER NOT NULL DEFAULT 0,
    decisions INTEGER NOT NULL DEFAULT 0,
    tasks     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (node, year)
);

-- The draft reads the week's rows of the risks' timeline and the warnings
-- raised in the week by these.
CREATE INDEX briefing_risk_events_at ON risk_events (at);
CREATE INDEX briefing_warnings_raised ON warnings (raised_at);
