-- 0041_retention: filled by its part of the trust work.
SELECT 1;
