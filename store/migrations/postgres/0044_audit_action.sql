-- 0044_audit_action: the audit trail by event. Every case action is an
-- audit row (case_dispatch …), so the rows of one event are a small part of
-- a time range: the audit page's and the API's filter by event reads them
-- by this index instead of every row of the range, newest first as shown.
CREATE INDEX audit_action ON audit (action, logged_at, id);
