-- The indexes of the inbox's tabs (docs/queues.md, docs/performance.md "The
-- inbox at a million cases").
--
-- The open cases are a small share of all. Their tabs read them newest first
-- from an index of the open cases alone, which holds what the tabs' counts
-- ask of a case — its status, the paths of the jurisdiction
-- (store/jurisdiction.go, caseIn) and its deadlines (超期) — so that a count
-- reads the index alone, never the rows. The store repeats the index's
-- condition verbatim in the queries of open statuses (store/count.go,
-- openStatuses).
CREATE INDEX cases_open_reported ON cases (reported_at, id, status,
    unit_path, holding_path, assigned_path, sign_by, resolve_by, supervise_by, suspended, suspended_at)
    WHERE status IN ('reported', 'accepted', 'dispatched', 'in_progress', 'resolved');
-- The queues of closed cases (不满意, 待回访): by rating ('' for none) and the
-- time closed, within a window of days.
CREATE INDEX cases_closed_rating ON cases (COALESCE(satisfaction, ''), closed_at)
    WHERE closed_at IS NOT NULL;
-- The open cases by supervision deadline (督办时限): the overdue ones of 待核查,
-- which has no other deadline. Its condition differs from the one above, so
-- that only a query comparing supervise_by reads it.
CREATE INDEX cases_open_supervise ON cases (supervise_by)
    WHERE status IN ('reported', 'accepted', 'dispatched', 'in_progress', 'resolved') AND supervise_by IS NOT NULL;
-- The accepted cases ever returned (被退回): the few whose timeline the queue
-- of returned cases reads (store/case.go, queueFilter).
CREATE INDEX cases_returned ON cases (region, id) WHERE status = 'accepted' AND returns > 0;
