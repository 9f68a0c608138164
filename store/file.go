package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pingan-gov/pingan"
)

var _ pingan.FileService = (*Cases)(nil)

// Files attached to cases (photos) arrive with the report or action they
// belong to (pingan.Upload) and are kept in the same transaction: sealed
// like personal data, their content is put to the file store
// (Options.Files: a directory, or an object store) under a name of its
// own, and the database keeps which name holds which content (files, once
// per SHA-256), who brought it (uploads, 0 for a citizen) and the cases it
// is attached to (case_files). The content is put only once the report or
// action has passed its checks, and removed again when its transaction
// does not commit (filesWritten). A file reaches a case by reference only
// through attach, which lets a user attach what they brought or what is
// attached already to a case they see.

// refPrefix begins every file reference; the hex SHA-256 follows.
const refPrefix = "sha256:"

// fileNotFound is the answer for a file that is not to be had: not
// attached to the case, not kept, or the case not seen.
func fileNotFound() error {
	return pingan.E(pingan.ENOTFOUND, "file.notfound")
}

// validSum reports whether s is a hex SHA-256 as references carry it.
func validSum(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return true
}

// filesWritten are the names one report or action put to the file store:
// those of its last attempt (kept when it commits) and those of attempts
// rolled back (a group's report that lost a deadlock is written again).
type filesWritten struct {
	ctx          context.Context
	kept, undone []string
}

// attempt starts another attempt: what the last one put is undone.
func (w *filesWritten) attempt() {
	w.undone = append(w.undone, w.kept...)
	w.kept = nil
}

// finish removes from the file store what is not referred to once the
// transaction has ended with err: everything when it failed.
func (h *handle) finishFiles(w *filesWritten, err error) {
	if err != nil {
		w.attempt()
	}
	for _, name := range w.undone {
		if derr := h.files.Delete(context.WithoutCancel(w.ctx), name); derr != nil {
			h.log.Warn("store: cannot remove a file of a write that failed", "file", name, "err", derr)
		}
	}
	w.undone = nil
}

// keepPhotos keeps photos brought by actor (nil: a citizen) in tx and
// answers their references: the content of each is sealed and put to the
// file store under a new name unless the database keeps it already, and
// recorded (files, uploads). What it puts is noted in w.
func (h *handle) keepPhotos(ctx context.Context, tx *sql.Tx, actor *pingan.User, photos []pingan.Upload, w *filesWritten) ([]string, error) {
	if len(photos) == 0 {
		return nil, nil
	}
	if h.files == nil {
		return nil, errors.New("store: no file store to keep photos in (Options.Files)")
	}
	var by int64
	if actor != nil {
		by = actor.ID
	}
	now := h.dialect.ts(h.now())
	refs := make([]string, 0, len(photos))
	for _, p := range photos {
		digest := sha256.Sum256(p.Data)
		sum := hex.EncodeToString(digest[:])
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM files WHERE sum = $1`, sum).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			sealed, err := h.sealer.Seal(p.Data)
			if err != nil {
				return nil, err
			}
			name := sum + "." + randomHex(8)
			if err := h.files.Put(ctx, name, sealed); err != nil {
				return nil, err
			}
			w.kept = append(w.kept, name)
			res, err := tx.ExecContext(ctx, `INSERT INTO files (sum, name, size, stored_at) VALUES ($1, $2, $3, $4)
				ON CONFLICT (sum) DO NOTHING`, sum, name, len(p.Data), now)
			if err != nil {
				return nil, err
			}
			if k, err := res.RowsAffected(); err != nil {
				return nil, err
			} else if k == 0 { // another server kept the same content meanwhile
				w.kept = w.kept[:len(w.kept)-1]
				w.undone = append(w.undone, name)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO uploads (sum, uploaded_by, uploaded_at) VALUES ($1, $2, $3)
			ON CONFLICT (sum, uploaded_by) DO NOTHING`, sum, by, now); err != nil {
			return nil, err
		}
		refs = append(refs, refPrefix+sum)
	}
	return refs, nil
}

// randomHex answers n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return hex.EncodeToString(b)
}

// fileContent answers the content in clear of the file kept under name
// (the file store) or sealed in the row itself (rows from before
// migration 0009 not yet moved out).
func (s *Cases) fileContent(ctx context.Context, name sql.NullString, sealed []byte) ([]byte, error) {
	if name.Valid {
		if s.files == nil {
			return nil, errors.New("store: no file store to read photos from (Options.Files)")
		}
		var err error
		if sealed, err = s.files.Get(ctx, name.String); errors.Is(err, fs.ErrNotExist) {
			s.log.Warn("store: a kept file is missing from the file store", "file", name.String)
			return nil, fileNotFound()
		} else if err != nil {
			return nil, err
		}
	}
	return s.sealer.Open(sealed)
}

// CaseFile answers the content of the file with the sum attached to the
// case in the actor's jurisdiction; ENOTFOUND otherwise, the same for
// each reason.
func (s *Cases) CaseFile(ctx context.Context, actor *pingan.User, caseID, sum string) ([]byte, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	region, ok := regionOfID(caseID)
	if !ok || !validSum(sum) {
		return nil, fileNotFound()
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var name sql.NullString
	var sealed []byte
	err = tx.QueryRowContext(ctx, `SELECT f.name, f.content FROM case_files cf
		JOIN cases ON cases.region = cf.region AND cases.id = cf.case_id
		JOIN files f ON f.sum = cf.sum
		WHERE cf.region = $1 AND cf.case_id = $2 AND cf.sum = $3 AND `+caseSeen("$4", "$5"),
		region, caseID, sum, scope, unitOf(actor)).Scan(&name, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fileNotFound()
	} else if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return s.fileContent(ctx, name, sealed)
}

// errAttachments is the one answer for an attachment that may not be
// attached: the same whether a file with the sum exists or not.
func errAttachments(m pingan.Message) error {
	var v pingan.Invalid
	v.Add("attachments", m.Key, m.Args...)
	return v.Err()
}

// attach checks the references of an action or report of actor (nil: a
// citizen) on the case and records them as attached to it: each must name
// a file the actor uploaded, or one already attached to a case the actor
// sees. EINVALID names the field attachments otherwise.
func (h *handle) attach(ctx context.Context, tx *sql.Tx, actor *pingan.User, region, caseID string, refs []string) error {
	if len(refs) == 0 {
		return nil
	}
	if len(refs) > pingan.MaxAttachments {
		return errAttachments(pingan.Msg("attachment.many", pingan.MaxAttachments))
	}
	var by int64
	scope := ""
	if actor != nil {
		by = actor.ID
		s, err := scopeOf(actor)
		if err != nil {
			return err
		}
		scope = s
	}
	refused := errAttachments(pingan.Msg("attachment.refused"))
	seen := map[string]bool{}
	for _, ref := range refs {
		sum, ok := strings.CutPrefix(ref, refPrefix)
		if !ok || !validSum(sum) {
			return refused
		}
		if seen[sum] {
			continue
		}
		seen[sum] = true
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM uploads WHERE sum = $1 AND uploaded_by = $2`, sum, by).Scan(&n); err != nil {
			return err
		}
		if n == 0 && scope != "" {
			err := tx.QueryRowContext(ctx, `SELECT count(*) FROM case_files cf
				JOIN cases ON cases.region = cf.region AND cases.id = cf.case_id
				WHERE cf.sum = $1 AND `+caseIn("$2"), sum, scope).Scan(&n)
			if err != nil {
				return err
			}
		}
		if n == 0 {
			return refused
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_files (region, case_id, sum) VALUES ($1, $2, $3)
			ON CONFLICT (region, case_id, sum) DO NOTHING`, region, caseID, sum); err != nil {
			return err
		}
	}
	return nil
}

// ImportClearFiles moves the photos that versions before migration 0008
// kept in clear under dir/files/ab/abcd… to the file store, sealed, for
// every file a case refers to and the database lacks, and removes each
// clear copy once it is kept. It answers how many it moved; a missing
// clear copy is left for the logs, the case's timeline still naming it.
func (db *DB) ImportClearFiles(ctx context.Context, dir string) (int, error) {
	sums, err := columnOf(ctx, db.read, `SELECT DISTINCT sum FROM case_files
		WHERE NOT EXISTS (SELECT 1 FROM files WHERE files.sum = case_files.sum)`)
	if err != nil {
		return 0, err
	}
	moved := 0
	for _, sum := range sums {
		if !validSum(sum) {
			continue
		}
		path := filepath.Join(dir, "files", sum[:2], sum)
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			db.log.Warn("store: an attached file is missing from the data directory", "file", sum)
			continue
		} else if err != nil {
			return moved, err
		}
		if h := sha256.Sum256(data); hex.EncodeToString(h[:]) != sum {
			db.log.Warn("store: an attached file's content does not match its name; left in place", "file", path)
			continue
		}
		sealed, err := db.sealer.Seal(data)
		if err != nil {
			return moved, err
		}
		if err := db.moveOut(ctx, sum, sealed, `INSERT INTO files (sum, name, size, stored_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (sum) DO NOTHING`, len(data), db.dialect.ts(db.now())); err != nil {
			return moved, err
		}
		if err := os.Remove(path); err != nil {
			return moved, err
		}
		moved++
	}
	if moved > 0 {
		db.log.Info("photos moved from the data directory to the file store, sealed", "files", moved)
	}
	return moved, nil
}

// MoveFilesOut moves the sealed content that rows from before migration
// 0009 keep in the database to the file store, one file at a time, and
// answers how many it moved. A server moves them at start; until then
// they are read where they are.
func (db *DB) MoveFilesOut(ctx context.Context) (int, error) {
	if db.files == nil {
		return 0, nil
	}
	sums, err := columnOf(ctx, db.read, `SELECT sum FROM files WHERE content IS NOT NULL`)
	if err != nil {
		return 0, err
	}
	moved := 0
	for _, sum := range sums {
		var sealed []byte
		err := db.read.QueryRowContext(ctx, `SELECT content FROM files WHERE sum = $1 AND content IS NOT NULL`, sum).Scan(&sealed)
		if errors.Is(err, sql.ErrNoRows) {
			continue // moved by another server meanwhile
		} else if err != nil {
			return moved, err
		}
		if err := db.moveOut(ctx, sum, sealed, `UPDATE files SET name = $2, content = NULL
			WHERE sum = $1 AND content IS NOT NULL`); err != nil {
			return moved, err
		}
		moved++
	}
	if moved > 0 {
		db.log.Info("photos moved from the database to the file store, sealed", "files", moved)
	}
	return moved, nil
}

// moveOut puts sealed to the file store under a new name and records it
// with the statement q ($1 sum, $2 name, then more); the content is
// removed from the file store again when q fails or changes no row.
func (db *DB) moveOut(ctx context.Context, sum string, sealed []byte, q string, more ...any) error {
	name := sum + "." + randomHex(8)
	if err := db.files.Put(ctx, name, sealed); err != nil {
		return err
	}
	res, err := db.write.ExecContext(ctx, q, append([]any{sum, name}, more...)...)
	var n int64
	if err == nil {
		n, err = res.RowsAffected()
	}
	if err != nil || n == 0 {
		if derr := db.files.Delete(ctx, name); derr != nil {
			db.log.Warn("store: cannot remove a file not recorded", "file", name, "err", derr)
		}
	}
	return err
}

// columnOf answers the one text column of the rows of q, run by q's
// runner (a transaction, or the readers).
func columnOf(ctx context.Context, r rowsQueryer, q string, a ...any) ([]string, error) {
	rows, err := r.QueryContext(ctx, q, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// rowsQueryer is a transaction or a database.
type rowsQueryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}
