-- 0039_admin_duties: filled by its part of the trust work.
SELECT 1;
