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
ALTER TABLE cases ADD COLUMN amount_fen bigint NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN people integer NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN group_dispute boolean NOT NULL DEFAULT false;
ALTER TABLE cases ADD COLUMN med_sessions integer NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN med_outcome text NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN med_referral text NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN agreed_at timestamptz;
ALTER TABLE cases ADD COLUMN confirm_by timestamptz;
ALTER TABLE cases ADD COLUMN confirmation text NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN terms integer NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN terms_performed integer NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN next_due timestamptz;
ALTER TABLE cases ADD COLUMN perform_due boolean NOT NULL DEFAULT false;
ALTER TABLE cases ADD COLUMN revisit_by timestamptz;
ALTER TABLE cases ADD COLUMN revisited_at timestamptz;
ALTER TABLE cases ADD COLUMN settled boolean NOT NULL DEFAULT false;

-- The disputes the deadline watch looks at: agreements with a term to
-- perform, a visit or a confirmation window to remind of.
CREATE INDEX cases_next_due ON cases (next_due) WHERE next_due IS NOT NULL;
CREATE INDEX cases_revisit_by ON cases (revisit_by) WHERE revisit_by IS NOT NULL;
CREATE INDEX cases_confirm_by ON cases (confirm_by) WHERE confirm_by IS NOT NULL AND confirmation = '';

-- Mediation organisations are units with a kind (调解组织类型); a category
-- may name the kind its disputes go to by default.
ALTER TABLE units ADD COLUMN org_type text NOT NULL DEFAULT '';
ALTER TABLE categories ADD COLUMN org_type text NOT NULL DEFAULT '';

-- The sessions of a mediation (调解会). sealed holds, encrypted as the
-- parties are, who attended and the record (调解笔录); action_seq is the
-- timeline entry that recorded it.
CREATE TABLE mediation_sessions (
    region         text NOT NULL,
    case_id        text NOT NULL,
    seq            integer NOT NULL,
    action_seq     integer NOT NULL,
    held_at        timestamptz NOT NULL,
    place          text NOT NULL,
    mediators      text NOT NULL, -- JSON array of names
    rights_notified boolean NOT NULL DEFAULT false,
    result         text NOT NULL,
    sealed         bytea NOT NULL,
    recorded_by    bigint NOT NULL,
    recorded_at    timestamptz NOT NULL,
    PRIMARY KEY (region, case_id, seq)
);

-- Agreements (调解协议): the nth of a case (a reopened dispute may reach
-- another; withdrawn marks one a reopening set aside). sealed holds the
-- facts and each term's text, performer and manner; the terms' days and
-- performance are columns, for the deadline watch.
CREATE TABLE agreements (
    region     text NOT NULL,
    case_id    text NOT NULL,
    seq        integer NOT NULL,
    action_seq integer NOT NULL,
    written    boolean NOT NULL DEFAULT false,
    signed_on  timestamptz NOT NULL,
    sealed     bytea NOT NULL,
    withdrawn  boolean NOT NULL DEFAULT false,
    PRIMARY KEY (region, case_id, seq)
);
CREATE TABLE agreement_terms (
    region        text NOT NULL,
    case_id       text NOT NULL,
    agreement_seq integer NOT NULL,
    no            integer NOT NULL,
    due           timestamptz NOT NULL,
    performed_on  timestamptz,
    action_seq    integer, -- the timeline entry that recorded the performance
    PRIMARY KEY (region, case_id, agreement_seq, no)
);

-- Follow-up visits (回访).
CREATE TABLE revisits (
    region     text NOT NULL,
    case_id    text NOT NULL,
    seq        integer NOT NULL,
    action_seq integer NOT NULL,
    visited_on timestamptz NOT NULL,
    result     text NOT NULL,
    note       text NOT NULL,
    PRIMARY KEY (region, case_id, seq)
);

-- The measures of disputes (pingan.MMediated …) in the counters.
ALTER TABLE tallies_day ADD COLUMN m_mediated bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_agreed bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_settled bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_confirmed bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_perform_base bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_performed bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_agreement_days bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_mediated bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_agreed bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_settled bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_confirmed bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_perform_base bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_performed bigint NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_agreement_days bigint NOT NULL DEFAULT 0;

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
ALTER TABLE cases ADD COLUMN watched_next_due timestamptz;
ALTER TABLE cases ADD COLUMN confirm_warned timestamptz;
ALTER TABLE cases ADD COLUMN revisit_warned timestamptz;
