-- The reports by month and node (tallies_reports_month, migration 0050)
-- again, narrower: the table keeps one measure, m_reported, and its 57
-- other columns, always 0, made each row several times the bytes to read
-- (the dashboard's map reads a row a grid and month). The key stays the
-- node first. The rows are copied as they are.
CREATE TABLE tallies_reports_month_new (
    node     text COLLATE "C" NOT NULL,
    month    text NOT NULL,
    region   text NOT NULL,
    kind     text NOT NULL,
    category text NOT NULL,
    source   text NOT NULL,
    m_reported bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (node, month, region, kind, category, source)
);
INSERT INTO tallies_reports_month_new (node, month, region, kind, category, source, m_reported)
    SELECT node, month, region, kind, category, source, m_reported FROM tallies_reports_month;
DROP TABLE tallies_reports_month;
ALTER TABLE tallies_reports_month_new RENAME TO tallies_reports_month;
ALTER INDEX tallies_reports_month_new_pkey RENAME TO tallies_reports_month_pkey;
