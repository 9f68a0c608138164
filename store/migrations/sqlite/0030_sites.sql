-- The register of key sites (重点场所/重点单位) and their inspections,
-- docs/sites.md. A site is a place — a school, a hospital, a station, a
-- market, an industrial park, a construction site, an enterprise with a
-- major hazard source (重大危险源, GB 18218 一级–四级) — in a grid, under a
-- responsible department (主管部门). Its contact (name and phone) is sealed
-- like the people of a case. Each site has a next inspection due day
-- (next_due, YYYY-MM-DD) set by its type's schedule; the watch marks it
-- overdue once when the day passes. The numbers are site_tallies, written
-- in the transaction of each step: per node (the responsible department
-- and each unit above it) and month (YYYY-MM).

-- The site types, editable by an administrator or a dispatcher.
CREATE TABLE site_types (
    code   TEXT PRIMARY KEY,
    name   TEXT NOT NULL,
    seq    INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1
);
INSERT INTO site_types (code, name, seq, active) VALUES
    ('school', '学校', 1, 1),
    ('hospital', '医院', 2, 1),
    ('station', '车站', 3, 1),
    ('market', '商圈/市场', 4, 1),
    ('industrial_park', '工业园区', 5, 1),
    ('construction', '建筑工地', 6, 1),
    ('hazard_source', '重大危险源企业', 7, 1),
    ('other', '其他', 8, 1);

-- The inspection schedule (检查周期) by type and level (0 for a type
-- without levels): the next inspection is due months and days after the
-- last one.
CREATE TABLE site_schedules (
    type   TEXT NOT NULL REFERENCES site_types (code),
    level  INTEGER NOT NULL DEFAULT 0,
    months INTEGER NOT NULL DEFAULT 0,
    days   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (type, level)
);
INSERT INTO site_schedules (type, level, months, days) VALUES
    ('school', 0, 6, 0),
    ('hospital', 0, 1, 0),
    ('station', 0, 1, 0),
    ('market', 0, 1, 0),
    ('industrial_park', 0, 1, 0),
    ('construction', 0, 1, 0),
    ('hazard_source', 1, 0, 7),
    ('hazard_source', 2, 0, 14),
    ('hazard_source', 3, 1, 0),
    ('hazard_source', 4, 3, 0),
    ('other', 0, 3, 0);

-- The checklist (检查表) of a type: its items in order. An inspection
-- copies the text of each item it records, so editing a list never
-- changes a past inspection.
CREATE TABLE site_checklist (
    type TEXT NOT NULL REFERENCES site_types (code),
    seq  INTEGER NOT NULL,
    text TEXT NOT NULL,
    category TEXT NOT NULL DEFAULT 'AQ01', -- the category of the hazard a failed item files
    PRIMARY KEY (type, seq)
);
INSERT INTO site_checklist (type, seq, text, category) VALUES
    ('school', 1, '消防通道畅通', 'AQ01'),
    ('school', 2, '灭火器在有效期内', 'AQ01'),
    ('school', 3, '校门安保和一键报警装置正常', 'AQ01'),
    ('school', 4, '食堂食品安全管理到位', 'AQ01'),
    ('school', 5, '校舍和围墙无安全隐患', 'AQ03'),
    ('hospital', 1, '消防通道畅通', 'AQ01'),
    ('hospital', 2, '灭火器在有效期内', 'AQ01'),
    ('hospital', 3, '安检和警务室运行正常', 'AQ01'),
    ('hospital', 4, '医用气体和危化品管理规范', 'AQ01'),
    ('station', 1, '消防通道畅通', 'AQ01'),
    ('station', 2, '灭火器在有效期内', 'AQ01'),
    ('station', 3, '安检设备运行正常', 'AQ01'),
    ('station', 4, '应急疏散标识清晰', 'AQ01'),
    ('market', 1, '消防通道畅通', 'AQ01'),
    ('market', 2, '灭火器在有效期内', 'AQ01'),
    ('market', 3, '电气线路无私拉乱接', 'AQ01'),
    ('market', 4, '燃气使用符合规定', 'AQ02'),
    ('industrial_park', 1, '消防通道畅通', 'AQ01'),
    ('industrial_park', 2, '灭火器在有效期内', 'AQ01'),
    ('industrial_park', 3, '危化品储存符合规定', 'AQ01'),
    ('industrial_park', 4, '特种设备检验合格', 'AQ01'),
    ('construction', 1, '脚手架和临边防护到位', 'AQ03'),
    ('construction', 2, '塔吊等特种设备检验合格', 'AQ03'),
    ('construction', 3, '临时用电符合规定', 'AQ01'),
    ('construction', 4, '作业人员佩戴安全帽', 'AQ01'),
    ('hazard_source', 1, '危化品储存符合规定', 'AQ01'),
    ('hazard_source', 2, '监测预警设备运行正常', 'AQ01'),
    ('hazard_source', 3, '安全操作规程和应急预案齐全', 'AQ01'),
    ('hazard_source', 4, '消防设施完好有效', 'AQ01'),
    ('hazard_source', 5, '特种作业人员持证上岗', 'AQ01'),
    ('other', 1, '消防通道畅通', 'AQ01'),
    ('other', 2, '灭火器在有效期内', 'AQ01');

CREATE TABLE sites (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    region         TEXT NOT NULL, -- the grid's unit's
    code           TEXT NOT NULL DEFAULT '', -- an outside code (import), unique when set
    name           TEXT NOT NULL,
    type           TEXT NOT NULL REFERENCES site_types (code),
    level          INTEGER NOT NULL DEFAULT 0, -- 1–4 for a hazard_source, 0 otherwise
    grid           TEXT NOT NULL REFERENCES grids (code),
    unit_code      TEXT NOT NULL REFERENCES units (code), -- the unit owning the grid
    unit_path      TEXT NOT NULL,
    lat            REAL NOT NULL,
    lng            REAL NOT NULL,
    address        TEXT NOT NULL DEFAULT '',
    department     TEXT NOT NULL REFERENCES units (code), -- 主管部门
    dept_path      TEXT NOT NULL,
    contact_sealed BLOB, -- AES-GCM sealed JSON of the contact (name, phone)
    next_due       TEXT NOT NULL, -- YYYY-MM-DD, 计划检查日期
    overdue        INTEGER NOT NULL DEFAULT 0, -- the due day passed (marked once)
    last_inspected TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD
    inspections    INTEGER NOT NULL DEFAULT 0,
    active         INTEGER NOT NULL DEFAULT 1,
    created_by     INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX sites_unit ON sites (unit_path, id);
CREATE INDEX sites_dept ON sites (dept_path, id);
CREATE INDEX sites_grid ON sites (grid, id);
CREATE UNIQUE INDEX sites_name ON sites (grid, name);
CREATE UNIQUE INDEX sites_code ON sites (code) WHERE code <> '';
-- The watch takes the active sites past their due day not yet marked.
CREATE INDEX sites_due ON sites (active, overdue, next_due);

CREATE TABLE inspections (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id    INTEGER NOT NULL REFERENCES sites (id),
    region     TEXT NOT NULL,
    unit_path  TEXT NOT NULL, -- the site's, for jurisdiction
    department TEXT NOT NULL, -- the site's at the time
    inspector  INTEGER NOT NULL REFERENCES users (id),
    day        TEXT NOT NULL, -- YYYY-MM-DD
    due        TEXT NOT NULL, -- the due day it answered
    on_time    INTEGER NOT NULL DEFAULT 0,
    items      INTEGER NOT NULL DEFAULT 0,
    failed     INTEGER NOT NULL DEFAULT 0,
    note       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX inspections_site ON inspections (site_id, id);

CREATE TABLE inspection_items (
    inspection_id INTEGER NOT NULL REFERENCES inspections (id),
    seq           INTEGER NOT NULL,
    text          TEXT NOT NULL,
    category      TEXT NOT NULL DEFAULT '',
    ok            INTEGER NOT NULL,
    photo         TEXT NOT NULL DEFAULT '', -- a file's sum when not ok
    level         TEXT NOT NULL DEFAULT '', -- the hazard's level when not ok
    case_region   TEXT NOT NULL DEFAULT '',
    case_id       TEXT NOT NULL DEFAULT '', -- the hazard filed for it
    note          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (inspection_id, seq)
);

CREATE TABLE site_tallies (
    node    TEXT NOT NULL,
    month   TEXT NOT NULL, -- YYYY-MM
    due     INTEGER NOT NULL DEFAULT 0, -- inspections due in the month
    done    INTEGER NOT NULL DEFAULT 0, -- inspections recorded in the month
    on_time INTEGER NOT NULL DEFAULT 0, -- of the due, done by the due day
    overdue INTEGER NOT NULL DEFAULT 0, -- of the due, marked overdue
    failed  INTEGER NOT NULL DEFAULT 0, -- items failed (hazards filed)
    PRIMARY KEY (node, month)
) WITHOUT ROWID;
