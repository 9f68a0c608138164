-- A handler's pending request to the holding centre (延期、挂起申请): the
-- action asked for ('request_extend' or 'request_suspend', '' when none),
-- the days of an extension and the reason. At most one per case; the
-- centre's approval or refusal clears it.
ALTER TABLE cases ADD COLUMN request_action text NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN request_days integer NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN request_reason text NOT NULL DEFAULT '';
