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

ALTER TABLE cases ADD COLUMN hz_level text NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN hz_site bigint;
ALTER TABLE cases ADD COLUMN hz_stage text NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN hz_deadline timestamptz;
ALTER TABLE cases ADD COLUMN hz_party_kind text NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN hz_party_name text NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN hz_party_unit text NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN hz_party_path text NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN hz_measures text NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN hz_ordered_at timestamptz;
ALTER TABLE cases ADD COLUMN hz_round integer NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN hz_done_by bigint NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN hz_done_at timestamptz;
ALTER TABLE cases ADD COLUMN hz_late boolean NOT NULL DEFAULT false;
ALTER TABLE cases ADD COLUMN hz_watched timestamptz;
ALTER TABLE cases ADD COLUMN hz_rechecks integer NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN hz_last_passed boolean NOT NULL DEFAULT false;
ALTER TABLE cases ADD COLUMN hz_rechecked_at timestamptz;
ALTER TABLE cases ADD COLUMN hz_listed boolean NOT NULL DEFAULT false;
ALTER TABLE cases ADD COLUMN hz_supervisor text NOT NULL DEFAULT '';

-- The deadline watch finds the rectifications whose deadline passed; the
-- dashboard lists the open major hazards listed for supervision.
CREATE INDEX cases_hz_deadline ON cases (hz_deadline) WHERE hz_stage = 'rectifying';
CREATE INDEX cases_hz_listed ON cases (reported_at) WHERE hz_listed = true AND status IN ('reported', 'accepted', 'dispatched', 'in_progress', 'resolved');

-- The measures of hazards (pingan.MHazardMajor …) in the counters.
ALTER TABLE tallies_day ADD COLUMN m_hz_major bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_hz_ordered bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_hz_rectified bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_hz_rectified_on_time bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_hz_rechecked bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_hz_passed_first bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_hz_late bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_hz_listed bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_hz_major_open bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_hz_major bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_hz_ordered bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_hz_rectified bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_hz_rectified_on_time bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_hz_rechecked bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_hz_passed_first bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_hz_late bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_hz_listed bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_hz_major_open bigint NOT NULL DEFAULT 0;
