-- Campaigns (大排查, 敲门行动) and their door-knock visits (走访),
-- docs/campaigns.md. A visit names a grid and a door plate or place, never
-- a person. The numbers of the coverage pages are counters written in the
-- transaction of each visit: campaign_tallies per campaign, node (the
-- grid and each unit above it up to the owning unit) and region, and
-- campaign_places, once per campaign, grid and normalised place, which
-- says whether a visit covers a new household. Tables that grow with the
-- visits carry region in their key, as the cases do (docs/scale.md).
CREATE TABLE campaigns (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    region     TEXT NOT NULL, -- the owning unit's
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL, -- sweep | door_knock | a name of its own
    day_from   TEXT NOT NULL, -- YYYY-MM-DD
    day_to     TEXT NOT NULL,
    unit_code  TEXT NOT NULL REFERENCES units (code),
    unit_path  TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_by INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    closed     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX campaigns_unit ON campaigns (unit_path);

-- The participating units: their subtrees take part.
CREATE TABLE campaign_units (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    unit_code   TEXT NOT NULL REFERENCES units (code),
    unit_path   TEXT NOT NULL,
    PRIMARY KEY (campaign_id, unit_code)
);
CREATE INDEX campaign_units_path ON campaign_units (unit_path);

CREATE TABLE visits (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    region      TEXT NOT NULL, -- the grid's
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    grid        TEXT NOT NULL,
    unit_path   TEXT NOT NULL, -- the grid's village's, for jurisdiction
    place       TEXT NOT NULL,
    place_key   TEXT NOT NULL,
    visited_on  TEXT NOT NULL,
    worker      INTEGER NOT NULL,
    outcome     TEXT NOT NULL, -- none | case
    case_id     TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE INDEX visits_campaign ON visits (campaign_id, region, id);

CREATE TABLE campaign_places (
    region      TEXT NOT NULL,
    campaign_id INTEGER NOT NULL,
    grid        TEXT NOT NULL,
    place_key   TEXT NOT NULL,
    PRIMARY KEY (region, campaign_id, grid, place_key)
) WITHOUT ROWID;

CREATE TABLE campaign_tallies (
    campaign_id INTEGER NOT NULL,
    node        TEXT NOT NULL,
    region      TEXT NOT NULL,
    visits      INTEGER NOT NULL DEFAULT 0,
    places      INTEGER NOT NULL DEFAULT 0,
    cases       INTEGER NOT NULL DEFAULT 0,
    disputes    INTEGER NOT NULL DEFAULT 0,
    hazards     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, node, region)
) WITHOUT ROWID;
