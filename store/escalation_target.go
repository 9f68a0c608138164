package store

import (
	"context"
	"database/sql"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/workflow"
)

// escalationTarget answers the unit case c rises to when actor escalates it
// (上报上级; actor nil: the deadline watch), nil at the top of the tree. It is
// the one way the store finds that unit — for an escalation by hand (env),
// for the deadline watch (EscalateDue, through env) and for the page that
// shows the target before the escalation is confirmed (EscalationTarget).
// The rule itself is workflow.EscalationTarget (docs/escalation.md); here
// each unit working on the case is taken as the administrative unit it
// serves: the holding unit, the assigned unit, and the actor's own unit.
func escalationTarget(ctx context.Context, tx *sql.Tx, c *pingan.Case, actor *pingan.User) (*pingan.Unit, error) {
	codes := []string{c.HoldingUnit, c.AssignedUnit}
	if actor != nil {
		codes = append(codes, actor.UnitCode)
	}
	var working []string
	for _, code := range codes {
		if code == "" {
			continue
		}
		u, err := unitByCode(ctx, tx, code)
		if err != nil {
			return nil, err
		}
		if u == nil {
			continue
		}
		if u, err = adminUnit(ctx, tx, u); err != nil {
			return nil, err
		}
		if u != nil {
			working = append(working, u.Path)
		}
	}
	code := workflow.TargetCode(workflow.EscalationTarget(working...))
	if code == "" {
		return nil, nil
	}
	return unitByCode(ctx, tx, code)
}

// EscalationTarget answers the unit the case with id would rise to if the
// actor escalated it now, nil when it stands at the top of the tree: what
// the case page shows before the escalation is confirmed. ENOTFOUND outside
// the actor's jurisdiction.
func (s *Cases) EscalationTarget(ctx context.Context, actor *pingan.User, id string) (*pingan.Unit, error) {
	tx, sc, err := s.readSeen(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	u, err := escalationTarget(ctx, tx, sc.Case, actor)
	if err != nil {
		return nil, err
	}
	return u, tx.Commit()
}
