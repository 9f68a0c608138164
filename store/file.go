package store

import (
	"context"
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

var _ pingan.FileService = (*DB)(nil)

// Files attached to cases (photos) are kept in the database, sealed like
// personal data: files holds each content once by its SHA-256, uploads who
// uploaded it (0 for a citizen), case_files the cases it is attached to.
// A file reaches a case only through attach, which lets a user attach what
// they uploaded or what is attached already to a case they see.

// maxFileBytes bounds a file's content; the web takes photos up to 5 MB.
const maxFileBytes = 8 << 20

// refPrefix begins every file reference; the hex SHA-256 follows.
const refPrefix = "sha256:"

// fileNotFound is the answer for a file that is not to be had: not
// attached to the case, not kept, or the case not seen.
func fileNotFound() error {
	return pingan.Errorf(pingan.ENOTFOUND, "文件不存在 (file not found)")
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

// Upload keeps data sealed, once per content, records that actor (nil: a
// citizen) uploaded it, and answers its reference.
func (db *DB) Upload(ctx context.Context, actor *pingan.User, data []byte) (string, error) {
	var by int64
	if actor != nil {
		if _, err := scopeOf(actor); err != nil {
			return "", err
		}
		by = actor.ID
	}
	if len(data) == 0 || len(data) > maxFileBytes {
		return "", &pingan.Error{Code: pingan.EINVALID, Message: "输入有误，请检查标出的字段 (invalid input)",
			Fields: map[string]string{"file": "文件为空或超过 8 MB (empty, or larger than 8 MB)"}}
	}
	h := sha256.Sum256(data)
	sum := hex.EncodeToString(h[:])
	now := db.dialect.ts(db.now())
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM files WHERE sum = $1`, sum).Scan(&n); err != nil {
		return "", err
	}
	if n == 0 {
		sealed, err := db.sealer.Seal(data)
		if err != nil {
			return "", err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO files (sum, content, size, stored_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (sum) DO NOTHING`, sum, sealed, len(data), now); err != nil {
			return "", err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO uploads (sum, uploaded_by, uploaded_at) VALUES ($1, $2, $3)
		ON CONFLICT (sum, uploaded_by) DO NOTHING`, sum, by, now); err != nil {
		return "", err
	}
	return refPrefix + sum, tx.Commit()
}

// CaseFile answers the content of the file with the sum attached to the
// case in the actor's jurisdiction; ENOTFOUND otherwise, the same for
// each reason.
func (db *DB) CaseFile(ctx context.Context, actor *pingan.User, caseID, sum string) ([]byte, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	region, ok := regionOfID(caseID)
	if !ok || !validSum(sum) {
		return nil, fileNotFound()
	}
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var sealed []byte
	err = tx.QueryRowContext(ctx, `SELECT f.content FROM case_files cf
		JOIN cases ON cases.region = cf.region AND cases.id = cf.case_id
		JOIN files f ON f.sum = cf.sum
		WHERE cf.region = $1 AND cf.case_id = $2 AND cf.sum = $3 AND `+visibleTo(4),
		region, caseID, sum, scope).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fileNotFound()
	} else if err != nil {
		return nil, err
	}
	data, err := db.sealer.Open(sealed)
	if err != nil {
		return nil, err
	}
	return data, tx.Commit()
}

// errAttachments is the one answer for an attachment that may not be
// attached: the same whether a file with the sum exists or not.
func errAttachments(msg string) error {
	return &pingan.Error{Code: pingan.EINVALID, Message: "输入有误，请检查标出的字段 (invalid input)",
		Fields: map[string]string{"attachments": msg}}
}

// attach checks the references of an action or report of actor (nil: a
// citizen) on the case and records them as attached to it: each must name
// a file the actor uploaded, or one already attached to a case the actor
// sees. EINVALID names the field attachments otherwise.
func (db *DB) attach(ctx context.Context, tx *sql.Tx, actor *pingan.User, region, caseID string, refs []string) error {
	if len(refs) == 0 {
		return nil
	}
	if len(refs) > pingan.MaxAttachments {
		return errAttachments("附件过多，至多 20 个 (at most 20 attachments)")
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
	refused := errAttachments("附件须是您本人上传的文件，或您可见案件中已有的附件 (an attachment must be a file you uploaded, or one of a case you can see)")
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
				WHERE cf.sum = $1 AND `+visibleTo(2), sum, scope).Scan(&n)
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

// ImportClearFiles moves the photos that earlier versions kept in clear
// under dir/files/ab/abcd… into the database, sealed, for every file a
// case refers to and the database lacks, and removes each clear copy once
// it is kept. It answers how many it moved; a missing clear copy is left
// for the logs, the case's timeline still naming it.
func (db *DB) ImportClearFiles(ctx context.Context, dir string) (int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT sum FROM case_files
		WHERE NOT EXISTS (SELECT 1 FROM files WHERE files.sum = case_files.sum)`)
	if err != nil {
		return 0, err
	}
	var sums []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return 0, err
		}
		if validSum(s) {
			sums = append(sums, s)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	moved := 0
	for _, sum := range sums {
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
		if _, err := db.write.ExecContext(ctx, `INSERT INTO files (sum, content, size, stored_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (sum) DO NOTHING`, sum, sealed, len(data), db.dialect.ts(db.now())); err != nil {
			return moved, err
		}
		if err := os.Remove(path); err != nil {
			return moved, err
		}
		moved++
	}
	if moved > 0 {
		db.log.Info("photos moved from the data directory into the database, sealed", "files", moved)
	}
	return moved, nil
}
