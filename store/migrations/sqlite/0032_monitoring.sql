-- Monitoring (监测预警), docs/monitoring.md: the sensors of key sites, their
-- readings, the alarms their thresholds raise, and the API keys machine
-- clients authenticate with. A sensor is a place's instrument; nothing
-- here is about a person.
--
-- readings is a compact time series: one row per sensor and second (at in
-- Unix seconds), WITHOUT ROWID, kept for the retention period (the watch
-- prunes it); readings_hourly holds per sensor and hour the count, min,
-- max and sum, upserted with each batch, and is what charts read.
-- monitor_tallies are the numbers, written in the transaction of each
-- batch and alarm: per node (the site's unit and each unit above it) and
-- month (YYYY-MM).

CREATE TABLE sensors (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    region          TEXT NOT NULL, -- the site's
    site_id         INTEGER NOT NULL REFERENCES sites (id),
    code            TEXT NOT NULL UNIQUE, -- what the monitoring system sends
    name            TEXT NOT NULL,
    quantity        TEXT NOT NULL, -- gas_lel | toxic_ppm | temperature | pressure | liquid_level | other
    unit            TEXT NOT NULL DEFAULT '',
    warn_high       REAL,
    alarm_high      REAL,
    warn_low        REAL,
    alarm_low       REAL,
    deadband        REAL NOT NULL DEFAULT 0,
    no_data_minutes INTEGER NOT NULL DEFAULT 0,
    target          TEXT NOT NULL DEFAULT 'warning', -- warning | hazard | none
    hazard_level    TEXT NOT NULL DEFAULT 'general',
    category        TEXT NOT NULL DEFAULT '',
    active          INTEGER NOT NULL DEFAULT 1,
    unit_code       TEXT NOT NULL REFERENCES units (code), -- the site's unit
    unit_path       TEXT NOT NULL,
    -- The state machine (monitor.go StepSensor) and the open episode.
    level           TEXT NOT NULL DEFAULT 'normal',
    lower           INTEGER NOT NULL DEFAULT 0,
    alarmed         INTEGER NOT NULL DEFAULT 0,
    alarm_id        INTEGER NOT NULL DEFAULT 0, -- the open threshold episode
    no_data         INTEGER NOT NULL DEFAULT 0, -- a no-data alarm is open
    no_data_id      INTEGER NOT NULL DEFAULT 0,
    last_at         INTEGER, -- Unix seconds of the latest reading
    last_value      REAL,
    silent_from     INTEGER, -- Unix seconds when no data is an alarm: last_at (or creation) + no_data_minutes
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX sensors_site ON sensors (site_id, id);
CREATE INDEX sensors_unit ON sensors (unit_path, id);
-- The no-data watch: sensors by when their silence becomes an alarm.
CREATE INDEX sensors_silent ON sensors (silent_from);

CREATE TABLE readings (
    sensor_id INTEGER NOT NULL,
    at        INTEGER NOT NULL, -- Unix seconds
    value     REAL NOT NULL,
    PRIMARY KEY (sensor_id, at)
) WITHOUT ROWID;
-- The retention pass deletes by time.
CREATE INDEX readings_at ON readings (at);

CREATE TABLE readings_hourly (
    sensor_id INTEGER NOT NULL,
    hour      INTEGER NOT NULL, -- Unix seconds of the hour's start
    n         INTEGER NOT NULL,
    min       REAL NOT NULL,
    max       REAL NOT NULL,
    sum       REAL NOT NULL,
    PRIMARY KEY (sensor_id, hour)
) WITHOUT ROWID;

-- An episode of a sensor away from normal (kind threshold) or a spell
-- without data (kind nodata): one row from its start to its end.
CREATE TABLE alarms (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    region      TEXT NOT NULL,
    sensor_id   INTEGER NOT NULL REFERENCES sensors (id),
    site_id     INTEGER NOT NULL,
    unit_path   TEXT NOT NULL,
    kind        TEXT NOT NULL, -- threshold | nodata
    level       TEXT NOT NULL, -- the level now: warning | alarm; normal once ended
    peak        TEXT NOT NULL,
    value       REAL NOT NULL DEFAULT 0,
    peak_value  REAL NOT NULL DEFAULT 0,
    started_at  TEXT NOT NULL,
    ended_at    TEXT,
    warning_id  INTEGER NOT NULL DEFAULT 0,
    case_id     TEXT NOT NULL DEFAULT '',
    readings    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX alarms_site ON alarms (site_id, id);
CREATE INDEX alarms_unit ON alarms (unit_path, id);

CREATE TABLE monitor_tallies (
    node       TEXT NOT NULL,
    month      TEXT NOT NULL, -- YYYY-MM
    readings   INTEGER NOT NULL DEFAULT 0, -- accepted
    duplicates INTEGER NOT NULL DEFAULT 0,
    alarms     INTEGER NOT NULL DEFAULT 0, -- threshold episodes started
    escalated  INTEGER NOT NULL DEFAULT 0, -- of those, reaching the alarm level
    nodata     INTEGER NOT NULL DEFAULT 0, -- no-data alarms
    PRIMARY KEY (node, month)
) WITHOUT ROWID;

-- Keys of machine clients: the hash of the key (SHA-256, hex), never the
-- key; prefix is its first characters, for people to tell keys apart.
CREATE TABLE api_keys (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL UNIQUE,
    unit_code  TEXT NOT NULL REFERENCES units (code),
    roles      TEXT NOT NULL, -- comma-separated
    hash       TEXT NOT NULL UNIQUE,
    prefix     TEXT NOT NULL,
    created_by INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    revoked_at TEXT,
    last_used  TEXT
);

-- The rule the warnings of monitoring alarms are filed under: not run by
-- the rules engine (its kind is none of the engine's), active only as a
-- name and a level.
INSERT INTO warning_rules (kind, name, case_kind, category, threshold, window_days, weeks, percent, alpha, cooldown_days, level, active) VALUES
    ('monitoring', '监测报警', 'hazard', '', 0, 0, 0, 0, 0, 0, 'orange', 0);
