-- 0040_totp: filled by its part of the trust work.
SELECT 1;
