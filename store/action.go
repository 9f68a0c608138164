package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/workflow"
)

// Act applies one lifecycle action to a case in the actor's jurisdiction:
// it loads the case (locking its row on PostgreSQL), fills workflow.Env from
// the database, calls workflow.Apply, and writes the case's new state (if
// its version is unchanged) and the timeline entry in one transaction,
// with what a dispute's mediation recorded beside the row (a session, an
// agreement and its terms, a term's performance, a visit; the parties an
// accept gives), mediation.go. The answer has its personal data masked.
//
// A refusal (EFORBIDDEN, ECONFLICT) is written to the audit log: in the
// same transaction when the workflow refuses, in one of its own when the
// actor has no jurisdiction or the case changed meanwhile.
func (s *Cases) Act(ctx context.Context, actor *pingan.User, id string, in pingan.ActionInput) (*pingan.Case, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, s.refusedAlone(ctx, actor, id, in, "", err)
	}
	var v pingan.Invalid
	pingan.CheckPhotos(&v, "photos", in.Photos)
	checkActParties(&v, &in) // a dispute's parties, on accept (mediation.go)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if pairAction(in.Action) { // merge, link, unlink: two cases (merge.go)
		return s.actPair(ctx, actor, scope, id, in)
	}
	w := &filesWritten{ctx: ctx}
	c, err := s.act(ctx, actor, scope, id, in, w)
	s.finishFiles(w, err)
	return c, err
}

// act is Act in one transaction; the photos it keeps are noted in w.
func (s *Cases) act(ctx context.Context, actor *pingan.User, scope, id string, in pingan.ActionInput, w *filesWritten) (*pingan.Case, error) {
	now := s.now()
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	sc, err := s.loadCaseAs(ctx, tx, scope, unitOf(actor), id, true)
	if err != nil {
		return nil, err
	}
	c := sc.Case
	env, err := s.env(ctx, tx, c, actor, in, now)
	if err != nil {
		return nil, err
	}
	old := c.Version
	doc, err := s.documentToIssue(ctx, tx, actor, c, in) // a petition's document, known before the step (petition_doc.go)
	if err != nil {
		return nil, err
	}
	act, err := workflow.Apply(c, actor, in, env)
	if err != nil {
		return nil, s.refused(ctx, tx, actor, id, in, c.Status, err)
	}
	if err := doc.free(ctx, tx, in); err != nil {
		tx.Rollback() // before another transaction on SQLite's one writer
		return nil, s.refusedAlone(ctx, actor, id, in, c.Status, err)
	}
	if act != nil {
		refs, err := s.keepPhotos(ctx, tx, actor, in.Photos, w)
		if err != nil {
			return nil, err
		}
		act.Attachments = append(act.Attachments, refs...)
		if err := s.attach(ctx, tx, actor, c.Region, c.ID, act.Attachments); err != nil {
			return nil, err
		}
	}
	if err := s.save(ctx, tx, c, old, act, now); err != nil {
		tx.Rollback() // before another transaction on SQLite's one writer
		return nil, s.refusedAlone(ctx, actor, id, in, c.Status, err)
	}
	// What a dispute's mediation recorded beside the row (mediation.go).
	if err := s.writeMediation(ctx, tx, actor, c, act, in, now); err != nil {
		return nil, err
	}
	// A petition's document and its delivery (petition_doc.go).
	if err := s.writePetition(ctx, tx, actor, c, act, in, doc, now); err != nil {
		return nil, err
	}
	if len(in.Parties) > 0 {
		if err := s.replaceParties(ctx, tx, &sc, in.Parties); err != nil {
			return nil, err
		}
	}
	return s.committed(tx, sc, c, actor)
}

// committed commits tx, which acted on the case c read as sc, and answers c
// opened for the actor, with the actions they may take now.
func (s *Cases) committed(tx *sql.Tx, sc sealedCase, c *pingan.Case, actor *pingan.User) (*pingan.Case, error) {
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	if err := s.open(sc, true); err != nil {
		return nil, err
	}
	c.AllowedActions = workflow.Allowed(c, actor)
	return c, nil
}

// refusal is the detail of an action_refused audit row.
type refusal struct {
	Action string `json:"action"`
	Status string `json:"status,omitempty"` // the case's status when refused
	Code   string `json:"code"`             // forbidden or conflict
	Reason string `json:"reason"`
	Source string `json:"source,omitempty"`
}

// refusing reports whether err is a refusal to audit: 403 or 409.
func refusing(err error) bool {
	code := pingan.ErrorCode(err)
	return code == pingan.EFORBIDDEN || code == pingan.ECONFLICT
}

// refused answers err, having written it to the audit log and committed tx
// when it is a refusal of the action in on case id. A failure to write the
// audit row is logged: the refusal stands either way.
func (s *Cases) refused(ctx context.Context, tx *sql.Tx, actor *pingan.User, id string, in pingan.ActionInput, status pingan.Status, err error) error {
	if !refusing(err) {
		return err
	}
	region, _ := regionOfID(id)
	b, aerr := json.Marshal(refusal{Action: string(in.Action), Status: string(status), Code: pingan.ErrorCode(err),
		Reason: pingan.ErrorText(err, pingan.ZH), Source: pingan.SourceFromContext(ctx)})
	if aerr == nil {
		aerr = s.audit(ctx, tx, actor, auditActionRefused, region, id, string(b))
	}
	if aerr == nil {
		aerr = tx.Commit()
	}
	if aerr != nil {
		s.log.Warn("store: cannot audit a refused action", "case", id, "action", in.Action, "err", aerr)
	}
	return err
}

// refusedAlone is refused in a transaction of its own.
func (s *Cases) refusedAlone(ctx context.Context, actor *pingan.User, id string, in pingan.ActionInput, status pingan.Status, err error) error {
	if !refusing(err) {
		return err
	}
	tx, terr := s.beginWrite(ctx)
	if terr != nil {
		s.log.Warn("store: cannot audit a refused action", "case", id, "action", in.Action, "err", terr)
		return err
	}
	defer tx.Rollback()
	return s.refused(ctx, tx, actor, id, in, status, err)
}

// env looks up what the action in needs: the category's policy (the
// corrected category's on accept), the target of an escalation
// (escalationTarget, the one rule for people and for the deadline watch,
// which calls env with no actor), the target of a dispatch if it lies in
// the actor's jurisdiction (nil otherwise, which workflow answers as a bad
// to_unit), and for a dispute the terms of its agreement or the days to
// its follow-up visit (mediationEnv).
func (s *Cases) env(ctx context.Context, tx *sql.Tx, c *pingan.Case, actor *pingan.User, in pingan.ActionInput, now time.Time) (workflow.Env, error) {
	env := workflow.Env{Now: now, Calendar: s.calendarNow()}
	cat, err := categoryByCode(ctx, tx, c.Category)
	if err != nil {
		return env, err
	}
	if cat != nil {
		env.Policy = cat.Policy
	}
	switch in.Action {
	case pingan.ActAccept:
		if env.Holding, err = s.lookupUnit(ctx, tx, c.HoldingUnit); err != nil { // names who took it first (workflow.takenBy)
			return env, err
		}
		if code := strings.TrimSpace(in.Category); code != "" && code != c.Category {
			nc, err := categoryByCode(ctx, tx, code)
			if err != nil {
				return env, err
			}
			if nc != nil {
				env.Category, env.Policy = nc, nc.Policy
			}
		}
	case pingan.ActEscalate:
		if env.Parent, err = escalationTarget(ctx, tx, c, actor); err != nil {
			return env, err
		}
	case pingan.ActRectifyOrder: // the party's department (hazard.go)
		if err := s.hazardEnv(ctx, tx, actor, in, &env); err != nil {
			return env, err
		}
	case pingan.ActDispatch:
		if code := strings.TrimSpace(in.ToUnit); code != "" {
			u, err := unitByCode(ctx, tx, code)
			if err != nil {
				return env, err
			}
			if u != nil && (actor == nil || actor.Sees(u.Path)) {
				env.ToUnit = u
			}
		}
		if env.AssistUnits, err = s.assistUnits(ctx, tx, actor, in.AssistUnits); err != nil { // 协办
			return env, err
		}
	}
	// A dispute's agreement and rules (mediation.go).
	if err := mediationEnv(ctx, tx, c, in.Action, &env); err != nil {
		return env, err
	}
	// A petition's document, review unit or leader (petition_doc.go).
	if err := s.petitionEnv(ctx, tx, c, in, &env); err != nil {
		return env, err
	}
	return env, nil
}

// save writes the new state of c (read at version old) and appends act to
// its timeline.
func (h *handle) save(ctx context.Context, tx *sql.Tx, c *pingan.Case, old int, act *pingan.Action, now time.Time) error {
	c.Version, c.UpdatedAt = old+1, now
	var seq int
	if act != nil {
		var err error
		if seq, err = nextSeq(ctx, tx, c.Region, c.ID); err != nil {
			return err
		}
	}
	if h.beforeCaseUpdate != nil {
		if err := h.beforeCaseUpdate(ctx, tx, c, seq); err != nil {
			return err
		}
	}
	if err := h.updateCase(ctx, tx, c, old); err != nil {
		return err
	}
	if h.afterCaseUpdate != nil {
		if err := h.afterCaseUpdate(ctx, tx, c, seq); err != nil {
			return err
		}
	}
	if act == nil {
		return nil
	}
	act.Seq, act.CaseID = seq, c.ID
	if err := h.insertAction(ctx, tx, c.Region, act); err != nil {
		return err
	}
	if err := h.saveAssists(ctx, tx, c, act); err != nil { // 协办 (cohandle.go)
		return err
	}
	if err := h.notifyFor(ctx, tx, c, act); err != nil { // the bell and the outbox, in this transaction (notification.go)
		return err
	}
	return h.hookCase(ctx, tx, c, act, "", now) // the webhooks' outbox (webhook.go)
}

// nextSeq answers the sequence number of the case's next timeline entry.
func nextSeq(ctx context.Context, tx *sql.Tx, region, id string) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM actions WHERE region = $1 AND case_id = $2`, region, id).Scan(&n)
	return n, err
}

// insertAction appends a timeline entry, and its audit row; act.Seq and
// act.CaseID are set.
func (h *handle) insertAction(ctx context.Context, tx *sql.Tx, region string, a *pingan.Action) error {
	attachments := ""
	if len(a.Attachments) > 0 {
		b, err := json.Marshal(a.Attachments)
		if err != nil {
			return err
		}
		attachments = string(b)
	}
	d := h.dialect
	s, err := h.stmt(ctx, tx, `INSERT INTO actions (region, case_id, seq, action, actor_id, actor_name, acted_at,
		from_status, to_status, from_unit, to_unit, note, deadline, satisfaction, attachments, days)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`)
	if err != nil {
		return err
	}
	_, err = s.ExecContext(ctx,
		region, a.CaseID, a.Seq, string(a.Action), a.ActorID, a.ActorName, d.ts(a.At),
		string(a.FromStatus), string(a.ToStatus), a.FromUnit, a.ToUnit, a.Note, d.tsp(a.Deadline),
		string(a.Satisfaction), attachments, a.Days)
	if err != nil {
		return err
	}
	return h.auditAction(ctx, tx, region, a) // one audit row of each case action (audit_case.go)
}

// actionColumns are the columns scanAction reads.
const actionColumns = `seq, case_id, action, actor_id, actor_name, acted_at, from_status, to_status,
	from_unit, to_unit, note, deadline, satisfaction, attachments, days`

// scanAction reads one timeline entry of actionColumns.
func scanAction(s scanner) (*pingan.Action, error) {
	var a pingan.Action
	var at, deadline stamp
	var attachments string
	if err := s.Scan(&a.Seq, &a.CaseID, &a.Action, &a.ActorID, &a.ActorName, &at, &a.FromStatus, &a.ToStatus,
		&a.FromUnit, &a.ToUnit, &a.Note, &deadline, &a.Satisfaction, &attachments, &a.Days); err != nil {
		return nil, err
	}
	a.At, a.Deadline = at.T, deadline.ptr()
	if attachments != "" {
		if err := json.Unmarshal([]byte(attachments), &a.Attachments); err != nil {
			return nil, err
		}
	}
	return &a, nil
}

// Timeline answers every action of a case in the actor's jurisdiction,
// oldest first.
func (s *Cases) Timeline(ctx context.Context, actor *pingan.User, id string) ([]*pingan.Action, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	region, ok := regionOfID(id)
	if !ok {
		return nil, errCaseNotFound(id)
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM cases WHERE region = $1 AND id = $2 AND `+caseSeen("$3", "$4"),
		region, id, scope, unitOf(actor)).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, errCaseNotFound(id)
	}
	out, err := actionsOf(ctx, tx, region, id)
	if err != nil {
		return nil, err
	}
	return out, tx.Commit()
}
