-- The counters of the statistics (统计计数器, docs/statistics.md).
--
-- What a case counts is a function of its row: returns, reworks and
-- reopens count its 退回, 返工 and 重办 (filled here from the timeline), and
-- sign_late says it was signed after its sign deadline (签收超期); cases
-- signed before this migration count as on time.
ALTER TABLE cases ADD COLUMN returns smallint NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN reworks smallint NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN reopens smallint NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN sign_late boolean NOT NULL DEFAULT false;
UPDATE cases SET returns = (SELECT count(*) FROM actions a WHERE a.region = cases.region AND a.case_id = cases.id AND a.action = 'return')
    WHERE EXISTS (SELECT 1 FROM actions a WHERE a.region = cases.region AND a.case_id = cases.id AND a.action = 'return');
UPDATE cases SET reworks = (SELECT count(*) FROM actions a WHERE a.region = cases.region AND a.case_id = cases.id AND a.action = 'rework')
    WHERE EXISTS (SELECT 1 FROM actions a WHERE a.region = cases.region AND a.case_id = cases.id AND a.action = 'rework');
UPDATE cases SET reopens = (SELECT count(*) FROM actions a WHERE a.region = cases.region AND a.case_id = cases.id AND a.action = 'reopen')
    WHERE EXISTS (SELECT 1 FROM actions a WHERE a.region = cases.region AND a.case_id = cases.id AND a.action = 'reopen');

-- Each row: what the cases of one cohort (reported on one day or in one
-- month, of one region, kind, category and source) count at one node (a
-- unit or a grid) they lie in. Written in the transaction of each change
-- to a case; built from the cases at start when empty while cases exist
-- (an upgrade), and by `pingan stats rebuild`. region is in the key so
-- that the tables can be distributed by region with the cases.
CREATE TABLE tallies_day (
    node     text COLLATE "C" NOT NULL,
    day      text NOT NULL,
    region   text NOT NULL,
    kind     text NOT NULL,
    category text NOT NULL,
    source   text NOT NULL,
    m_reported bigint NOT NULL DEFAULT 0,
    m_in_reported bigint NOT NULL DEFAULT 0,
    m_in_accepted bigint NOT NULL DEFAULT 0,
    m_in_rejected bigint NOT NULL DEFAULT 0,
    m_in_dispatched bigint NOT NULL DEFAULT 0,
    m_in_progress bigint NOT NULL DEFAULT 0,
    m_in_resolved bigint NOT NULL DEFAULT 0,
    m_in_closed bigint NOT NULL DEFAULT 0,
    m_in_merged bigint NOT NULL DEFAULT 0,
    m_signed bigint NOT NULL DEFAULT 0,
    m_signed_on_time bigint NOT NULL DEFAULT 0,
    m_on_time bigint NOT NULL DEFAULT 0,
    m_closed_on_time bigint NOT NULL DEFAULT 0,
    m_overdue bigint NOT NULL DEFAULT 0,
    m_due bigint NOT NULL DEFAULT 0,
    m_deferred bigint NOT NULL DEFAULT 0,
    m_escalated bigint NOT NULL DEFAULT 0,
    m_returned bigint NOT NULL DEFAULT 0,
    m_reworked bigint NOT NULL DEFAULT 0,
    m_verified bigint NOT NULL DEFAULT 0,
    m_reopened bigint NOT NULL DEFAULT 0,
    m_rated bigint NOT NULL DEFAULT 0,
    m_satisfied bigint NOT NULL DEFAULT 0,
    m_dissatisfied bigint NOT NULL DEFAULT 0,
    m_sensitive bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (node, day, region, kind, category, source)
);
CREATE TABLE tallies_month (
    node     text COLLATE "C" NOT NULL,
    month    text NOT NULL,
    region   text NOT NULL,
    kind     text NOT NULL,
    category text NOT NULL,
    source   text NOT NULL,
    m_reported bigint NOT NULL DEFAULT 0,
    m_in_reported bigint NOT NULL DEFAULT 0,
    m_in_accepted bigint NOT NULL DEFAULT 0,
    m_in_rejected bigint NOT NULL DEFAULT 0,
    m_in_dispatched bigint NOT NULL DEFAULT 0,
    m_in_progress bigint NOT NULL DEFAULT 0,
    m_in_resolved bigint NOT NULL DEFAULT 0,
    m_in_closed bigint NOT NULL DEFAULT 0,
    m_in_merged bigint NOT NULL DEFAULT 0,
    m_signed bigint NOT NULL DEFAULT 0,
    m_signed_on_time bigint NOT NULL DEFAULT 0,
    m_on_time bigint NOT NULL DEFAULT 0,
    m_closed_on_time bigint NOT NULL DEFAULT 0,
    m_overdue bigint NOT NULL DEFAULT 0,
    m_due bigint NOT NULL DEFAULT 0,
    m_deferred bigint NOT NULL DEFAULT 0,
    m_escalated bigint NOT NULL DEFAULT 0,
    m_returned bigint NOT NULL DEFAULT 0,
    m_reworked bigint NOT NULL DEFAULT 0,
    m_verified bigint NOT NULL DEFAULT 0,
    m_reopened bigint NOT NULL DEFAULT 0,
    m_rated bigint NOT NULL DEFAULT 0,
    m_satisfied bigint NOT NULL DEFAULT 0,
    m_dissatisfied bigint NOT NULL DEFAULT 0,
    m_sensitive bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (node, month, region, kind, category, source)
);
