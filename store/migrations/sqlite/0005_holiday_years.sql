-- Holiday arrangements entered at run time (节假日安排): the State Council's
-- notice for a year, read from its text or entered day by day. A year here
-- wins over the data shipped in the binary (calendar/cn.json); a year in
-- neither is counted on the provisional rule. calendar_version counts the
-- changes, so that every server sharing the database reloads within
-- seconds (store/calendar.go).
CREATE TABLE holiday_years (
    year       INTEGER PRIMARY KEY,
    holidays   TEXT NOT NULL, -- JSON object: "YYYY-MM-DD" -> holiday name
    workdays   TEXT NOT NULL, -- JSON object: "YYYY-MM-DD" -> holiday made up for (调休上班)
    notice     TEXT NOT NULL DEFAULT '', -- the notice's text, when read from one
    entered_by TEXT NOT NULL DEFAULT '',
    entered_at TEXT NOT NULL
);

-- One row: raised by every change to holiday_years.
CREATE TABLE calendar_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO calendar_version (id, version) VALUES (1, 0);

-- The length of an extension (延期), so that a deadline can be counted
-- again from its start when the calendar changes.
ALTER TABLE actions ADD COLUMN days INTEGER NOT NULL DEFAULT 0;
