-- The counters by the year of the report (docs/statistics.md): the rows of
-- the three month tables summed by year, the same keys with the year for
-- the month — tallies_year of tallies_month, tallies_kind_year of
-- tallies_kind_month, tallies_reports_year of tallies_reports_month — each
-- keyed by the node first. A year of a city's cohorts is some 660 rows in
-- tallies_year against 7,200 month rows, a year of a city's 1,420 grids'
-- reports 1,420 rows against 25,000 (at a million cases): the readings of
-- whole years (a year's dashboard, `GET /api/v1/stats` of a year) read
-- them. Written with the other counters (the folder, a bulk load); a
-- rebuild makes a year's rows again from its month rows, and `pingan stats
-- verify` compares them with the month rows. Filled here from the month
-- tables; the journal's rows not yet folded are folded into every table.

-- The columns, defaults and key of the month tables, as they are now, the
-- period named year.
CREATE TABLE tallies_year (LIKE tallies_month INCLUDING ALL);
ALTER TABLE tallies_year RENAME COLUMN month TO year;
INSERT INTO tallies_year (node, year, region, kind, category, source,
    m_reported, m_in_reported, m_in_accepted, m_in_rejected, m_in_dispatched, m_in_progress,
    m_in_resolved, m_in_closed, m_in_merged, m_signed, m_signed_on_time, m_on_time,
    m_closed_on_time, m_overdue, m_due, m_deferred, m_escalated, m_returned,
    m_reworked, m_verified, m_reopened, m_rated, m_satisfied, m_dissatisfied,
    m_sensitive, m_mediated, m_agreed, m_settled, m_confirmed, m_perform_base,
    m_performed, m_agreement_days, m_petitions, m_petition_people, m_pet_repeats, m_pet_overreach,
    m_pet_letters, m_pet_letters_replied, m_pet_decided, m_pet_decided_on_time, m_pet_accepted, m_pet_answered,
    m_pet_answered_on_time, m_pet_extended, m_pet_reviews, m_pet_review_changed, m_pet_rechecks, m_pet_recheck_changed,
    m_handle_hours, m_hz_major, m_hz_ordered, m_hz_rectified, m_hz_rectified_on_time, m_hz_rechecked,
    m_hz_passed_first, m_hz_late, m_hz_listed, m_hz_major_open)
    SELECT node, substr(month, 1, 4), region, kind, category, source,
    SUM(m_reported), SUM(m_in_reported), SUM(m_in_accepted), SUM(m_in_rejected), SUM(m_in_dispatched), SUM(m_in_progress),
    SUM(m_in_resolved), SUM(m_in_closed), SUM(m_in_merged), SUM(m_signed), SUM(m_signed_on_time), SUM(m_on_time),
    SUM(m_closed_on_time), SUM(m_overdue), SUM(m_due), SUM(m_deferred), SUM(m_escalated), SUM(m_returned),
    SUM(m_reworked), SUM(m_verified), SUM(m_reopened), SUM(m_rated), SUM(m_satisfied), SUM(m_dissatisfied),
    SUM(m_sensitive), SUM(m_mediated), SUM(m_agreed), SUM(m_settled), SUM(m_confirmed), SUM(m_perform_base),
    SUM(m_performed), SUM(m_agreement_days), SUM(m_petitions), SUM(m_petition_people), SUM(m_pet_repeats), SUM(m_pet_overreach),
    SUM(m_pet_letters), SUM(m_pet_letters_replied), SUM(m_pet_decided), SUM(m_pet_decided_on_time), SUM(m_pet_accepted), SUM(m_pet_answered),
    SUM(m_pet_answered_on_time), SUM(m_pet_extended), SUM(m_pet_reviews), SUM(m_pet_review_changed), SUM(m_pet_rechecks), SUM(m_pet_recheck_changed),
    SUM(m_handle_hours), SUM(m_hz_major), SUM(m_hz_ordered), SUM(m_hz_rectified), SUM(m_hz_rectified_on_time), SUM(m_hz_rechecked),
    SUM(m_hz_passed_first), SUM(m_hz_late), SUM(m_hz_listed), SUM(m_hz_major_open)
    FROM tallies_month GROUP BY node, substr(month, 1, 4), region, kind, category, source;
CREATE TABLE tallies_kind_year (LIKE tallies_kind_month INCLUDING ALL);
ALTER TABLE tallies_kind_year RENAME COLUMN month TO year;
INSERT INTO tallies_kind_year (node, year, region, kind, category, source,
    m_reported, m_in_reported, m_in_accepted, m_in_rejected, m_in_dispatched, m_in_progress,
    m_in_resolved, m_in_closed, m_in_merged, m_signed, m_signed_on_time, m_on_time,
    m_closed_on_time, m_overdue, m_due, m_deferred, m_escalated, m_returned,
    m_reworked, m_verified, m_reopened, m_rated, m_satisfied, m_dissatisfied,
    m_sensitive, m_mediated, m_agreed, m_settled, m_confirmed, m_perform_base,
    m_performed, m_agreement_days, m_petitions, m_petition_people, m_pet_repeats, m_pet_overreach,
    m_pet_letters, m_pet_letters_replied, m_pet_decided, m_pet_decided_on_time, m_pet_accepted, m_pet_answered,
    m_pet_answered_on_time, m_pet_extended, m_pet_reviews, m_pet_review_changed, m_pet_rechecks, m_pet_recheck_changed,
    m_handle_hours, m_hz_major, m_hz_ordered, m_hz_rectified, m_hz_rectified_on_time, m_hz_rechecked,
    m_hz_passed_first, m_hz_late, m_hz_listed, m_hz_major_open)
    SELECT node, substr(month, 1, 4), region, kind, category, source,
    SUM(m_reported), SUM(m_in_reported), SUM(m_in_accepted), SUM(m_in_rejected), SUM(m_in_dispatched), SUM(m_in_progress),
    SUM(m_in_resolved), SUM(m_in_closed), SUM(m_in_merged), SUM(m_signed), SUM(m_signed_on_time), SUM(m_on_time),
    SUM(m_closed_on_time), SUM(m_overdue), SUM(m_due), SUM(m_deferred), SUM(m_escalated), SUM(m_returned),
    SUM(m_reworked), SUM(m_verified), SUM(m_reopened), SUM(m_rated), SUM(m_satisfied), SUM(m_dissatisfied),
    SUM(m_sensitive), SUM(m_mediated), SUM(m_agreed), SUM(m_settled), SUM(m_confirmed), SUM(m_perform_base),
    SUM(m_performed), SUM(m_agreement_days), SUM(m_petitions), SUM(m_petition_people), SUM(m_pet_repeats), SUM(m_pet_overreach),
    SUM(m_pet_letters), SUM(m_pet_letters_replied), SUM(m_pet_decided), SUM(m_pet_decided_on_time), SUM(m_pet_accepted), SUM(m_pet_answered),
    SUM(m_pet_answered_on_time), SUM(m_pet_extended), SUM(m_pet_reviews), SUM(m_pet_review_changed), SUM(m_pet_rechecks), SUM(m_pet_recheck_changed),
    SUM(m_handle_hours), SUM(m_hz_major), SUM(m_hz_ordered), SUM(m_hz_rectified), SUM(m_hz_rectified_on_time), SUM(m_hz_rechecked),
    SUM(m_hz_passed_first), SUM(m_hz_late), SUM(m_hz_listed), SUM(m_hz_major_open)
    FROM tallies_kind_month GROUP BY node, substr(month, 1, 4), region, kind, category, source;
CREATE TABLE tallies_reports_year (LIKE tallies_reports_month INCLUDING ALL);
ALTER TABLE tallies_reports_year RENAME COLUMN month TO year;
INSERT INTO tallies_reports_year (node, year, region, kind, category, source,
    m_reported)
    SELECT node, substr(month, 1, 4), region, kind, category, source,
    SUM(m_reported)
    FROM tallies_reports_month GROUP BY node, substr(month, 1, 4), region, kind, category, source;
