-- The deadline of a supervision order (督办) is kept on the case, as its sign
-- and resolve deadlines are, so that lists and the case page show it and the
-- deadline watch finds the open cases that missed it: supervise_by is the
-- deadline of the latest order (none after a reopening), watched_supervise
-- the one the watch last marked the case overdue for. See docs/deadlines.md.
ALTER TABLE cases ADD COLUMN supervise_by timestamptz;
ALTER TABLE cases ADD COLUMN watched_supervise timestamptz;
UPDATE cases SET supervise_by = (
    SELECT a.deadline FROM actions a
    WHERE a.region = cases.region AND a.case_id = cases.id AND a.action = 'supervise'
    AND NOT EXISTS (SELECT 1 FROM actions r WHERE r.region = a.region AND r.case_id = a.case_id
                    AND r.action = 'reopen' AND r.seq > a.seq)
    ORDER BY a.seq DESC LIMIT 1)
WHERE supervised;
-- Due supervision: open cases whose supervision deadline the watch has not
-- marked yet. EscalateDue repeats this condition verbatim.
CREATE INDEX cases_supervise_due ON cases (supervise_by)
    WHERE status IN ('reported', 'accepted', 'dispatched', 'in_progress', 'resolved')
    AND supervise_by IS NOT NULL AND (watched_supervise IS NULL OR watched_supervise <> supervise_by);
