-- The reports by month and node alone (tallies_reports_month,
-- docs/statistics.md): m_reported of tallies_kind_month summed over the
-- kinds, every other key column blank and every other measure 0. The
-- dashboard's map shades a city's 1,420 grids by the reports of a month or
-- a year: here a row a grid and month, there a row a grid, month and kind,
-- all of them wide. Written with the other counters (the folder, a
-- rebuild, a bulk load) but only by a change that counts a report, checked
-- by `pingan stats verify`; filled here from tallies_kind_month. The
-- journal's rows not yet folded are folded into all four tables.
--
-- SQLite keys it by the month first (a month of every node is one range);
-- here the node comes first, as in tallies_month: a statement prepared once
-- is planned once for any months, and with the month first that plan
-- probed each grid's rows by scanning all the months of the range again
-- (3.6 s for a year of a city's grids, against 28 ms with the node first,
-- 9 ms for a month).

-- The columns, defaults and key of tallies_month, as they are now.
CREATE TABLE tallies_reports_month (LIKE tallies_month INCLUDING ALL);
INSERT INTO tallies_reports_month (node, month, region, kind, category, source, m_reported)
    SELECT node, month, '', '', '', '', SUM(m_reported) FROM tallies_kind_month
    GROUP BY node, month HAVING SUM(m_reported) <> 0;
