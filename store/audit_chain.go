package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/pingan-gov/pingan"
)

// The chain of the audit trail (审计链). Services write their rows
// unchained (seq NULL, handle.auditRow) in their own transactions; Chain
// links them afterwards, in id order, in one transaction that holds the one
// head row of audit_chain, so that only one chainer runs at a time (across
// processes too) and no writer ever waits on the head. Each chained row
// carries seq = the head's + 1, prev_hash = the head's hash and hash =
// SHA-256 over rowHash's encoding of seq, prev_hash and every column.

// chainBatch is how many rows Chain links, and Verify reads, at a time.
const chainBatch = 500

// auditPrune is the action of the row Prune writes.
const auditPrune = "audit_prune"

// chainedRow is an audit row with every column the hash covers.
type chainedRow struct {
	pingan.AuditRecord
	Region   string
	PrevHash string
	Hash     string
}

// auditColumns are the columns chainedRow.scan reads, in its order.
const auditColumns = `id, COALESCE(seq, 0), region, logged_at, user_id, user_name, action, case_id, detail, masked,
	unit_code, source, request_id, result, prev_hash, hash`

func (r *chainedRow) scan(sc interface{ Scan(...any) error }) error {
	var at stamp
	if err := sc.Scan(&r.ID, &r.Seq, &r.Region, &at, &r.UserID, &r.User, &r.Action, &r.CaseID, &r.Detail, &r.Masked,
		&r.Unit, &r.Source, &r.RequestID, &r.Result, &r.PrevHash, &r.Hash); err != nil {
		return err
	}
	r.At = at.T
	return nil
}

// rowHash answers the hex SHA-256 of the row at seq after prev: every
// field length-prefixed (8 bytes, big-endian), so that no two rows encode
// alike, and the time in UTC to the millisecond, as both dialects keep it.
func rowHash(seq int64, prev string, r *chainedRow) string {
	masked := "0"
	if r.Masked {
		masked = "1"
	}
	h := sha256.New()
	var n [8]byte
	for _, f := range []string{strconv.FormatInt(seq, 10), prev, strconv.FormatInt(r.ID, 10), r.Region,
		r.At.UTC().Truncate(time.Millisecond).Format(timeLayout), strconv.FormatInt(r.UserID, 10), r.User, r.Action,
		r.CaseID, r.Detail, masked, r.Unit, r.Source, r.RequestID, r.Result} {
		binary.BigEndian.PutUint64(n[:], uint64(len(f)))
		h.Write(n[:])
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// chainHead is the row of audit_chain.
type chainHead struct {
	Seq       int64
	Hash      string
	StartSeq  int64
	StartHash string
}

// lockHead reads the chain's head in tx, locked until tx ends (PostgreSQL;
// SQLite has one writer).
func (h *handle) lockHead(ctx context.Context, tx *sql.Tx) (chainHead, error) {
	var c chainHead
	err := tx.QueryRowContext(ctx, `SELECT seq, hash, start_seq, start_hash FROM audit_chain WHERE id = 1`+h.dialect.forUpdate()).
		Scan(&c.Seq, &c.Hash, &c.StartSeq, &c.StartHash)
	return c, err
}

// Chain links every row written so far, batch after batch, and answers how
// many it linked.
func (s *Audit) Chain(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := s.chainBatch(ctx)
		total += n
		if err != nil || n < chainBatch {
			return total, err
		}
	}
}

// chainBatch links up to chainBatch unchained rows in one transaction.
func (s *Audit) chainBatch(ctx context.Context) (int, error) {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	head, err := s.lockHead(ctx, tx)
	if err != nil {
		return 0, err
	}
	n, err := s.linkUnchained(ctx, tx, &head)
	if err != nil || n == 0 {
		return 0, err
	}
	return n, tx.Commit()
}

// linkUnchained links up to chainBatch unchained rows after head in tx,
// which holds the head, and moves head on.
func (s *Audit) linkUnchained(ctx context.Context, tx *sql.Tx, head *chainHead) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit WHERE seq IS NULL ORDER BY id LIMIT $1`, chainBatch)
	if err != nil {
		return 0, err
	}
	var batch []*chainedRow
	for rows.Next() {
		r := new(chainedRow)
		if err := r.scan(rows); err != nil {
			rows.Close()
			return 0, err
		}
		batch = append(batch, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(batch) == 0 {
		return 0, err
	}
	for _, r := range batch {
		seq := head.Seq + 1
		hash := rowHash(seq, head.Hash, r)
		if _, err := tx.ExecContext(ctx, `UPDATE audit SET seq = $1, prev_hash = $2, hash = $3 WHERE region = $4 AND id = $5`,
			seq, head.Hash, hash, r.Region, r.ID); err != nil {
			return 0, err
		}
		head.Seq, head.Hash = seq, hash
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_chain SET seq = $1, hash = $2 WHERE id = 1`, head.Seq, head.Hash); err != nil {
		return 0, err
	}
	return len(batch), nil
}

// Anchor writes the chain's head to audit_anchors once a day (每日锚点):
// it answers the anchor and true when it wrote one now, false when today's
// is written already or nothing is chained yet.
func (s *Audit) Anchor(ctx context.Context) (pingan.AuditAnchor, bool, error) {
	now := s.now()
	day, err := time.ParseInLocation(pingan.DayLayout, pingan.Day(now), cst)
	if err != nil {
		return pingan.AuditAnchor{}, false, err
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return pingan.AuditAnchor{}, false, err
	}
	defer tx.Rollback()
	head, err := s.lockHead(ctx, tx)
	if err != nil || head.Seq == 0 {
		return pingan.AuditAnchor{}, false, err
	}
	var today int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_anchors WHERE anchored_at >= $1`, s.dialect.ts(day)).Scan(&today); err != nil {
		return pingan.AuditAnchor{}, false, err
	}
	if today > 0 {
		return pingan.AuditAnchor{}, false, nil
	}
	a := pingan.AuditAnchor{Seq: head.Seq, Hash: head.Hash, At: now}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_anchors (seq, hash, anchored_at) VALUES ($1, $2, $3)
		ON CONFLICT (seq) DO UPDATE SET anchored_at = excluded.anchored_at`, a.Seq, a.Hash, s.dialect.ts(now)); err != nil {
		return pingan.AuditAnchor{}, false, err
	}
	return a, true, tx.Commit()
}

// ChainBreak names the first row where the chain does not hold.
type ChainBreak struct {
	Seq  int64
	Kind string // "edited", "missing", "link", "anchor", "head"
	Why  string // in English, for the operator
}

// Verification is what Verify found.
type Verification struct {
	StartSeq  int64 // the last pruned row; the walk starts after it
	HeadSeq   int64
	Checked   int64 // chained rows walked
	Unchained int64 // rows not yet chained
	Anchors   int   // anchors checked against the chain
	Break     *ChainBreak
}

// Verify walks the chain by seq, chainBatch rows at a time, recomputing
// each row's hash and its link to the row before, checks the stored
// anchors and extra (from the log) against it, and answers the first
// break, if any. progress, if set, is called after each batch.
func (s *Audit) Verify(ctx context.Context, extra []pingan.AuditAnchor, progress func(checked, head int64)) (Verification, error) {
	var v Verification
	var head chainHead
	if err := s.read.QueryRowContext(ctx, `SELECT seq, hash, start_seq, start_hash FROM audit_chain WHERE id = 1`).
		Scan(&head.Seq, &head.Hash, &head.StartSeq, &head.StartHash); err != nil {
		return v, err
	}
	v.StartSeq, v.HeadSeq = head.StartSeq, head.Seq
	if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit WHERE seq IS NULL`).Scan(&v.Unchained); err != nil {
		return v, err
	}
	anchors, err := s.anchors(ctx)
	if err != nil {
		return v, err
	}
	anchors = append(anchors, extra...)
	want := map[int64][]string{} // seq → the hashes anchored there
	for _, a := range anchors {
		switch {
		case a.Seq < head.StartSeq: // pruned
		case a.Seq == head.StartSeq && a.Seq > 0 && a.Hash != head.StartHash:
			v.Break = &ChainBreak{Seq: a.Seq, Kind: "anchor", Why: "the anchor's hash differs from where the chain starts"}
			return v, nil
		case a.Seq > head.Seq:
			v.Break = &ChainBreak{Seq: a.Seq, Kind: "anchor", Why: "an anchor lies beyond the chain's head: rows at its end were removed"}
			return v, nil
		default:
			want[a.Seq] = append(want[a.Seq], a.Hash)
		}
		v.Anchors++
	}
	expect, prev := head.StartSeq+1, head.StartHash
	for expect <= head.Seq {
		rows, err := s.read.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT $3`,
			expect, head.Seq, chainBatch)
		if err != nil {
			return v, err
		}
		n := 0
		for rows.Next() && v.Break == nil {
			var r chainedRow
			if err := r.scan(rows); err != nil {
				rows.Close()
				return v, err
			}
			n++
			v.Break = checkRow(&r, expect, prev, want[r.Seq])
			expect, prev = r.Seq+1, r.Hash
			v.Checked++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return v, err
		}
		if v.Break != nil {
			return v, nil
		}
		if progress != nil {
			progress(v.Checked, head.Seq)
		}
		if n == 0 {
			v.Break = &ChainBreak{Seq: expect, Kind: "missing", Why: "the row is missing: deleted"}
			return v, nil
		}
	}
	if prev != head.Hash {
		v.Break = &ChainBreak{Seq: head.Seq, Kind: "head", Why: "the chain's head names another hash than its last row's"}
	}
	return v, nil
}

// checkRow answers the break at r, the row found where seq expect was due
// after a row hashed prev, or nil if it holds.
func checkRow(r *chainedRow, expect int64, prev string, anchored []string) *ChainBreak {
	switch {
	case r.Seq != expect:
		return &ChainBreak{Seq: expect, Kind: "missing", Why: fmt.Sprintf("the row is missing (deleted); the next row is seq %d", r.Seq)}
	case rowHash(r.Seq, r.PrevHash, r) != r.Hash:
		return &ChainBreak{Seq: r.Seq, Kind: "edited", Why: fmt.Sprintf("the row's hash differs from its content (audit id %d edited or moved)", r.ID)}
	case r.PrevHash != prev:
		return &ChainBreak{Seq: r.Seq, Kind: "link", Why: "the row links to another hash than the row before it: a row was removed or reordered"}
	}
	for _, a := range anchored {
		if a != r.Hash {
			return &ChainBreak{Seq: r.Seq, Kind: "anchor", Why: "the row's hash differs from the anchor written of it"}
		}
	}
	return nil
}

// anchors answers the stored anchors, oldest first.
func (s *Audit) anchors(ctx context.Context) ([]pingan.AuditAnchor, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT seq, hash, anchored_at FROM audit_anchors ORDER BY seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pingan.AuditAnchor
	for rows.Next() {
		var a pingan.AuditAnchor
		var at stamp
		if err := rows.Scan(&a.Seq, &a.Hash, &at); err != nil {
			return nil, err
		}
		a.At = at.T
		out = append(out, a)
	}
	return out, rows.Err()
}

// pruneEvent is the detail of Prune's own row.
type pruneEvent struct {
	Before   string `json:"before"`
	Rows     int64  `json:"rows"`
	StartSeq int64  `json:"start_seq"`
}

// Prune deletes the chained rows logged before the day before (a date in
// China Standard Time) from the start of the chain, in one transaction, and
// records where the chain now starts (the last pruned row's seq and hash)
// so that Verify still holds; it writes a row of its own (audit_prune).
// months is the retention, at least pingan.AuditRetentionMonths; a day
// within it is refused (EINVALID naming "before", or "retention").
func (s *Audit) Prune(ctx context.Context, before string, months int) (int64, error) {
	if months < pingan.AuditRetentionMonths {
		return 0, pingan.Invalidf("retention", "audit.retention.bad", pingan.AuditRetentionMonths)
	}
	day, err := time.ParseInLocation(pingan.DayLayout, before, cst)
	if err != nil {
		return 0, pingan.Invalidf("before", "audit.before.bad")
	}
	today, _ := time.ParseInLocation(pingan.DayLayout, pingan.Day(s.now()), cst)
	if limit := today.AddDate(0, -months, 0); day.After(limit) {
		return 0, pingan.Invalidf("before", "audit.before.recent", months, limit.Format(pingan.DayLayout))
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	head, err := s.lockHead(ctx, tx)
	if err != nil {
		return 0, err
	}
	// The chain is cut at the last row before the first one that stays,
	// so that what is left is one unbroken run from start_seq.
	last := head.Seq
	var keep sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT MIN(seq) FROM audit WHERE seq > $1 AND logged_at >= $2`,
		head.StartSeq, s.dialect.ts(day)).Scan(&keep); err != nil {
		return 0, err
	}
	if keep.Valid {
		last = keep.Int64 - 1
	}
	var n int64
	if last > head.StartSeq {
		var hash string
		if err := tx.QueryRowContext(ctx, `SELECT hash FROM audit WHERE seq = $1`, last).Scan(&hash); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return 0, fmt.Errorf("store: audit row seq %d is missing; run pingan audit verify", last)
			}
			return 0, err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM audit WHERE seq > $1 AND seq <= $2`, head.StartSeq, last)
		if err != nil {
			return 0, err
		}
		if n, err = res.RowsAffected(); err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE audit_chain SET start_seq = $1, start_hash = $2 WHERE id = 1`, last, hash); err != nil {
			return 0, err
		}
		head.StartSeq = last
	}
	b, err := json.Marshal(pruneEvent{Before: before, Rows: n, StartSeq: head.StartSeq})
	if err != nil {
		return 0, err
	}
	if err := s.auditRow(ctx, tx, nil, auditPrune, pingan.AuditOK, "", "", string(b), false); err != nil {
		return 0, err
	}
	return n, tx.Commit()
}
