package store

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/pingan-gov/pingan"
)

// Every case action (案件操作) — each entry of a case's timeline, by staff,
// a citizen or the system — is also one row of the audit trail, written in
// the timeline entry's transaction (insertAction): its action is
// pingan.AuditCasePrefix + the step ("case_dispatch"), its region and case
// those of the case, its account the actor (the system's actions, with no
// account, under pingan.SystemActor; a citizen's under CitizenActor), its
// unit the actor's account's. The detail is a caseStep: the place in the
// timeline, the statuses and the units, never a note, a name or a phone.

// caseStep is the detail of a case action's audit row.
type caseStep struct {
	Seq      int    `json:"seq"`
	From     string `json:"from,omitempty"`
	To       string `json:"to"`
	FromUnit string `json:"from_unit,omitempty"`
	ToUnit   string `json:"to_unit,omitempty"`
}

// auditAction records the timeline entry a, just inserted in tx, as an
// audit row, through a statement prepared once (handle.stmt) as
// insertAction's is.
func (h *handle) auditAction(ctx context.Context, tx *sql.Tx, region string, a *pingan.Action) error {
	b, err := json.Marshal(caseStep{Seq: a.Seq, From: string(a.FromStatus), To: string(a.ToStatus), FromUnit: a.FromUnit, ToUnit: a.ToUnit})
	if err != nil {
		return err
	}
	s, err := h.stmt(ctx, tx, auditInsert)
	if err != nil {
		return err
	}
	actor := &pingan.User{ID: a.ActorID, Name: a.ActorName}
	_, err = s.ExecContext(ctx, h.auditArgs(ctx, actor, pingan.AuditCasePrefix+string(a.Action), pingan.AuditOK,
		region, a.CaseID, string(b), false)...)
	return err
}
