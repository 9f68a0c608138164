-- The counters of the statistics (统计计数器, docs/statistics.md).
--
-- What a case counts is a function of its row: returns, reworks and
-- reopens count its 退回, 返工 and 重办 (filled here from the timeline), and
-- sign_late says it was signed after its sign deadline (签收超期); cases
-- signed before this migration count as on time.
ALTER TABLE cases ADD COLUMN returns INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN reworks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN reopens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN sign_late INTEGER NOT NULL DEFAULT 0;
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
-- that the tables can be distributed by region with the cases. Without a
-- rowid, each row is written once, in its key's b-tree.
CREATE TABLE tallies_day (
    node     TEXT NOT NULL,
    day      TEXT NOT NULL,
    region   TEXT NOT NULL,
    kind     TEXT NOT NULL,
    category TEXT NOT NULL,
    source   TEXT NOT NULL,
    m_reported INTEGER NOT NULL DEFAULT 0,
    m_in_reported INTEGER NOT NULL DEFAULT 0,
    m_in_accepted INTEGER NOT NULL DEFAULT 0,
    m_in_rejected INTEGER NOT NULL DEFAULT 0,
    m_in_dispatched INTEGER NOT NULL DEFAULT 0,
    m_in_progress INTEGER NOT NULL DEFAULT 0,
    m_in_resolved INTEGER NOT NULL DEFAULT 0,
    m_in_closed INTEGER NOT NULL DEFAULT 0,
    m_in_merged INTEGER NOT NULL DEFAULT 0,
    m_signed INTEGER NOT NULL DEFAULT 0,
    m_signed_on_time INTEGER NOT NULL DEFAULT 0,
    m_on_time INTEGER NOT NULL DEFAULT 0,
    m_closed_on_time INTEGER NOT NULL DEFAULT 0,
    m_overdue INTEGER NOT NULL DEFAULT 0,
    m_due INTEGER NOT NULL DEFAULT 0,
    m_deferred INTEGER NOT NULL DEFAULT 0,
    m_escalated INTEGER NOT NULL DEFAULT 0,
    m_returned INTEGER NOT NULL DEFAULT 0,
    m_reworked INTEGER NOT NULL DEFAULT 0,
    m_verified INTEGER NOT NULL DEFAULT 0,
    m_reopened INTEGER NOT NULL DEFAULT 0,
    m_rated INTEGER NOT NULL DEFAULT 0,
    m_satisfied INTEGER NOT NULL DEFAULT 0,
    m_dissatisfied INTEGER NOT NULL DEFAULT 0,
    m_sensitive INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (node, day, region, kind, category, source)
) WITHOUT ROWID;
CREATE TABLE tallies_month (
    node     TEXT NOT NULL,
    month    TEXT NOT NULL,
    region   TEXT NOT NULL,
    kind     TEXT NOT NULL,
    category TEXT NOT NULL,
    source   TEXT NOT NULL,
    m_reported INTEGER NOT NULL DEFAULT 0,
    m_in_reported INTEGER NOT NULL DEFAULT 0,
    m_in_accepted INTEGER NOT NULL DEFAULT 0,
    m_in_rejected INTEGER NOT NULL DEFAULT 0,
    m_in_dispatched INTEGER NOT NULL DEFAULT 0,
    m_in_progress INTEGER NOT NULL DEFAULT 0,
    m_in_resolved INTEGER NOT NULL DEFAULT 0,
    m_in_closed INTEGER NOT NULL DEFAULT 0,
    m_in_merged INTEGER NOT NULL DEFAULT 0,
    m_signed INTEGER NOT NULL DEFAULT 0,
    m_signed_on_time INTEGER NOT NULL DEFAULT 0,
    m_on_time INTEGER NOT NULL DEFAULT 0,
    m_closed_on_time INTEGER NOT NULL DEFAULT 0,
    m_overdue INTEGER NOT NULL DEFAULT 0,
    m_due INTEGER NOT NULL DEFAULT 0,
    m_deferred INTEGER NOT NULL DEFAULT 0,
    m_escalated INTEGER NOT NULL DEFAULT 0,
    m_returned INTEGER NOT NULL DEFAULT 0,
    m_reworked INTEGER NOT NULL DEFAULT 0,
    m_verified INTEGER NOT NULL DEFAULT 0,
    m_reopened INTEGER NOT NULL DEFAULT 0,
    m_rated INTEGER NOT NULL DEFAULT 0,
    m_satisfied INTEGER NOT NULL DEFAULT 0,
    m_dissatisfied INTEGER NOT NULL DEFAULT 0,
    m_sensitive INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (node, month, region, kind, category, source)
) WITHOUT ROWID;
