-- 0038_audit_chain: filled by its part of the trust work.
SELECT 1;
