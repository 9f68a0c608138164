-- The queues of closed cases (不满意, 待回访) read from their index alone: by
-- rating ('' for none) and the time closed, as before (0019), and with the
-- columns their conditions and their order need. A page of 50 was the
-- 9,000 cases of the window at a million cases, each row read to check its
-- jurisdiction and then sorted by report time (52 ms); now the index gives
-- the keys of the page and only its rows are read (store/case.go,
-- ratingQueue).
DROP INDEX cases_closed_rating;
CREATE INDEX cases_closed_rating ON cases (COALESCE(satisfaction, ''), closed_at,
    reported_at, id, region, status, unit_path, holding_path, assigned_path)
    WHERE closed_at IS NOT NULL;
