-- Co-handling (主办/协办): the units that assist the handling unit. A
-- dispatch names the handling unit (cases.assigned_unit, 主办) and zero or
-- more assisting units (协办), one row each. An assist is dispatched
-- (待签收), signed (办理中), reported (已反馈), or withdrawn when the case
-- leaves the handling unit (return, escalation, another dispatch). The
-- seq columns are the timeline entries of its dispatch, sign and report.
CREATE TABLE case_assists (
    region        text NOT NULL,
    case_id       text NOT NULL,
    dispatch_seq  integer NOT NULL,
    unit_code     text NOT NULL,
    unit_path     text NOT NULL,
    state         text NOT NULL, -- dispatched, signed, reported, withdrawn
    dispatched_at timestamptz NOT NULL,
    signed_at     timestamptz,
    reported_at   timestamptz,
    result        text NOT NULL DEFAULT '',
    sign_seq      integer NOT NULL DEFAULT 0,
    report_seq    integer NOT NULL DEFAULT 0,
    PRIMARY KEY (region, case_id, dispatch_seq, unit_code),
    FOREIGN KEY (region, case_id) REFERENCES cases (region, id)
);
-- The 协办 inbox of a unit: its assists not withdrawn.
CREATE INDEX case_assists_unit ON case_assists (unit_path, state);
-- A single case seen by a user of an assisting unit.
CREATE INDEX case_assists_code ON case_assists (unit_code, region, case_id);
