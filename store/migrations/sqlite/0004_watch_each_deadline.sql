-- The deadline watch acts once for each resolve deadline a case misses, not
-- once for the case: watched_due is the deadline it last acted on. A case
-- escalated for a missed deadline gets a new one at the parent unit; when
-- that passes too, it rises again, up to the top unit. overdue stays set
-- once a case has missed any deadline, for the on-time rate.
ALTER TABLE cases ADD COLUMN watched_due TEXT;
UPDATE cases SET watched_due = resolve_by WHERE overdue;
DROP INDEX cases_due;
CREATE INDEX cases_due ON cases (resolve_by)
    WHERE status IN ('reported', 'accepted', 'dispatched', 'in_progress') AND NOT suspended
    AND (watched_due IS NULL OR watched_due <> resolve_by);
