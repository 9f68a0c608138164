-- The reports by month and node alone (tallies_reports_month,
-- docs/statistics.md): m_reported of tallies_kind_month summed over the
-- kinds, every other key column blank and every other measure 0, keyed by
-- the month first. The dashboard's map shades a city's 1,420 grids by the
-- reports of a month or a year: here one range of a month's narrow rows (a
-- row per node that counts a report in it), there 1,420 look-ups of each
-- grid's rows by kind. Written with the other counters (the folder, a
-- rebuild, a bulk load) but only by a change that counts a report, checked
-- by `pingan stats verify`; filled here from tallies_kind_month. The
-- journal's rows not yet folded are folded into all four tables.

-- The columns and defaults of tallies_month, as they are now, and the key
-- by month first.
CREATE TABLE tallies_reports_month (LIKE tallies_month INCLUDING DEFAULTS);
ALTER TABLE tallies_reports_month ADD PRIMARY KEY (month, node, region, kind, category, source);
INSERT INTO tallies_reports_month (node, month, region, kind, category, source, m_reported)
    SELECT node, month, '', '', '', '', SUM(m_reported) FROM tallies_kind_month
    GROUP BY node, month HAVING SUM(m_reported) <> 0;
