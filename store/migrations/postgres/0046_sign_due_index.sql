-- The dispatched cases not yet warned of their sign deadline, by that
-- deadline (store.Notifications.NotifySignDue). The index of migration
-- 0011 held every dispatched case, warned or not: a unit that left cases
-- unsigned for months made each pass of the watch walk past all of them
-- (at ten million cases, 88,000 a pass). The query's condition is the
-- index's, so the planner takes it.
DROP INDEX cases_sign_due;
CREATE INDEX cases_sign_due ON cases (sign_by) WHERE status = 'dispatched' AND (sign_warned IS NULL OR sign_warned <> sign_by);
