-- 0054_map_month_index: no schema change on SQLite, whose planner reads a
-- month of the grid map's reports along the key (node, month, …), a range
-- a grid, by the words of the query (store/stats.go); PostgreSQL gets an
-- index by month (its 0054).
SELECT 1;
