-- Petitions (信访) under 《信访工作条例》 (petition.go, docs/petitions.md).
--
-- The case row keeps a petition's registration (channel, day received, a
-- letter's postmark, people) and its state in the regulation's procedure,
-- a cache of its timeline that the statistics count: the stage, how it was
-- forwarded, the day of the decision and whether it came after its 15
-- days, the day accepted, the extension, the level (0, 1 复查, 2 复核), the
-- latest answer's opinion, day, lateness and delivery, whether a written
-- reply was delivered (来信必复), the first answer's lateness, the opinions
-- of 复查 and 复核, the day of the last request and the reason a late one
-- was accepted, what a merged petition is (repeat or 越级), how many were
-- merged into a matter, and its 包案 leader.
--
-- petitioner_key is a keyed hash of the petitioner's identity (ID number,
-- else name and phone), so that a new petition from the same person about
-- the same matter can be suggested as a repeat without opening anyone's
-- sealed data. It is never shown, listed or exported.
ALTER TABLE cases ADD COLUMN pet_channel TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN pet_received_on TEXT;
ALTER TABLE cases ADD COLUMN pet_postmarked_on TEXT;
ALTER TABLE cases ADD COLUMN pet_people INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN pet_stage TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN pet_forward_mode TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN pet_decided_on TEXT;
ALTER TABLE cases ADD COLUMN pet_decide_late INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN pet_accepted_on TEXT;
ALTER TABLE cases ADD COLUMN pet_extended_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN pet_level INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN pet_opinion TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN pet_answered_on TEXT;
ALTER TABLE cases ADD COLUMN pet_answer_late INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN pet_delivered_on TEXT;
ALTER TABLE cases ADD COLUMN pet_replied INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN pet_first_answer_late INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN pet_review_opinion TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN pet_recheck_opinion TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN pet_requested_on TEXT;
ALTER TABLE cases ADD COLUMN pet_late_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN pet_merged_as TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN pet_repeats INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN pet_lead INTEGER;
ALTER TABLE cases ADD COLUMN pet_lead_name TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN petitioner_key TEXT;

CREATE INDEX cases_petitioner_key ON cases (petitioner_key) WHERE petitioner_key IS NOT NULL;
CREATE INDEX cases_pet_lead ON cases (pet_lead) WHERE pet_lead IS NOT NULL;

-- The written documents of a petition (信访文书), issued with the action
-- that carries them (action_seq). sealed holds the text, which may name the
-- petitioner. A number is used once by its unit. sent_on and sent_by
-- record the delivery (送达), from which the next level's 30 days count.
CREATE TABLE petition_documents (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    region     TEXT NOT NULL,
    case_id    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    number     TEXT NOT NULL,
    unit       TEXT NOT NULL,
    level      INTEGER NOT NULL DEFAULT 0,
    action_seq INTEGER NOT NULL,
    sealed     BLOB NOT NULL,
    issued_at  TEXT NOT NULL,
    issued_by  TEXT NOT NULL,
    sent_on    TEXT,
    sent_by    TEXT NOT NULL DEFAULT '',
    UNIQUE (unit, number)
);
CREATE INDEX petition_documents_case ON petition_documents (region, case_id);

-- Drafts of documents, edited before issue (one a case and kind); the
-- issue deletes it.
CREATE TABLE petition_drafts (
    region     TEXT NOT NULL,
    case_id    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    number     TEXT NOT NULL DEFAULT '',
    sealed     BLOB NOT NULL,
    updated_by INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (region, case_id, kind)
);

-- The last number given to each unit's documents of a kind in a year, for
-- the number pingan suggests (肃信转〔2026〕123号).
CREATE TABLE petition_doc_numbers (
    unit TEXT NOT NULL,
    kind TEXT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (unit, kind, year)
);

-- Leaders' reception days (领导接访日), published on the public site: which
-- leader receives at which centre on which day. A leader's name and post
-- are public; nothing here is about a petitioner.
CREATE TABLE reception_days (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_code   TEXT NOT NULL REFERENCES units (code),
    unit_path   TEXT NOT NULL,
    leader_id   INTEGER NOT NULL,
    leader_name TEXT NOT NULL,
    leader_post TEXT NOT NULL DEFAULT '',
    day         TEXT NOT NULL,
    time_from   TEXT NOT NULL,
    time_to     TEXT NOT NULL,
    place       TEXT NOT NULL,
    topic       TEXT NOT NULL DEFAULT '',
    published   INTEGER NOT NULL DEFAULT 0,
    created_by  INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX reception_days_day ON reception_days (day);
CREATE INDEX reception_days_path ON reception_days (unit_path);

-- Receptions held (接访, 下访, 约访) and the matters they were about. sealed
-- holds the notes, which may name people.
CREATE TABLE receptions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,
    unit_code   TEXT NOT NULL REFERENCES units (code),
    unit_path   TEXT NOT NULL,
    leader_id   INTEGER NOT NULL,
    leader_name TEXT NOT NULL,
    held_on     TEXT NOT NULL,
    place       TEXT NOT NULL,
    people      INTEGER NOT NULL DEFAULT 1,
    sealed      BLOB NOT NULL,
    created_by  INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX receptions_path ON receptions (unit_path, held_on);
CREATE INDEX receptions_leader ON receptions (leader_id, held_on);
CREATE TABLE reception_cases (
    reception_id INTEGER NOT NULL REFERENCES receptions (id),
    case_id      TEXT NOT NULL,
    PRIMARY KEY (reception_id, case_id)
);
CREATE INDEX reception_cases_case ON reception_cases (case_id);

-- The measures of petitions (pingan.MPetitions …) in the counters.
ALTER TABLE tallies_day ADD COLUMN m_petitions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_petition_people INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_pet_repeats INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_pet_overreach INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_pet_letters INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_pet_letters_replied INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_pet_decided INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_pet_decided_on_time INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_pet_accepted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_pet_answered INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_pet_answered_on_time INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_pet_extended INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_pet_reviews INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_pet_review_changed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_pet_rechecks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_day ADD COLUMN m_pet_recheck_changed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_petitions INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_petition_people INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_pet_repeats INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_pet_overreach INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_pet_letters INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_pet_letters_replied INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_pet_decided INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_pet_decided_on_time INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_pet_accepted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_pet_answered INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_pet_answered_on_time INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_pet_extended INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_pet_reviews INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_pet_review_changed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_pet_rechecks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_month ADD COLUMN m_pet_recheck_changed INTEGER NOT NULL DEFAULT 0;
