-- Safety hazards (安全隐患排查整改, hazard.go, docs/hazards.md).
--
-- The case row keeps a hazard's facts and where its rectification stands,
-- a cache of its timeline that the statistics count: the level (一般/重大),
-- the key site (sites.id, 0030), the stage ('' not ordered, rectifying,
-- rechecking, passed), the current deadline (整改期限), the party that must
-- rectify (kind, name, and its unit and path when a department), the
-- measures, when it was ordered, the round (1 + failed rechecks), who
-- reported it done and when, whether a deadline was missed (整改超期, kept)
-- and the deadline the watch last acted on, the rechecks (复查) with the
-- last result and time, and whether it is listed for supervision (挂牌督办)
-- by which unit.

ALTER TABLE cases ADD COLUMN hz_level TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN hz_site INTEGER;
ALTER TABLE cases ADD COLUMN hz_stage TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN hz_deadline TEXT;
ALTER TABLE cases ADD COLUMN hz_party_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN hz_party_name TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN hz_party_unit TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN hz_party_path TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN hz_measures TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN hz_ordered_at TEXT;
ALTER TABLE cases ADD COLUMN hz_round INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN hz_done_by INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN hz_done_at TEXT;
ALTER TABLE cases ADD COLUMN hz_late INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN hz_watched TEXT;
ALTER TABLE cases ADD COLUMN hz_rechecks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN hz_last_passed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN hz_rechecked_at TEXT;
ALTER TABLE cases ADD COLUMN hz_listed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN hz_supervisor TEXT NOT NULL DEFAULT '';

-- The deadline watch finds the rectifications whose deadline passed; the
-- dashboard lists the open major hazards listed for supervision.
CREATE INDEX cases_hz_deadline ON cases (hz_deadline) WHERE hz_stage = 'rectifying';
CREATE INDEX cases_hz_listed ON cases (reported_at) WHERE hz_listed = 1 AND status IN ('reported', 'accepted', 'dispatched', 'in_progress', 'resolved');

-- The measures of hazards (pingan.MHazardMajor …) in the counters.
ALTER TABLE tallies_day ADD COLUMN m_hz_major INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_hz_ordered INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_hz_rectified INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_hz_rectified_on_time INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_hz_rechecked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_hz_passed_first INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_hz_late INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_hz_listed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_hz_major_open INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_hz_major INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_hz_ordered INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_hz_rectified INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_hz_rectified_on_time INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_hz_rechecked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_hz_passed_first INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_hz_late INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_hz_listed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_hz_major_open INTEGER NOT NULL DEFAULT 0;
