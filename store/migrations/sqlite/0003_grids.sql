-- Grids (网格) and their workers, the known boundaries of units, and where
-- each case was placed. A grid's geometry is kept as GeoJSON text, as
-- received, with its bounding box beside it; the store holds the polygons in
-- an in-memory spatial index (package geo), loaded at start and kept in step
-- by ImportGrids. territory_version counts the changes to grids and areas,
-- so that every server sharing the database knows when to reload.

CREATE TABLE grids (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    type       TEXT NOT NULL, -- community | village | dedicated
    unit_code  TEXT NOT NULL REFERENCES units (code), -- the village or community
    region     TEXT NOT NULL, -- the unit's region
    geometry   TEXT NOT NULL, -- GeoJSON Polygon or MultiPolygon, WGS84
    households INTEGER NOT NULL DEFAULT 0,
    population INTEGER NOT NULL DEFAULT 0,
    min_lng    REAL NOT NULL,
    min_lat    REAL NOT NULL,
    max_lng    REAL NOT NULL,
    max_lat    REAL NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX grids_unit ON grids (unit_code);

-- 网格长, 网格员, 网格辅助员: users with the grid_worker role.
CREATE TABLE grid_workers (
    grid_code TEXT NOT NULL REFERENCES grids (code) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    position  TEXT NOT NULL, -- leader | member | assistant
    PRIMARY KEY (grid_code, user_id)
);
CREATE INDEX grid_workers_user ON grid_workers (user_id);

-- Boundaries of units where they are known (surveyed, or drawn by the
-- civil-affairs office); a unit without one has only its grids.
CREATE TABLE unit_areas (
    unit_code  TEXT PRIMARY KEY REFERENCES units (code),
    geometry   TEXT NOT NULL,
    min_lng    REAL NOT NULL,
    min_lat    REAL NOT NULL,
    max_lng    REAL NOT NULL,
    max_lat    REAL NOT NULL,
    updated_at TEXT NOT NULL
);

-- One row: raised by every import that changes grids or areas.
CREATE TABLE territory_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO territory_version (id, version) VALUES (1, 0);

-- Where a case was placed: ungridded when its position lies in no grid;
-- placement says which grid or unit and why.
ALTER TABLE cases ADD COLUMN ungridded INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN placement TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_grid_reported ON cases (grid, reported_at);
