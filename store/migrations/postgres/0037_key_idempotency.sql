-- An API key's Idempotency-Key (接入系统的幂等键): a key acts as a
-- pseudo-user whose id is the key's id negated (store/apikey.go), which no
-- account has, so the idempotency keys no longer reference users. user_id
-- is an account's id, or a key's negated.
ALTER TABLE idempotency_keys DROP CONSTRAINT IF EXISTS idempotency_keys_user_id_fkey;
