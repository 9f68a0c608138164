-- 0053_inbox_indexes: no schema change on SQLite. PostgreSQL gets indexes
-- and statistics its planner needs to read the inbox well (the overdue
-- cases by the moment they became overdue, the closed cases' rating);
-- SQLite's planner takes the indexes of open cases by status (0047) and
-- of closed cases by rating (0049) by the words of the queries
-- (store/count.go, overdueWhere; store/case.go, ratingQueue).
SELECT 1;
