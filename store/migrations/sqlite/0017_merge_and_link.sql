-- Merged duplicates and linked cases (合并重复件、关联案件).
-- A duplicate merged into the case that carries the work keeps the main
-- case's id (status 'merged'); NULL when not merged.
ALTER TABLE cases ADD COLUMN merged_into TEXT;
CREATE INDEX cases_merged_into ON cases (merged_into) WHERE merged_into IS NOT NULL;

-- A link between two cases (关联), one row per pair, the smaller id first
-- (case_id < linked_id in byte order, kept by the store), found by either
-- id.
CREATE TABLE case_links (
    region        TEXT NOT NULL,
    case_id       TEXT NOT NULL,
    linked_region TEXT NOT NULL,
    linked_id     TEXT NOT NULL,
    linked_by     INTEGER NOT NULL DEFAULT 0,
    linked_at     TEXT NOT NULL,
    PRIMARY KEY (region, case_id, linked_region, linked_id),
    FOREIGN KEY (region, case_id) REFERENCES cases (region, id),
    FOREIGN KEY (linked_region, linked_id) REFERENCES cases (region, id)
);
CREATE INDEX case_links_linked ON case_links (linked_region, linked_id);
