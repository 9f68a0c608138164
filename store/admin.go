package store

import (
	"context"
	"database/sql"

	"github.com/pingan-gov/pingan"
)

// Some data belongs to the whole deployment, not to a jurisdiction: the
// categories with their deadline policies, the holiday calendar. Only an
// administrator of the top unit — one whose jurisdiction is the whole
// tree — changes it; an administrator of a county, however senior inside
// it, does not.

// mayChangeWholeTree answers nil when actor may change data that holds for
// every unit: an administrator who sees every unit, or nil (the operator
// at the command line, the seeding). Anyone else gets deny.
func mayChangeWholeTree(ctx context.Context, tx *sql.Tx, actor *pingan.User, deny *pingan.Error) error {
	return wholeTreeAs(ctx, tx, actor, pingan.RoleAdmin, deny)
}

// wholeTreeAs is mayChangeWholeTree for the holders of role: the security
// policy is the security administrator's (security.go).
func wholeTreeAs(ctx context.Context, tx *sql.Tx, actor *pingan.User, role pingan.Role, deny *pingan.Error) error {
	if actor == nil {
		return nil
	}
	if !actor.Has(role) || actor.ScopePath == "" {
		return deny
	}
	// Every unit lies under a root: the roots outside tell.
	var outside int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM units WHERE parent_code IS NULL AND NOT `+unitIn("path", "$1"),
		likePrefix(actor.ScopePath)).Scan(&outside); err != nil {
		return err
	}
	if outside > 0 {
		return deny
	}
	return nil
}
