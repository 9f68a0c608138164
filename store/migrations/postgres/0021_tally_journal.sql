-- The journal of the counters (计数日志, docs/statistics.md): each row is
-- the change to the counters of one transaction that changed cases,
-- written in that transaction, encoded (store/journal.go). The store moves
-- the rows into tallies_day and tallies_month shortly after, in a
-- transaction that deletes them; readers of the counters add the rows not
-- yet moved. A change writes one row here instead of a dozen counters,
-- and transactions of one hot unit no longer wait for each other's row
-- locks on its counters.
CREATE TABLE tally_journal (
    id   BIGSERIAL PRIMARY KEY,
    rows BYTEA NOT NULL
);
