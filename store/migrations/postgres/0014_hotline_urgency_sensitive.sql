-- Fields of the trade on a case (docs/urgency.md): the 12345 hotline's work
-- order number (工单号, '' when none), the urgency (一般 normal, 紧急 urgent,
-- 特急 critical) and the 重大敏感 flag. Urgency and the flag shorten the
-- resolve deadline counted at the report; they are written by the report
-- only.
ALTER TABLE cases ADD COLUMN hotline_no text NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN urgency text NOT NULL DEFAULT 'normal';
ALTER TABLE cases ADD COLUMN sensitive boolean NOT NULL DEFAULT false;
