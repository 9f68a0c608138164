package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// The counters of an unjournaled load (BulkLoadOptions.SideCounters) are
// written beside it: into a SQLite file of their own, by a goroutine of
// their own on its own connection — the other core — while the writer
// writes cases and timelines, and added to the database's counters in
// one statement a table at the end of the load (BulkLoad.End), rows in the
// order of their keys. A database's single writer spent nearly half its
// time on the counters' upserts; beside it they cost the writer nothing
// until the end. The load's batches then carry no counters of their own:
// until the end `pingan stats verify` finds them missing, as it finds
// whatever a load that fails midway leaves, which for an unjournaled load
// is a file to delete anyway.

// bulkSide is the file of the counters and the goroutine writing it.
type bulkSide struct {
	path  string
	db    *sql.DB
	rows  chan []pingan.TallyRow
	done  chan struct{}
	err   error // the goroutine's, read after done closes
	stmts func(string) string
	rowsN int
}

// openSide makes the file of the counters beside the database, with the
// database's counter tables as they are (their columns in the same
// order), and starts writing the batches it is given.
func (l *BulkLoad) openSide(ctx context.Context) error {
	db := l.db
	path := strings.TrimPrefix(db.dsn, "file:") + "-bulk-counters"
	for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	side, err := sql.Open("sqlite", "file:"+strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)+
		"?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)&_pragma=cache_size(-262144)&_pragma=temp_store(MEMORY)")
	if err != nil {
		return err
	}
	side.SetMaxOpenConns(1)
	side.SetConnMaxLifetime(0)
	side.SetConnMaxIdleTime(0)
	for _, tt := range tallyTables {
		t := tt.table
		var def string
		if err := db.write.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = $1`, t).Scan(&def); err != nil {
			side.Close()
			return fmt.Errorf("store: bulk load: the table %s: %w", t, err)
		}
		if _, err := side.ExecContext(ctx, def); err != nil {
			side.Close()
			return fmt.Errorf("store: bulk load: the counters' file: %w", err)
		}
	}
	s := &bulkSide{path: path, db: side, rows: make(chan []pingan.TallyRow, 2), done: make(chan struct{}), stmts: db.stmts.sql}
	go s.run(context.WithoutCancel(ctx))
	l.side = s
	return nil
}

// run writes each batch of counters in a transaction of the side file.
// After a failure it drains the batches, writing nothing more.
func (s *bulkSide) run(ctx context.Context) {
	defer close(s.done)
	for rows := range s.rows {
		if s.err != nil {
			continue
		}
		s.err = s.write(ctx, rows)
		s.rowsN += len(rows)
	}
}

func (s *bulkSide) write(ctx context.Context, rows []pingan.TallyRow) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmts := map[string]*sql.Stmt{}
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	err = writeBulkTallies(ctx, rows, func(q string) (*sql.Stmt, error) {
		if st := stmts[q]; st != nil {
			return st, nil
		}
		st, err := tx.PrepareContext(ctx, s.stmts(q))
		if err == nil {
			stmts[q] = st
		}
		return st, err
	})
	if err != nil {
		return err
	}
	return tx.Commit()
}

// add hands a batch's counters to the goroutine; the error is an earlier
// batch's.
func (s *bulkSide) add(ctx context.Context, rows []pingan.TallyRow) error {
	select {
	case <-s.done:
		return s.failed()
	default:
	}
	select {
	case s.rows <- rows:
		return nil
	case <-s.done:
		return s.failed()
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *bulkSide) failed() error {
	if s.err != nil {
		return fmt.Errorf("store: bulk load: writing the counters: %w", s.err)
	}
	return errors.New("store: bulk load: the counters' writer stopped")
}

// finishSide waits for the last batch and adds the side file's counters
// to the database's, then removes the file. Batches reach the file only
// once committed (BulkTx.Commit), so a load that failed midway adds the
// counters of the cases it wrote.
func (l *BulkLoad) finishSide(ctx context.Context) error {
	s := l.side
	if s == nil {
		return nil
	}
	l.side = nil
	close(s.rows)
	<-s.done
	err := s.err
	if err != nil {
		err = fmt.Errorf("store: bulk load: writing the counters: %w", err)
	}
	s.db.Close()
	if err == nil {
		began := time.Now()
		err = l.mergeSide(ctx, s.path)
		l.db.log.Info("store: bulk load: counters added", "rows", s.rowsN, "seconds", time.Since(began).Round(100*time.Millisecond).Seconds())
	}
	for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
		if e := os.Remove(s.path + suffix); e != nil && !errors.Is(e, os.ErrNotExist) {
			err = errors.Join(err, e)
		}
	}
	return err
}

// mergeSide adds every row of the side file's counter tables to the
// database's, in one transaction: a row of a key the database has adds
// its measures to it.
func (l *BulkLoad) mergeSide(ctx context.Context, path string) error {
	conn, err := l.db.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `ATTACH DATABASE ? AS bulk_side`, path); err != nil {
		return err
	}
	defer conn.ExecContext(ctx, `DETACH DATABASE bulk_side`)
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, tt := range tallyTables {
		cols := "node, " + tt.period + ", " + tallyKeyColumns + ", " + strings.Join(measureColumns, ", ")
		set := make([]string, len(measureColumns))
		for i, c := range measureColumns {
			set[i] = c + " = " + tt.table + "." + c + " + excluded." + c
		}
		// WHERE true: SQLite's parser takes the ON of an upsert after a
		// bare FROM for a join's.
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+tt.table+` (`+cols+`) SELECT `+cols+` FROM bulk_side.`+tt.table+
			` WHERE true ON CONFLICT (node, `+tt.period+`, `+tallyKeyColumns+`) DO UPDATE SET `+strings.Join(set, ", ")); err != nil {
			return fmt.Errorf("store: bulk load: adding the counters: %w", err)
		}
	}
	return tx.Commit()
}
