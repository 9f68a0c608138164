-- The blind index of the people of a case (盲索引): for each case, the
-- HMAC-SHA256 of each normalised name and phone number of its reporter and
-- parties, keyed with a key derived from the data key (store/people.go).
-- A search by a name or a phone number matches it exactly, without opening
-- every case; the table holds nothing a reader without the key can use.
CREATE TABLE case_people (
    region  TEXT NOT NULL,
    case_id TEXT NOT NULL,
    mac     TEXT NOT NULL, -- hex HMAC-SHA256 of the kind (name, phone) and the normalised value
    PRIMARY KEY (region, case_id, mac),
    FOREIGN KEY (region, case_id) REFERENCES cases (region, id)
);
CREATE INDEX case_people_mac ON case_people (mac);

-- The cases with people written before the index existed; the server
-- indexes them at start and empties this table (IndexPeople).
CREATE TABLE case_people_backlog (
    region  TEXT NOT NULL,
    case_id TEXT NOT NULL,
    PRIMARY KEY (region, case_id)
);
INSERT INTO case_people_backlog (region, case_id)
SELECT region, id FROM cases WHERE reporter_sealed IS NOT NULL OR parties_sealed IS NOT NULL;

-- The 待受理 of a centre tells the cases its own level holds from those
-- held below (CaseFilter.Holding).
CREATE INDEX cases_holding_reported ON cases (holding_path, reported_at);
