-- Two indexes for the inbox's counts (store/count.go), which walked every
-- open case to find a few.
--
-- The open petitions by stage (信访's queues: 待审核, 待复查 …). The count of
-- a petition tab walked every open case of its statuses, petitions or not
-- (at a million cases, 18,000 in progress for none found). The query
-- names the kind in words, so that the planner matches the condition.
CREATE INDEX cases_open_petitions ON cases (pet_stage, reported_at)
    WHERE kind = 'petition' AND status IN ('reported', 'accepted', 'dispatched', 'in_progress', 'resolved');

-- The open cases by status, with what the tabs' conditions and the
-- overdue test read (the columns of cases_open_reported, 0019). The count
-- of a tab's overdue cases cannot stop early — the few overdue are
-- anywhere — and walked every open case along cases_open_reported, whose
-- key is the report time; by status, it walks the tab's statuses alone
-- (待受理: the accepted cases, not every open one). Its condition names
-- the statuses in an order of its own, which only the overdue test repeats
-- (store.openByStatus): the other queries of open cases keep to the
-- indexes they read without the planner's statistics.
CREATE INDEX cases_open_status ON cases (status, reported_at, id,
    unit_path, holding_path, assigned_path, sign_by, resolve_by, supervise_by, suspended, suspended_at)
    WHERE status IN ('resolved', 'reported', 'in_progress', 'dispatched', 'accepted');
