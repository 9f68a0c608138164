package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/pingan-gov/pingan"
)

// Jurisdiction (辖区). Every unit has a materialised path
// (/620000/620900/620902/); a subtree is the LIKE pattern of its path
// (likePrefix, wildcards escaped), and a user's jurisdiction is the
// subtree of their scope (scopeOf). Every query that answers cases or
// units carries one of the two predicates below, with the pattern as a
// parameter, so that what lies outside answers not_found exactly like
// what does not exist, and "a case in a subtree" means one thing
// everywhere: in a user's jurisdiction, in a unit's list, in its
// statistics.

// caseIn is the condition that a case (of the table cases, unqualified)
// lies in the subtree whose LIKE pattern is the parameter p ("$3"): it
// happened there, is held there (its centre), or is assigned there (who
// must act).
func caseIn(p string) string {
	return `(unit_path LIKE ` + p + ` ESCAPE '\' OR holding_path LIKE ` + p + ` ESCAPE '\' OR assigned_path LIKE ` + p + ` ESCAPE '\')`
}

// unitIn is the condition that the unit whose path is the column col lies
// in the subtree whose LIKE pattern is the parameter p.
func unitIn(col, p string) string {
	return col + ` LIKE ` + p + ` ESCAPE '\'`
}

// unitInScope answers the unit with the code inside the subtree of the
// LIKE pattern scope; ENOTFOUND, the same as for no such unit, otherwise.
func unitInScope(ctx context.Context, q queryer, code, scope string) (*pingan.Unit, error) {
	u, err := scanUnit(q.QueryRowContext(ctx, `SELECT `+unitColumns+` FROM units WHERE code = $1 AND `+unitIn("path", "$2"), code, scope))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errUnitNotFound(code)
	}
	return u, err
}

// queryer is a transaction or a database.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// readSeen opens a read transaction and loads the case with id in the
// actor's jurisdiction, or assisted now by the actor's unit (协办,
// cohandle.go): ENOTFOUND, the same as for no such case, otherwise. The
// caller rolls the transaction back (or commits it).
func (h *handle) readSeen(ctx context.Context, actor *pingan.User, id string) (*sql.Tx, sealedCase, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, sealedCase{}, err
	}
	tx, err := h.beginRead(ctx)
	if err != nil {
		return nil, sealedCase{}, err
	}
	sc, err := h.loadCaseAs(ctx, tx, scope, unitOf(actor), id, false) // or assisted by the actor's unit (协办)
	if err != nil {
		tx.Rollback()
		return nil, sealedCase{}, err
	}
	return tx, sc, nil
}
