-- The open-now gauges summed by node, due day and kind alone
-- (store/gauge.go): region, category and source are '' in every row. The
-- dashboard's 在办, 重大敏感在办 and 在办超期 of a unit and of the units one
-- level down read them whenever no filter needs the category or the
-- source: at a million cases a city's gauges are some 16,000 rows of due
-- day, region, kind, category and source, and 1,200 of due day and kind.
-- Written with the gauges by every change to a case, checked by
-- `pingan stats verify` and rebuilt with them.
CREATE TABLE gauges_kind (
    node     TEXT NOT NULL,
    due_day  TEXT NOT NULL,
    region   TEXT NOT NULL,
    kind     TEXT NOT NULL,
    category TEXT NOT NULL,
    source   TEXT NOT NULL,
    m_open INTEGER NOT NULL DEFAULT 0,
    m_sensitive_open INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (node, due_day, region, kind, category, source)
) WITHOUT ROWID;

INSERT INTO gauges_kind (node, due_day, region, kind, category, source, m_open, m_sensitive_open)
SELECT node, due_day, '', kind, '', '', SUM(m_open), SUM(m_sensitive_open)
FROM gauges GROUP BY node, due_day, kind;
