-- Grids (网格) and their workers, the known boundaries of units, and where
-- each case was placed. A grid's geometry is kept as GeoJSON text, as
-- received, with its bounding box beside it; the store holds the polygons in
-- an in-memory spatial index (package geo), loaded at start and kept in step
-- by ImportGrids. territory_version counts the changes to grids and areas,
-- so that every server sharing the database knows when to reload (see
-- docs/scale.md). No PostGIS is needed: the database only keeps the text.

CREATE TABLE grids (
    code       text PRIMARY KEY,
    name       text NOT NULL,
    type       text NOT NULL, -- community | village | dedicated
    unit_code  text NOT NULL REFERENCES units (code), -- the village or community
    region     text NOT NULL, -- the unit's region
    geometry   text NOT NULL, -- GeoJSON Polygon or MultiPolygon, WGS84
    households integer NOT NULL DEFAULT 0,
    population integer NOT NULL DEFAULT 0,
    min_lng    double precision NOT NULL,
    min_lat    double precision NOT NULL,
    max_lng    double precision NOT NULL,
    max_lat    double precision NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX grids_unit ON grids (unit_code);

-- 网格长, 网格员, 网格辅助员: users with the grid_worker role.
CREATE TABLE grid_workers (
    grid_code text NOT NULL REFERENCES grids (code) ON DELETE CASCADE,
    user_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    position  text NOT NULL, -- leader | member | assistant
    PRIMARY KEY (grid_code, user_id)
);
CREATE INDEX grid_workers_user ON grid_workers (user_id);

-- Boundaries of units where they are known (surveyed, or drawn by the
-- civil-affairs office); a unit without one has only its grids.
CREATE TABLE unit_areas (
    unit_code  text PRIMARY KEY REFERENCES units (code),
    geometry   text NOT NULL,
    min_lng    double precision NOT NULL,
    min_lat    double precision NOT NULL,
    max_lng    double precision NOT NULL,
    max_lat    double precision NOT NULL,
    updated_at timestamptz NOT NULL
);

-- One row: raised by every import that changes grids or areas.
CREATE TABLE territory_version (
    id      integer PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO territory_version (id, version) VALUES (1, 0);

-- Where a case was placed: ungridded when its position lies in no grid;
-- placement says which grid or unit and why.
ALTER TABLE cases ADD COLUMN ungridded boolean NOT NULL DEFAULT false;
ALTER TABLE cases ADD COLUMN placement text NOT NULL DEFAULT '';
CREATE INDEX cases_grid_reported ON cases (grid, reported_at);
