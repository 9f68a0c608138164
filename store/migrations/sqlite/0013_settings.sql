-- Settings of the whole deployment that are neither categories nor the
-- calendar, by name, each a JSON value: map_tiles, the map under the grids
-- (底图: the city's tile server or 天地图 with its key; store/settings.go).
-- Only an administrator of the whole tree changes them.
CREATE TABLE settings (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL, -- JSON
    updated_by TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);
