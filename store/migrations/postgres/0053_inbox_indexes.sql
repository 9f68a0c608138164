-- Three indexes for the inbox on PostgreSQL (store/count.go, store/case.go),
-- whose planner chooses by its statistics where SQLite's takes the index
-- that the words of a query name. At a million cases the tabs took 100 to
-- 300 ms, the slowest statements reading thousands of rows for a page.
--
-- 1. The open cases by the moment they became overdue (超期): the
-- expression is pingan.Case.OverdueAt as one value (store.overdueAt) —
-- NULL for a closed case or one with no deadline to meet now, '-infinity'
-- for a resolve deadline passed before its clock stopped (suspended
-- late), else the earliest deadline the case must meet now; a case is
-- overdue at t when it is before t. The overdue test written as its three
-- deadlines was estimated at a twentieth of the cases it matches (5,496 of
-- 34,528 open cases), so the first page of a tab's overdue cases read
-- every open case's row and sorted them (137 ms), and its count walked
-- every open case of the tab's statuses. The statistics of the expression
-- (CREATE STATISTICS … ON (expr), PostgreSQL 14 and later) give the
-- planner its number; the index, by status first, gives each status of a
-- tab one range, and holds every column the conditions read, so that the
-- keys of a page come from it alone.
CREATE INDEX cases_overdue_at ON cases (status, (CASE
        WHEN status NOT IN ('reported', 'accepted', 'dispatched', 'in_progress', 'resolved') THEN NULL
        WHEN status IN ('reported', 'accepted', 'dispatched', 'in_progress') AND suspended AND resolve_by < suspended_at THEN '-infinity'
        ELSE LEAST(
            CASE WHEN status = 'dispatched' THEN sign_by END,
            CASE WHEN status IN ('reported', 'accepted', 'dispatched', 'in_progress') AND NOT suspended THEN resolve_by END,
            supervise_by) END), reported_at, id)
    INCLUDE (region, unit_path, holding_path, assigned_path, sign_by, resolve_by, supervise_by, suspended, suspended_at)
    WHERE (CASE
        WHEN status NOT IN ('reported', 'accepted', 'dispatched', 'in_progress', 'resolved') THEN NULL
        WHEN status IN ('reported', 'accepted', 'dispatched', 'in_progress') AND suspended AND resolve_by < suspended_at THEN '-infinity'
        ELSE LEAST(
            CASE WHEN status = 'dispatched' THEN sign_by END,
            CASE WHEN status IN ('reported', 'accepted', 'dispatched', 'in_progress') AND NOT suspended THEN resolve_by END,
            supervise_by) END) IS NOT NULL;

CREATE STATISTICS cases_overdue_at ON ((CASE
        WHEN status NOT IN ('reported', 'accepted', 'dispatched', 'in_progress', 'resolved') THEN NULL
        WHEN status IN ('reported', 'accepted', 'dispatched', 'in_progress') AND suspended AND resolve_by < suspended_at THEN '-infinity'
        ELSE LEAST(
            CASE WHEN status = 'dispatched' THEN sign_by END,
            CASE WHEN status IN ('reported', 'accepted', 'dispatched', 'in_progress') AND NOT suspended THEN resolve_by END,
            supervise_by) END)) FROM cases;

-- 2. It takes the place of the open cases by status (0047), which only the
-- overdue test read and which every change of an open case wrote. SQLite
-- keeps that one.
DROP INDEX cases_open_status;

-- 3. The closed cases by rating (0049) hold the rating itself too: the
-- planner reads an index alone only when it holds each column a query
-- names, and the conditions name satisfaction inside the index's
-- expression (COALESCE(satisfaction, '')), which does not count. The
-- queues 不满意 and 待回访 read 14,000 rows of the table for a page of 30
-- (63 ms); from the index alone, 16 ms.
DROP INDEX cases_closed_rating;
CREATE INDEX cases_closed_rating ON cases ((COALESCE(satisfaction, '')), closed_at,
    reported_at, id, region, status, unit_path, holding_path, assigned_path, satisfaction)
    WHERE closed_at IS NOT NULL;

-- The statistics are empty until the table is analysed: at once, rather
-- than at autovacuum's next turn (a sample of the table, seconds at ten
-- million cases).
ANALYZE cases;
