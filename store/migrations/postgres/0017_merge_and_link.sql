-- Merged duplicates and linked cases (合并重复件、关联案件).
-- A duplicate merged into the case that carries the work keeps the main
-- case's id (status 'merged'); NULL when not merged.
ALTER TABLE cases ADD COLUMN merged_into text;
CREATE INDEX cases_merged_into ON cases (merged_into) WHERE merged_into IS NOT NULL;

-- A link between two cases (关联), one row per pair, the smaller id first
-- (case_id < linked_id in byte order, kept by the store), found by either
-- id. Keyed by the region of its first case like the other tables that grow
-- with cases.
CREATE TABLE case_links (
    region        text NOT NULL,
    case_id       text NOT NULL,
    linked_region text NOT NULL,
    linked_id     text NOT NULL,
    linked_by     bigint NOT NULL DEFAULT 0,
    linked_at     timestamptz NOT NULL,
    PRIMARY KEY (region, case_id, linked_region, linked_id),
    FOREIGN KEY (region, case_id) REFERENCES cases (region, id),
    FOREIGN KEY (linked_region, linked_id) REFERENCES cases (region, id)
);
CREATE INDEX case_links_linked ON case_links (linked_region, linked_id);
