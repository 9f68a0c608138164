-- Patrols of the grids (网格巡查), docs/patrols.md. A grid worker checks in
-- at the patrol points of a grid — its key sites (sites, 0030), copied in
-- the first time the grid's points are read or a week opens, and the points
-- its leaders set — each due once per its cadence in days. A position is
-- kept at a check-in only, never as a trail. The coverage numbers are
-- patrol_tallies, per node (the grid and each unit above it) and ISO week
-- (year×100 + week): the points that fell due that week (written once when
-- the week opens, or when a point is added or becomes due in it) and the
-- points due that were visited, each once, written with the check-in.
CREATE TABLE patrol_points (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    region       TEXT NOT NULL, -- the grid's
    grid         TEXT NOT NULL REFERENCES grids (code),
    unit_path    TEXT NOT NULL, -- the grid's village's, for jurisdiction
    site_id      INTEGER NOT NULL DEFAULT 0, -- the key site, 0 for a point of its own
    name         TEXT NOT NULL,
    lat          REAL NOT NULL,
    lng          REAL NOT NULL,
    cadence      INTEGER NOT NULL DEFAULT 7, -- days
    next_due     TEXT NOT NULL, -- YYYY-MM-DD
    last_visited TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD
    due_week     INTEGER NOT NULL DEFAULT 0, -- the last week it counted as due
    visited_week INTEGER NOT NULL DEFAULT 0, -- the last week it counted as visited
    active       INTEGER NOT NULL DEFAULT 1,
    created_by   INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL
);
CREATE INDEX patrol_points_grid ON patrol_points (grid, id);
CREATE UNIQUE INDEX patrol_points_site ON patrol_points (site_id) WHERE site_id <> 0;
-- Opening a week takes the active points due by its Sunday not yet counted.
CREATE INDEX patrol_points_due ON patrol_points (active, next_due, due_week);

-- The weeks whose due points are counted, each once.
CREATE TABLE patrol_weeks (
    week      INTEGER PRIMARY KEY,
    opened_at TEXT NOT NULL
);

CREATE TABLE patrols (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    region     TEXT NOT NULL,
    grid       TEXT NOT NULL REFERENCES grids (code),
    unit_path  TEXT NOT NULL,
    worker     INTEGER NOT NULL REFERENCES users (id),
    started_at TEXT NOT NULL,
    ended_at   TEXT,
    checkins   INTEGER NOT NULL DEFAULT 0,
    findings   INTEGER NOT NULL DEFAULT 0
);
-- One open patrol per worker.
CREATE UNIQUE INDEX patrols_open ON patrols (worker) WHERE ended_at IS NULL;
CREATE INDEX patrols_worker ON patrols (worker, id);

CREATE TABLE patrol_checkins (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    region    TEXT NOT NULL,
    patrol_id INTEGER NOT NULL REFERENCES patrols (id),
    point_id  INTEGER NOT NULL REFERENCES patrol_points (id),
    grid      TEXT NOT NULL,
    unit_path TEXT NOT NULL,
    worker    INTEGER NOT NULL,
    week      INTEGER NOT NULL,
    at        TEXT NOT NULL,
    lat       REAL, -- the position at the check-in, when the phone gave one
    lng       REAL,
    result    TEXT NOT NULL, -- ok | finding
    case_id   TEXT NOT NULL DEFAULT '',
    note      TEXT NOT NULL DEFAULT '',
    counted   INTEGER NOT NULL DEFAULT 0 -- covered a point due that week
);
CREATE INDEX patrol_checkins_patrol ON patrol_checkins (patrol_id, id);
CREATE INDEX patrol_checkins_week ON patrol_checkins (week, unit_path);

CREATE TABLE patrol_tallies (
    node     TEXT NOT NULL,
    week     INTEGER NOT NULL,
    due      INTEGER NOT NULL DEFAULT 0,
    visited  INTEGER NOT NULL DEFAULT 0,
    patrols  INTEGER NOT NULL DEFAULT 0,
    checkins INTEGER NOT NULL DEFAULT 0,
    findings INTEGER NOT NULL DEFAULT 0,
    hazards  INTEGER NOT NULL DEFAULT 0,
    disputes INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (node, week)
) WITHOUT ROWID;
