-- The journal of the counters (计数日志, docs/statistics.md): each row is
-- the change to the counters of one transaction that changed cases,
-- written in that transaction, encoded (store/journal.go). The store moves
-- the rows into tallies_day and tallies_month shortly after, in a
-- transaction that deletes them; readers of the counters add the rows not
-- yet moved. A change writes one row here instead of a dozen counters.
CREATE TABLE tally_journal (
    id   INTEGER PRIMARY KEY,
    rows BLOB NOT NULL
);
