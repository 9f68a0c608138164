package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/pingan-gov/pingan"
)

// Key rotation (密钥轮换). With a key ring (secret.Ring) the store seals
// with the ring's first key and opens with any; Rotate seals every value
// sealed with another key again with the first one, a batch to a short
// transaction, while servers go on writing: each row is written back only
// if it still holds what was read (compare and set), so a write made
// meanwhile is never lost, and a value a server sealed with an old key
// meanwhile is found by the next pass. KeyStatus counts the values by
// key. The blind index of a case's people (case_people) and its
// petitioner_key are HMACs under keys derived from the sealing key: they
// are written again with the case's row.

// sealedColumn is a column that holds sealed values.
type sealedColumn struct {
	table, column string
	pk            []string
	base64        bool // text, base64 of the sealed bytes ("" for none)
}

// sealedColumns are the columns of sealed values besides the cases' people
// (rotateCases) and the photos in the file store (rotateFiles). A new
// sealed column is added here, or KeyStatus and Rotate do not see it
// (TestRotateCoversEverySealedColumn compares this list with the
// migrations).
var sealedColumns = []sealedColumn{
	{"key_canary", "sealed", []string{"id"}, false},
	{"files", "content", []string{"sum"}, false}, // before migration 0009, until moved out
	{"query_codes", "code", []string{"region", "case_id"}, true},
	{"mediation_sessions", "sealed", []string{"region", "case_id", "seq"}, false},
	{"agreements", "sealed", []string{"region", "case_id", "seq"}, false},
	{"petition_documents", "sealed", []string{"id"}, false},
	{"petition_drafts", "sealed", []string{"region", "case_id", "kind"}, false},
	{"receptions", "sealed", []string{"id"}, false},
	{"sites", "contact_sealed", []string{"id"}, false},
	{"webhooks", "secret_sealed", []string{"id"}, false},
	{"case_import_drafts", "sealed", []string{"id"}, false},
	{"open311_requests", "email", []string{"region", "case_id"}, true},
	{"open311_requests", "device_id", []string{"region", "case_id"}, true},
	{"totp", "secret_sealed", []string{"user_id"}, false},
}

// rotateBatch is how many rows one transaction of Rotate seals again.
const rotateBatch = 200

// ring is what a key ring tells beside pingan.Sealer (secret.Ring).
type ring interface {
	KeyID() string
	KeyOf(sealed []byte) string
}

// KeyCount is how many values of one column are sealed with each key.
type KeyCount struct {
	Column string         // table.column; "files/" for the photos in the file store
	ByKey  map[string]int // fingerprint → values; "" for values from before the key header
	// Unreadable counts the values the store's keys do not open.
	Unreadable int
}

// KeyReport is what KeyStatus and Rotate answer.
type KeyReport struct {
	Current string // the fingerprint of the sealing key
	Columns []KeyCount
	// Cases counts the cases (KeyStatus).
	Cases int
	// Resealed counts the rows sealed again (Rotate).
	Resealed int
	// Digest, when asked for, is a SHA-256 over every sealed value in clear
	// with its place, in no order of rows: equal for a database and its
	// restored copy, whatever keys seal them.
	Digest string
}

// Stale answers how many values are sealed with another key than the
// sealing key, those no key opens included.
func (r *KeyReport) Stale() int {
	n := 0
	for _, c := range r.Columns {
		for k, v := range c.ByKey {
			if k != r.Current {
				n += v
			}
		}
		n += c.Unreadable
	}
	return n
}

// StaleBy answers how many values are sealed with the key id.
func (r *KeyReport) StaleBy(id string) int {
	n := 0
	for _, c := range r.Columns {
		n += c.ByKey[id]
	}
	return n
}

// keyRing answers the store's ring; an error when its sealer is not one.
func (db *DB) keyRing() (ring, error) {
	s := db.sealer
	if c, ok := s.(*canarySealer); ok {
		s = c.Sealer
	}
	r, ok := s.(ring)
	if !ok {
		return nil, errors.New("store: " + pingan.Text(pingan.ZH, "backup.rotate.noring"))
	}
	return r, nil
}

// KeyStatus counts the sealed values of the database and the file store
// by the key that sealed them, opening each; with digest it also answers
// the digest of them all in clear (KeyReport.Digest), for restore drills.
func (db *DB) KeyStatus(ctx context.Context, digest bool) (*KeyReport, error) {
	kr, err := db.keyRing()
	if err != nil {
		return nil, err
	}
	rep := &KeyReport{Current: kr.KeyID()}
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM cases`).Scan(&rep.Cases); err != nil {
		return nil, err
	}
	var sums [][]byte
	visit := func(kc *KeyCount, place string, sealed []byte) {
		kc.ByKey[kr.KeyOf(sealed)]++
		clear, err := db.sealer.Open(sealed)
		if err != nil {
			kc.ByKey[kr.KeyOf(sealed)]--
			kc.Unreadable++
			return
		}
		if digest {
			h := sha256.Sum256(append([]byte(place+"\x00"), clear...))
			sums = append(sums, h[:])
		}
	}
	cols := append([]sealedColumn{{"cases", "reporter_sealed", []string{"region", "id"}, false},
		{"cases", "parties_sealed", []string{"region", "id"}, false}}, sealedColumns...)
	for _, col := range cols {
		kc := KeyCount{Column: col.table + "." + col.column, ByKey: map[string]int{}}
		err := db.eachSealed(ctx, col, func(tx *sql.Tx, pk []any, sealed []byte, _ any) error {
			visit(&kc, kc.Column+fmt.Sprint(pk...), sealed)
			return nil
		})
		if err != nil {
			return nil, err
		}
		rep.Columns = append(rep.Columns, kc)
	}
	if db.files != nil {
		kc := KeyCount{Column: "files/", ByKey: map[string]int{}}
		err := db.eachFile(ctx, func(sum, name string, sealed []byte) error {
			visit(&kc, "files/"+sum, sealed)
			return nil
		})
		if err != nil {
			return nil, err
		}
		rep.Columns = append(rep.Columns, kc)
	}
	if digest {
		sort.Slice(sums, func(i, j int) bool { return bytes.Compare(sums[i], sums[j]) < 0 })
		h := sha256.New()
		for _, s := range sums {
			h.Write(s)
		}
		rep.Digest = hex.EncodeToString(h.Sum(nil))
	}
	return rep, nil
}

// eachSealed calls f for each sealed value of col, a batch of rows to a
// read transaction, in the order of the primary key; raw is the value as
// stored. A table the schema does not have yet is skipped.
func (db *DB) eachSealed(ctx context.Context, col sealedColumn, f func(tx *sql.Tx, pk []any, sealed []byte, raw any) error) error {
	_, err := db.batches(ctx, col, false, func(tx *sql.Tx, rows [][]any) (int, error) {
		for _, r := range rows {
			sealed, err := sealedBytes(col, r[len(col.pk)])
			if err != nil {
				return 0, err
			}
			if err := f(tx, r[:len(col.pk)], sealed, r[len(col.pk)]); err != nil {
				return 0, err
			}
		}
		return 0, nil
	}, nil)
	return err
}

// batches reads the rows of col that hold a value, rotateBatch at a time
// (the primary key, then the value), and hands each batch to f in a
// transaction of its own: a write transaction when write, committed when
// f succeeds; after, when not nil, is then told whether it committed. It
// answers the sum of what f answers.
func (db *DB) batches(ctx context.Context, col sealedColumn, write bool, f func(tx *sql.Tx, rows [][]any) (int, error), after func(committed bool)) (int, error) {
	if ok, err := db.tableExists(ctx, col.table); err != nil || !ok {
		return 0, err
	}
	keys := strings.Join(col.pk, ", ")
	cond := "(" + col.column + " IS NOT NULL)"
	if col.base64 {
		cond += " AND " + col.column + " <> ''"
	}
	var last []any
	total := 0
	for {
		var a args
		where := cond
		if last != nil {
			where += " AND (" + keys + ") > (" + a.list(last...) + ")"
		}
		q := "SELECT " + keys + ", (" + col.column + ") FROM " + col.table + " WHERE " + where +
			" ORDER BY " + keys + " LIMIT " + fmt.Sprint(rotateBatch)
		var tx *sql.Tx
		var err error
		if write {
			tx, err = db.beginWrite(ctx)
		} else {
			tx, err = db.beginRead(ctx)
		}
		if err != nil {
			return total, err
		}
		rows, err := scanRows(ctx, tx, q, len(col.pk)+1, a...)
		if err == nil && len(rows) > 0 {
			var n int
			n, err = f(tx, rows)
			total += n
		}
		if err == nil && write {
			err = tx.Commit()
		}
		tx.Rollback()
		if after != nil && len(rows) > 0 {
			after(write && err == nil)
		}
		if err != nil {
			return total, fmt.Errorf("store: %s: %w", pingan.Text(pingan.ZH, "backup.rotate.column", col.table+"."+col.column), err)
		}
		if len(rows) < rotateBatch {
			return total, nil
		}
		last = rows[len(rows)-1][:len(col.pk)]
	}
}

// scanRows answers the rows of q, each as n values.
func scanRows(ctx context.Context, tx *sql.Tx, q string, n int, a ...any) ([][]any, error) {
	rows, err := tx.QueryContext(ctx, q, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]any
	for rows.Next() {
		r := make([]any, n)
		ptrs := make([]any, n)
		for i := range r {
			ptrs[i] = &r[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for i, v := range r { // PostgreSQL's text arrives as string, SQLite's may as []byte
			if b, ok := v.([]byte); ok && i < n-1 {
				r[i] = string(b)
			} else if ok {
				r[i] = bytes.Clone(b)
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// sealedBytes answers the sealed bytes of a value of col as stored.
func sealedBytes(col sealedColumn, v any) ([]byte, error) {
	var b []byte
	switch v := v.(type) {
	case []byte:
		b = v
	case string:
		b = []byte(v)
	default:
		return nil, fmt.Errorf("%s.%s: unexpected %T", col.table, col.column, v)
	}
	if col.base64 {
		return base64.StdEncoding.DecodeString(string(b))
	}
	return b, nil
}

// eachFile calls f with the sealed content of each photo kept in the
// file store, in the order of their sums.
func (db *DB) eachFile(ctx context.Context, f func(sum, name string, sealed []byte) error) error {
	col := sealedColumn{"files", "name", []string{"sum"}, false}
	_, err := db.batches(ctx, col, false, func(tx *sql.Tx, rows [][]any) (int, error) {
		for _, r := range rows {
			sum, name := r[0].(string), fmt.Sprint(stringOf(r[1]))
			sealed, err := db.files.Get(ctx, name)
			if errors.Is(err, fs.ErrNotExist) {
				sealed = nil // missing: counted as unreadable
			} else if err != nil {
				return 0, fmt.Errorf("files/%s: %w", name, err)
			}
			if err := f(sum, name, sealed); err != nil {
				return 0, err
			}
		}
		return 0, nil
	}, nil)
	return err
}

func stringOf(v any) string {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return fmt.Sprint(v)
}

// Rotate seals every value sealed with another key than the sealing key
// again with it, in passes until a pass finds none (at most maxPasses:
// values still appearing then are sealed by a server that has not yet
// learnt the new key), and writes one audit row (key_rotate) with the
// counts. progress, when not nil, is told how many of the values of the
// pass it has seen. It can be stopped and run again: it goes on where the
// values are.
func (db *DB) Rotate(ctx context.Context, progress func(done, total int)) (*KeyReport, error) {
	kr, err := db.keyRing()
	if err != nil {
		return nil, err
	}
	const maxPasses = 5
	resealed := 0
	for pass := 0; pass < maxPasses; pass++ {
		n, err := db.rotatePass(ctx, kr, progress)
		resealed += n
		if err != nil {
			return nil, err
		}
		if n == 0 {
			break
		}
	}
	rep, err := db.KeyStatus(ctx, false)
	if err != nil {
		return nil, err
	}
	rep.Resealed = resealed
	if err := db.AuditKeys(ctx, "key_rotate", rep); err != nil {
		return nil, err
	}
	return rep, nil
}

// AuditKeys writes the audit row of an act on the keys (key_rotate,
// key_retire) with the counts of rep.
func (db *DB) AuditKeys(ctx context.Context, action string, rep *KeyReport) error {
	detail, err := json.Marshal(map[string]any{"key": rep.Current, "resealed": rep.Resealed, "stale": rep.Stale()})
	if err != nil {
		return err
	}
	canary, err := db.tableExists(ctx, "key_canary") // before the transaction: SQLite's one writer
	if err != nil {
		return err
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := db.audit(ctx, tx, nil, action, "", "", string(detail)); err != nil {
		return err
	}
	if canary && rep.Stale() == 0 { // the canary too is sealed with the sealing key
		if _, err := tx.ExecContext(ctx, `UPDATE key_canary SET key_id = $1`, rep.Current); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// rotatePass goes once over every sealed value and answers how many it
// sealed again.
func (db *DB) rotatePass(ctx context.Context, kr ring, progress func(done, total int)) (int, error) {
	total, err := db.countSealed(ctx)
	if err != nil {
		return 0, err
	}
	seen, resealed := 0, 0
	tell := func(n int) {
		seen += n
		if progress != nil {
			progress(min(seen, total), total)
		}
	}
	n, err := db.rotateCases(ctx, kr, tell)
	resealed += n
	if err != nil {
		return resealed, err
	}
	for _, col := range sealedColumns {
		n, err := db.batches(ctx, col, true, func(tx *sql.Tx, rows [][]any) (int, error) {
			defer tell(len(rows))
			return db.resealRows(ctx, tx, kr, col, rows)
		}, nil)
		resealed += n
		if err != nil {
			return resealed, err
		}
	}
	n, err = db.rotateFiles(ctx, kr, tell)
	return resealed + n, err
}

// countSealed answers how many rows hold sealed values, for the progress.
func (db *DB) countSealed(ctx context.Context) (int, error) {
	cols := append([]sealedColumn{{"cases", "coalesce(reporter_sealed, parties_sealed)", nil, false},
		{"files", "name", nil, false}}, sealedColumns...)
	total := 0
	for _, col := range cols {
		if ok, err := db.tableExists(ctx, col.table); err != nil {
			return 0, err
		} else if !ok {
			continue
		}
		var n int
		if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM `+col.table+` WHERE `+col.column+` IS NOT NULL`).Scan(&n); err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

// resealRows seals the values of rows of col again with the sealing key,
// each only if the row still holds the value read.
func (db *DB) resealRows(ctx context.Context, tx *sql.Tx, kr ring, col sealedColumn, rows [][]any) (int, error) {
	current, n := kr.KeyID(), 0
	for _, r := range rows {
		pk, raw := r[:len(col.pk)], r[len(col.pk)]
		sealed, err := sealedBytes(col, raw)
		if err != nil {
			return n, err
		}
		if kr.KeyOf(sealed) == current {
			continue
		}
		again, err := db.reseal(col.table+"."+col.column, pk, sealed)
		if err != nil {
			return n, err
		}
		var v any = again
		if col.base64 {
			v = base64.StdEncoding.EncodeToString(again)
		}
		if _, ok := raw.([]byte); ok && col.base64 {
			v = []byte(v.(string))
		}
		var a args
		set := col.column + " = " + a.add(v)
		conds := make([]string, len(col.pk))
		for i, k := range col.pk {
			conds[i] = k + " = " + a.add(pk[i])
		}
		res, err := tx.ExecContext(ctx, `UPDATE `+col.table+` SET `+set+` WHERE `+strings.Join(conds, " AND ")+
			` AND `+col.column+` = `+a.add(raw), a...)
		if err != nil {
			return n, err
		}
		if k, err := res.RowsAffected(); err != nil {
			return n, err
		} else if k == 1 {
			n++
		}
	}
	return n, nil
}

// reseal opens sealed with the ring and seals it again with its first key.
func (db *DB) reseal(column string, pk []any, sealed []byte) ([]byte, error) {
	clear, err := db.sealer.Open(sealed)
	if err != nil {
		return nil, errors.New(pingan.Text(pingan.ZH, "backup.rotate.unreadable", column, fmt.Sprint(pk...)))
	}
	return db.sealer.Seal(clear)
}

// rotateCases seals the reporter and the parties of each case again and
// writes its blind index and petitioner_key again under the keys derived
// from the sealing key.
func (db *DB) rotateCases(ctx context.Context, kr ring, tell func(int)) (int, error) {
	col := sealedColumn{"cases", "coalesce(reporter_sealed, parties_sealed)", []string{"region", "id"}, false}
	return db.batches(ctx, col, true, func(tx *sql.Tx, rows [][]any) (int, error) {
		defer tell(len(rows))
		current, n := kr.KeyID(), 0
		for _, r := range rows {
			region, id := stringOf(r[0]), stringOf(r[1])
			var reporter, parties []byte
			if err := tx.QueryRowContext(ctx, `SELECT reporter_sealed, parties_sealed FROM cases WHERE region = $1 AND id = $2`,
				region, id).Scan(&reporter, &parties); err != nil {
				return n, err
			}
			if (reporter == nil || kr.KeyOf(reporter) == current) && (parties == nil || kr.KeyOf(parties) == current) {
				continue
			}
			ok, err := db.resealCase(ctx, tx, region, id, reporter, parties)
			if err != nil {
				return n, err
			}
			if ok {
				n++
			}
		}
		return n, nil
	}, nil)
}

// resealCase seals one case's people again if the row still holds
// reporter and parties, and writes its HMACs again.
func (db *DB) resealCase(ctx context.Context, tx *sql.Tx, region, id string, reporter, parties []byte) (bool, error) {
	pk := []any{region, id}
	var newReporter, newParties []byte
	var err error
	if reporter != nil {
		if newReporter, err = db.reseal("cases.reporter_sealed", pk, reporter); err != nil {
			return false, err
		}
	}
	if parties != nil {
		if newParties, err = db.reseal("cases.parties_sealed", pk, parties); err != nil {
			return false, err
		}
	}
	res, err := tx.ExecContext(ctx, `UPDATE cases SET reporter_sealed = $1, parties_sealed = $2
		WHERE region = $3 AND id = $4 AND reporter_sealed IS NOT DISTINCT FROM $5 AND parties_sealed IS NOT DISTINCT FROM $6`,
		newReporter, newParties, region, id, reporter, parties)
	if err != nil {
		return false, err
	}
	if k, err := res.RowsAffected(); err != nil || k == 0 {
		return false, err // written meanwhile, with its index
	}
	person, people, err := db.openPeople(sealedCase{Case: &pingan.Case{Region: region, ID: id}, reporter: reporter, parties: parties})
	if err != nil {
		return false, err
	}
	if key := db.blindKey(); key != nil {
		if _, err := tx.ExecContext(ctx, `DELETE FROM case_people WHERE region = $1 AND case_id = $2`, region, id); err != nil {
			return false, err
		}
		if err := insertMACs(ctx, tx, region, id, peopleMACs(key, person, people)); err != nil {
			return false, err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE cases SET petitioner_key = $1 WHERE region = $2 AND id = $3 AND petitioner_key IS NOT NULL`,
		db.petitionerKey(&pingan.Case{Reporter: person}), region, id); err != nil {
		return false, err
	}
	return true, nil
}

// rotateFiles seals the photos of the file store again: each under a new
// name, recorded only if the row still names the old one, which is then
// removed.
func (db *DB) rotateFiles(ctx context.Context, kr ring, tell func(int)) (int, error) {
	if db.files == nil {
		return 0, nil
	}
	col := sealedColumn{"files", "name", []string{"sum"}, false}
	var put, old []string // of the batch: the names written, the names they replace
	after := func(committed bool) {
		if committed {
			db.removeFiles(old) // sealed with the old key: nothing names them now
		} else {
			db.removeFiles(put)
		}
		put, old = nil, nil
	}
	return db.batches(ctx, col, true, func(tx *sql.Tx, rows [][]any) (int, error) {
		defer tell(len(rows))
		current, n := kr.KeyID(), 0
		for _, r := range rows {
			sum, name := stringOf(r[0]), stringOf(r[1])
			sealed, err := db.files.Get(ctx, name)
			if errors.Is(err, fs.ErrNotExist) {
				db.log.Warn("store: a kept file is missing from the file store", "file", name)
				continue
			} else if err != nil {
				return n, fmt.Errorf("files/%s: %w", name, err)
			}
			if kr.KeyOf(sealed) == current {
				continue
			}
			again, err := db.reseal("files/", []any{name}, sealed)
			if err != nil {
				return n, err
			}
			fresh := sum + "." + randomHex(8)
			if err := db.files.Put(ctx, fresh, again); err != nil {
				return n, err
			}
			put = append(put, fresh)
			res, err := tx.ExecContext(ctx, `UPDATE files SET name = $1 WHERE sum = $2 AND name = $3`, fresh, sum, name)
			if err != nil {
				return n, err
			}
			if k, err := res.RowsAffected(); err != nil {
				return n, err
			} else if k == 1 {
				old = append(old, name)
				n++
			} else { // moved meanwhile: the new copy is not named
				db.removeFiles([]string{fresh})
				put = put[:len(put)-1]
			}
		}
		return n, nil
	}, after)
}

// removeFiles removes names from the file store, logging what fails.
func (db *DB) removeFiles(names []string) {
	for _, name := range names {
		if err := db.files.Delete(context.Background(), name); err != nil {
			db.log.Warn("store: a file sealed with an old key was not removed", "file", name, "err", err)
		}
	}
}
