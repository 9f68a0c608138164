-- Open311 GeoReport v2 (docs/open311.md): a row per request filed through
-- the interface, beside its case (source open311; service_request_id is the
-- case number). token answers the id (tokens/{token}); key_id is the API
-- key that filed it; email and device_id are sealed like personal data
-- (base64 of AES-GCM, '' when not given) and never listed; media_url is kept
-- as given and answered back, never fetched.

CREATE TABLE open311_requests (
    region       text NOT NULL,
    case_id      text NOT NULL,
    token        text NOT NULL UNIQUE,
    key_id       bigint NOT NULL,
    email        text NOT NULL DEFAULT '',
    device_id    text NOT NULL DEFAULT '',
    media_url    text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (region, case_id),
    FOREIGN KEY (region, case_id) REFERENCES cases (region, id)
);
CREATE INDEX open311_requests_created ON open311_requests (created_at);
-- servicerequestupdates reads the Open311 cases changed since start_date
-- (a case's updated_at is its last step's time), then their actions by key.
CREATE INDEX cases_open311_updated ON cases (updated_at) WHERE source = 'open311';
