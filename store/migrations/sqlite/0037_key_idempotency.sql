-- An API key's Idempotency-Key (接入系统的幂等键): a key acts as a
-- pseudo-user whose id is the key's id negated (store/apikey.go), which no
-- account has, so the idempotency keys no longer reference users. user_id
-- is an account's id, or a key's negated.
CREATE TABLE idempotency_keys_new (
    user_id    INTEGER NOT NULL,
    key        TEXT NOT NULL,
    region     TEXT NOT NULL,
    case_id    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, key),
    FOREIGN KEY (region, case_id) REFERENCES cases (region, id)
);
INSERT INTO idempotency_keys_new (user_id, key, region, case_id, created_at)
    SELECT user_id, key, region, case_id, created_at FROM idempotency_keys;
DROP TABLE idempotency_keys;
ALTER TABLE idempotency_keys_new RENAME TO idempotency_keys;
