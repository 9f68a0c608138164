-- The key canary (密钥校验): one value sealed with the data key, with the
-- key's fingerprint, written when the store first seals something with the
-- key (or first opens a database sealed before this table). A server
-- started with another key fails to open it and refuses to start
-- (store/key.go), instead of answering 500 to every read of personal data.
CREATE TABLE key_canary (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    sealed     BLOB NOT NULL,          -- AES-GCM sealed canary text
    key_id     TEXT NOT NULL DEFAULT '', -- fingerprint of the key (secret.KeyID); '' when unknown
    created_at TEXT NOT NULL
);
