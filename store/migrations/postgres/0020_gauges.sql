-- The open-now gauges (在办计数, docs/statistics.md "The gauges").
--
-- Each row: what the open cases of one cohort (of one due day, region,
-- kind, category and source) count at one node (a unit or a grid) they lie
-- in: open (在办) and open 重大敏感. The due day is the day, China Standard
-- Time, of the moment the case becomes overdue (pingan.DueMoment; '' when
-- no deadline of it can pass), so that the cases overdue now are the rows
-- of the days before today and, of today's, those whose moment has come.
-- Written in the transaction of each change to a case; built from the
-- open cases at start when empty while open cases exist (this upgrade),
-- and by `pingan stats rebuild`. A row that comes to count nothing is
-- removed.
CREATE TABLE gauges (
    node     text COLLATE "C" NOT NULL,
    due_day  text COLLATE "C" NOT NULL,
    region   text NOT NULL,
    kind     text NOT NULL,
    category text NOT NULL,
    source   text NOT NULL,
    m_open bigint NOT NULL DEFAULT 0,
    m_sensitive_open bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (node, due_day, region, kind, category, source)
);

-- The open cases by the moment they become overdue (pingan.DueMoment), for
-- those of today's due day whose moment has come: the earliest deadline
-- whose clock runs — the sign deadline while dispatched, the resolve
-- deadline while reported, accepted, dispatched or in progress and not
-- suspended, the supervision deadline — and NULL when none can pass or a
-- stopped resolve deadline passed before it stopped (overdue whatever the
-- time: its due day is before every today). The store repeats the
-- expression and the condition verbatim (store/gauge.go, dueMoment).
CREATE INDEX cases_open_due ON cases ((CASE
    WHEN status IN ('reported', 'accepted', 'dispatched', 'in_progress') AND suspended AND resolve_by < suspended_at THEN NULL
    ELSE LEAST(
        CASE WHEN status = 'dispatched' THEN sign_by END,
        CASE WHEN status IN ('reported', 'accepted', 'dispatched', 'in_progress') AND NOT suspended THEN resolve_by END,
        supervise_by) END))
    WHERE status IN ('accepted', 'dispatched', 'in_progress', 'reported', 'resolved');
