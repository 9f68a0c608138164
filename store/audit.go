package store

import (
	"context"
	"database/sql"

	"github.com/pingan-gov/pingan"
)

var _ pingan.AuditService = (*DB)(nil)

// audit records that actor did action (read_personal, …) on a case.
func (db *DB) audit(ctx context.Context, tx *sql.Tx, actor *pingan.User, action, region, caseID, detail string) error {
	var id int64
	var name string
	if actor != nil {
		id, name = actor.ID, actor.Name
		if name == "" {
			name = actor.Username
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit (region, logged_at, user_id, user_name, action, case_id, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, region, db.dialect.ts(db.now()), id, name, action, caseID, detail)
	return err
}

// Audit answers the audit entries of a case, oldest first. It does not
// check a jurisdiction: the caller decides who may read the audit log.
func (db *DB) Audit(ctx context.Context, caseID string) ([]*pingan.AuditEntry, error) {
	region, ok := regionOfID(caseID)
	if !ok {
		return nil, errCaseNotFound(caseID)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, logged_at, user_id, user_name, action, case_id, detail
		FROM audit WHERE region = $1 AND case_id = $2 ORDER BY id`, region, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.AuditEntry
	for rows.Next() {
		var e pingan.AuditEntry
		var at stamp
		if err := rows.Scan(&e.ID, &at, &e.UserID, &e.User, &e.Action, &e.CaseID, &e.Detail); err != nil {
			return nil, err
		}
		e.At = at.T
		out = append(out, &e)
	}
	return out, rows.Err()
}
