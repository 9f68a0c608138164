-- 0042_key_rotation: no schema change. Key rotation (store/rotate.go) needs none:
-- each sealed value names its key in a header (secret/ring.go), and the
-- keys themselves never enter the database.
SELECT 1;
