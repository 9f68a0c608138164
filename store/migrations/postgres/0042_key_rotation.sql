-- 0042_key_rotation: filled by its part of the trust work.
SELECT 1;
