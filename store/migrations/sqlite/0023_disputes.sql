-- Disputes and mediation (矛盾纠纷多元化解, dispute.go, docs/disputes.md).
--
-- The case row keeps the facts of a dispute (标的额 in fen, 涉及人数,
-- 群体性) and the state of its mediation, a cache of its timeline that the
-- statistics count: the sessions held, the outcome and the route told
-- after a failure, the agreement's day, the last day to apply for judicial
-- confirmation (司法确认) and the court's answer, the terms and how many
-- were performed, the earliest day of a term not performed (for the
-- deadline watch), whether every term's day has passed, the follow-up
-- visit (回访) due and made, and whether the dispute is settled (化解).
ALTER TABLE cases ADD COLUMN amount_fen INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN people INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN group_dispute INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN med_sessions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN med_outcome TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN med_referral TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN agreed_at TEXT;
ALTER TABLE cases ADD COLUMN confirm_by TEXT;
ALTER TABLE cases ADD COLUMN confirmation TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN terms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN terms_performed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN next_due TEXT;
ALTER TABLE cases ADD COLUMN perform_due INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN revisit_by TEXT;
ALTER TABLE cases ADD COLUMN revisited_at TEXT;
ALTER TABLE cases ADD COLUMN settled INTEGER NOT NULL DEFAULT 0;

-- The disputes the deadline watch looks at: agreements with a term to
-- perform, a visit or a confirmation window to remind of.
CREATE INDEX cases_next_due ON cases (next_due) WHERE next_due IS NOT NULL;
CREATE INDEX cases_revisit_by ON cases (revisit_by) WHERE revisit_by IS NOT NULL;
CREATE INDEX cases_confirm_by ON cases (confirm_by) WHERE confirm_by IS NOT NULL AND confirmation = '';

-- Mediation organisations are units with a kind (调解组织类型); a category
-- may name the kind its disputes go to by default.
ALTER TABLE units ADD COLUMN org_type TEXT NOT NULL DEFAULT '';
ALTER TABLE categories ADD COLUMN org_type TEXT NOT NULL DEFAULT '';

-- The sessions of a mediation (调解会). sealed holds, encrypted as the
-- parties are, who attended and the record (调解笔录); action_seq is the
-- timeline entry that recorded it.
CREATE TABLE mediation_sessions (
    region         TEXT NOT NULL,
    case_id        TEXT NOT NULL,
    seq            INTEGER NOT NULL,
    action_seq     INTEGER NOT NULL,
    held_at        TEXT NOT NULL,
    place          TEXT NOT NULL,
    mediators      TEXT NOT NULL, -- JSON array of names
    rights_notified INTEGER NOT NULL DEFAULT 0,
    result         TEXT NOT NULL,
    sealed         BLOB NOT NULL,
    recorded_by    INTEGER NOT NULL,
    recorded_at    TEXT NOT NULL,
    PRIMARY KEY (region, case_id, seq)
);

-- Agreements (调解协议): the nth of a case (a reopened dispute may reach
-- another; withdrawn marks one a reopening set aside). sealed holds the
-- facts and each term's text, performer and manner; the terms' days and
-- performance are columns, for the deadline watch.
CREATE TABLE agreements (
    region     TEXT NOT NULL,
    case_id    TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    action_seq INTEGER NOT NULL,
    written    INTEGER NOT NULL DEFAULT 0,
    signed_on  TEXT NOT NULL,
    sealed     BLOB NOT NULL,
    withdrawn  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (region, case_id, seq)
);
CREATE TABLE agreement_terms (
    region        TEXT NOT NULL,
    case_id       TEXT NOT NULL,
    agreement_seq INTEGER NOT NULL,
    no            INTEGER NOT NULL,
    due           TEXT NOT NULL,
    performed_on  TEXT,
    action_seq    INTEGER, -- the timeline entry that recorded the performance
    PRIMARY KEY (region, case_id, agreement_seq, no)
);

-- Follow-up visits (回访).
CREATE TABLE revisits (
    region     TEXT NOT NULL,
    case_id    TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    action_seq INTEGER NOT NULL,
    visited_on TEXT NOT NULL,
    result     TEXT NOT NULL,
    note       TEXT NOT NULL,
    PRIMARY KEY (region, case_id, seq)
);

-- The measures of disputes (pingan.MMediated …) in the counters.
ALTER TABLE tallies_day ADD COLUMN m_mediated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_agreed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_settled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_confirmed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_perform_base INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_performed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_agreement_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_mediated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_agreed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_settled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_confirmed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_perform_base INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_performed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_agreement_days INTEGER NOT NULL DEFAULT 0;

-- The kinds of mediation organisation the default categories' disputes go
-- to (Category.OrgType); a category without one goes to the people's
-- mediation committee of the village or township the case is in.
UPDATE categories SET org_type = 'family' WHERE code IN ('01', '0101') AND kind = 'dispute';
UPDATE categories SET org_type = 'property' WHERE code IN ('04', '0402') AND kind = 'dispute';
UPDATE categories SET org_type = 'medical' WHERE code = '0502' AND kind = 'dispute';
UPDATE categories SET org_type = 'traffic' WHERE code = '0503' AND kind = 'dispute';
UPDATE categories SET org_type = 'labour' WHERE code IN ('07', '0701') AND kind = 'dispute';

-- The deadline watch of mediation (store/mediation_watch.go): the day of
-- a term it last raised the case for (履行逾期, once for each day missed),
-- and the last day to apply for judicial confirmation and the visit's day
-- it last reminded the mediators of (once each).
ALTER TABLE cases ADD COLUMN watched_next_due TEXT;
ALTER TABLE cases ADD COLUMN confirm_warned TEXT;
ALTER TABLE cases ADD COLUMN revisit_warned TEXT;
