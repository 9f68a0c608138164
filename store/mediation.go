package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/workflow"
)

// The record of a dispute's mediation (调解, dispute.go, migration 0023)
// beside its case row: the sessions (mediation_sessions), the agreements
// with their terms (agreements, agreement_terms) and the follow-up visits
// (revisits). An action of the mediation goes through Cases.Act like any
// other: the store fills what workflow.Apply needs of these rows
// (mediationEnv), and writes what the action recorded in the same
// transaction as the case row and the timeline entry (writeMediation), so
// a refused or failed action writes nothing. What names people — who
// attended a session and its record (调解笔录), an agreement's facts, its
// terms' text, performer and manner, its mediators — is sealed like the
// parties; the days, results and places are columns, for the deadline
// watch (mediation_watch.go) and the pages.

// Mediation reads what a dispute's mediation recorded
// (pingan.MediationService).
type Mediation struct{ *handle }

var _ pingan.MediationService = (*Mediation)(nil)

// sessionSealed is what a session's sealed column holds.
type sessionSealed struct {
	Attendees string `json:"attendees"`
	Record    string `json:"record"`
}

// agreementSealed is what an agreement's sealed column holds.
type agreementSealed struct {
	Facts     string       `json:"facts"`
	Mediators []string     `json:"mediators,omitempty"`
	Terms     []termSealed `json:"terms"`
}

// termSealed is the sealed part of a term.
type termSealed struct {
	No   int    `json:"no"`
	Text string `json:"text"`
	By   string `json:"by"`
	How  string `json:"how,omitempty"`
}

// mediationEnv fills what the action a on the dispute c needs of the
// mediation's rows and settings: the current agreement's terms, with
// their performance, for perform and term_overdue; the days to the
// follow-up visit for agree.
func mediationEnv(ctx context.Context, tx *sql.Tx, c *pingan.Case, a pingan.ActionName, env *workflow.Env) error {
	if c.Kind != pingan.KindDispute {
		return nil
	}
	switch a {
	case pingan.ActPerform, pingan.ActTermOverdue:
		_, terms, err := currentTerms(ctx, tx, c.Region, c.ID)
		if err != nil {
			return err
		}
		env.Terms = terms
	case pingan.ActAgree:
		ds, err := disputeSettingsIn(ctx, tx)
		if err != nil {
			return err
		}
		env.RevisitDays = ds.RevisitDays
	}
	return nil
}

// currentTerms answers the number of the case's current agreement (the
// latest not withdrawn; 0 when none) and its terms with their days and
// performance, in order; their texts stay sealed (Text, By and How are
// empty), so that nothing personal reaches the timeline.
func currentTerms(ctx context.Context, tx *sql.Tx, region, id string) (int, []pingan.Term, error) {
	seq, err := currentAgreement(ctx, tx, region, id)
	if err != nil || seq == 0 {
		return 0, nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT no, due, performed_on FROM agreement_terms
		WHERE region = $1 AND case_id = $2 AND agreement_seq = $3 ORDER BY no`, region, id, seq)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	var out []pingan.Term
	for rows.Next() {
		var t pingan.Term
		var due, performed stamp
		if err := rows.Scan(&t.No, &due, &performed); err != nil {
			return 0, nil, err
		}
		t.Due, t.PerformedOn = due.T, performed.ptr()
		out = append(out, t)
	}
	return seq, out, rows.Err()
}

// currentAgreement answers the number of the case's agreement not
// withdrawn, 0 when none.
func currentAgreement(ctx context.Context, q queryer, region, id string) (int, error) {
	var seq int
	err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM agreements
		WHERE region = $1 AND case_id = $2 AND NOT withdrawn`, region, id).Scan(&seq)
	return seq, err
}

// writeMediation writes in tx what the action act (its Seq set) recorded
// of the mediation of c, beside the case row and the timeline entry: a
// session (mediate; agree and mediation_fail when they name one), the
// agreement and its terms (agree), a term's performance (perform), a
// visit (revisit); a reopening withdraws the agreement, so that another
// may be reached. in is the input as workflow.Apply checked it: its
// session, agreement and visit normalized.
func (h *handle) writeMediation(ctx context.Context, tx *sql.Tx, actor *pingan.User, c *pingan.Case, act *pingan.Action,
	in pingan.ActionInput, now time.Time) error {
	if act == nil || c.Kind != pingan.KindDispute {
		return nil
	}
	d := h.dialect
	switch in.Action {
	case pingan.ActMediate:
		return h.insertSession(ctx, tx, actor, c, act.Seq, in.Session, now)
	case pingan.ActMediationFail:
		if in.Session != nil {
			return h.insertSession(ctx, tx, actor, c, act.Seq, in.Session, now)
		}
	case pingan.ActAgree:
		if in.Session != nil {
			if err := h.insertSession(ctx, tx, actor, c, act.Seq, in.Session, now); err != nil {
				return err
			}
		}
		return h.insertAgreement(ctx, tx, c, act.Seq, in.Agreement)
	case pingan.ActPerform:
		seq, err := currentAgreement(ctx, tx, c.Region, c.ID)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE agreement_terms SET performed_on = $5, action_seq = $6
			WHERE region = $1 AND case_id = $2 AND agreement_seq = $3 AND no = $4 AND performed_on IS NULL`,
			c.Region, c.ID, seq, in.Term, d.ts(pingan.DayOf(*in.PerformedOn)), act.Seq)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 { // the workflow found the term unperformed in this transaction
			return fmt.Errorf("store: case %s: term %d of agreement %d not recorded as performed", c.ID, in.Term, seq)
		}
	case pingan.ActRevisit:
		r := in.Revisit
		_, err := tx.ExecContext(ctx, `INSERT INTO revisits (region, case_id, seq, action_seq, visited_on, result, note)
			VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM revisits WHERE region = $1 AND case_id = $2), $3, $4, $5, $6)`,
			c.Region, c.ID, act.Seq, d.ts(pingan.DayOf(r.On)), string(r.Result), r.Note)
		return err
	case pingan.ActReopen:
		_, err := tx.ExecContext(ctx, `UPDATE agreements SET withdrawn = $3 WHERE region = $1 AND case_id = $2 AND NOT withdrawn`,
			c.Region, c.ID, true)
		return err
	}
	return nil
}

// insertSession writes a session of c recorded by the timeline entry seq.
func (h *handle) insertSession(ctx context.Context, tx *sql.Tx, actor *pingan.User, c *pingan.Case, seq int,
	s *pingan.MediationSession, now time.Time) error {
	if s == nil {
		return nil
	}
	sealed, err := h.sealJSON(sessionSealed{Attendees: s.Attendees, Record: s.Record})
	if err != nil {
		return err
	}
	mediators, err := json.Marshal(s.Mediators)
	if err != nil {
		return err
	}
	var by int64
	if actor != nil {
		by = actor.ID
	}
	d := h.dialect
	_, err = tx.ExecContext(ctx, `INSERT INTO mediation_sessions (region, case_id, seq, action_seq, held_at, place, mediators,
		rights_notified, result, sealed, recorded_by, recorded_at)
		VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM mediation_sessions WHERE region = $1 AND case_id = $2),
		$3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		c.Region, c.ID, seq, d.ts(s.HeldAt.In(cst).Truncate(time.Millisecond)), s.Place, string(mediators), s.RightsNotified,
		string(s.Result), sealed, by, d.ts(now))
	return err
}

// insertAgreement writes the agreement a of c, reached by the timeline
// entry seq, and its terms.
func (h *handle) insertAgreement(ctx context.Context, tx *sql.Tx, c *pingan.Case, seq int, a *pingan.Agreement) error {
	as := agreementSealed{Facts: a.Facts, Mediators: a.Mediators}
	for _, t := range a.Terms {
		as.Terms = append(as.Terms, termSealed{No: t.No, Text: t.Text, By: t.By, How: t.How})
	}
	sealed, err := h.sealJSON(as)
	if err != nil {
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM agreements WHERE region = $1 AND case_id = $2`,
		c.Region, c.ID).Scan(&n); err != nil {
		return err
	}
	d := h.dialect
	if _, err := tx.ExecContext(ctx, `INSERT INTO agreements (region, case_id, seq, action_seq, written, signed_on, sealed, withdrawn)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		c.Region, c.ID, n, seq, a.Written, d.ts(pingan.DayOf(a.SignedOn)), sealed, false); err != nil {
		return err
	}
	var ta args
	rows := make([]string, len(a.Terms))
	for i, t := range a.Terms {
		rows[i] = "(" + ta.list(c.Region, c.ID, n, t.No, d.ts(pingan.DayOf(t.Due))) + ")"
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO agreement_terms (region, case_id, agreement_seq, no, due) VALUES `+
		strings.Join(rows, ", "), ta...)
	return err
}

// newMediation answers the mediation a new case of kind starts with: a
// dispute's facts, the group flag from the deployment's rules (群体性:
// People reaching DisputeSettings.GroupSize); nil for another kind, whose
// report NewCase.Validate refuses facts for.
func newMediation(ctx context.Context, tx *sql.Tx, kind pingan.Kind, facts *pingan.DisputeFacts) (*pingan.Mediation, error) {
	if kind != pingan.KindDispute {
		return nil, nil
	}
	m := &pingan.Mediation{}
	if facts != nil {
		m.AmountFen, m.People, m.Volatile = facts.AmountFen, facts.People, facts.Volatile
		if m.People > 0 {
			ds, err := disputeSettingsIn(ctx, tx)
			if err != nil {
				return nil, err
			}
			m.Group = m.People >= ds.GroupSize
		}
	}
	return m, nil
}

// checkActParties normalizes and checks the parties an action gives into
// v: only accept takes them (parties).
func checkActParties(v *pingan.Invalid, in *pingan.ActionInput) {
	if len(in.Parties) == 0 {
		return
	}
	if in.Action != pingan.ActAccept {
		v.Add("parties", "mediation.parties.accept")
		return
	}
	pingan.NormalizeParties(in.Parties)
	pingan.CheckParties(v, in.Parties)
}

// replaceParties writes the parties an accept gave for the dispute of sc
// (its row locked in tx): sealed in place of the report's, and in the
// blind index of its people. sc then holds the new seal, which the answer
// opens.
func (h *handle) replaceParties(ctx context.Context, tx *sql.Tx, sc *sealedCase, parties []pingan.Person) error {
	c := sc.Case
	if c.Kind != pingan.KindDispute {
		return pingan.Invalidf("parties", "mediation.parties.dispute")
	}
	sealed, err := h.sealJSON(parties)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE cases SET parties_sealed = $3 WHERE region = $1 AND id = $2`,
		c.Region, c.ID, sealed); err != nil {
		return err
	}
	sc.parties = sealed
	// The index holds the people of the case now: the reporter and these.
	if _, err := tx.ExecContext(ctx, `DELETE FROM case_people WHERE region = $1 AND case_id = $2`, c.Region, c.ID); err != nil {
		return err
	}
	clear := &pingan.Case{Region: c.Region, ID: c.ID, Parties: parties}
	if len(sc.reporter) > 0 {
		b, err := h.sealer.Open(sc.reporter)
		if err != nil {
			return fmt.Errorf("store: case %s reporter: %w", c.ID, err)
		}
		var p pingan.Person
		if err := json.Unmarshal(b, &p); err != nil {
			return fmt.Errorf("store: case %s reporter: %w", c.ID, err)
		}
		clear.Reporter = &p
	}
	return h.indexPeople(ctx, tx, clear)
}

// Mediation answers the record of the dispute id in the actor's
// jurisdiction (ENOTFOUND outside it, and for a case of another kind):
// its sessions, its current agreement with its terms and their
// performance, why a failed or refused mediation ended, and the visits.
// Who attended a session and its record, the agreement's facts and its
// terms' text and performer are masked ("") unless pingan.SeesPersonal
// lets the actor see the case's personal data; a record with sessions or
// an agreement writes the read to the audit log (read_personal, with
// whether it was masked) in the same transaction, as FindCase does.
func (s *Mediation) Mediation(ctx context.Context, actor *pingan.User, id string) (*pingan.MediationRecord, error) {
	tx, sc, err := s.beginAuditedRead(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	c := sc.Case
	if c.Kind != pingan.KindDispute {
		return nil, pingan.E(pingan.ENOTFOUND, "mediation.not_dispute", id)
	}
	reader, err := (&Cases{s.handle}).gridsOf(ctx, tx, actor, c)
	if err != nil {
		return nil, err
	}
	masked := !pingan.SeesPersonal(reader, c)
	rec := &pingan.MediationRecord{Sessions: []pingan.MediationSession{}, Revisits: []pingan.Revisit{}, Masked: masked}
	if rec.Sessions, err = s.sessions(ctx, tx, c, masked); err != nil {
		return nil, err
	}
	if rec.Agreement, err = s.agreement(ctx, tx, c, masked); err != nil {
		return nil, err
	}
	if rec.EndReason, err = endReason(ctx, tx, c); err != nil {
		return nil, err
	}
	if rec.Revisits, err = revisitsOf(ctx, tx, c); err != nil {
		return nil, err
	}
	var read []string
	if len(rec.Sessions) > 0 {
		read = append(read, "sessions")
	}
	if rec.Agreement != nil {
		read = append(read, "agreement")
	}
	if len(read) > 0 {
		if err := s.auditMasked(ctx, tx, actor, "read_personal", c.Region, c.ID, "mediation:"+strings.Join(read, ","), masked); err != nil {
			return nil, err
		}
	}
	return rec, tx.Commit()
}

// sessions answers the sessions of c, in order, opened or masked.
func (s *Mediation) sessions(ctx context.Context, tx *sql.Tx, c *pingan.Case, masked bool) ([]pingan.MediationSession, error) {
	rows, err := tx.QueryContext(ctx, `SELECT m.seq, m.held_at, m.place, m.mediators, m.rights_notified, m.result, m.sealed,
		COALESCE(u.name, ''), m.recorded_at
		FROM mediation_sessions m LEFT JOIN users u ON u.id = m.recorded_by
		WHERE m.region = $1 AND m.case_id = $2 ORDER BY m.seq`, c.Region, c.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []pingan.MediationSession{}
	for rows.Next() {
		var m pingan.MediationSession
		var held, recorded stamp
		var mediators string
		var sealed []byte
		if err := rows.Scan(&m.Seq, &held, &m.Place, &mediators, &m.RightsNotified, &m.Result, &sealed, &m.RecordedBy,
			&recorded); err != nil {
			return nil, err
		}
		m.HeldAt, m.RecordedAt = held.T, recorded.T
		if err := json.Unmarshal([]byte(mediators), &m.Mediators); err != nil {
			return nil, fmt.Errorf("store: case %s session %d: %w", c.ID, m.Seq, err)
		}
		if !masked {
			var ss sessionSealed
			if err := s.openJSON(sealed, &ss); err != nil {
				return nil, fmt.Errorf("store: case %s session %d: %w", c.ID, m.Seq, err)
			}
			m.Attendees, m.Record = ss.Attendees, ss.Record
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// agreement answers the current agreement of c with its terms, opened or
// masked; nil when there is none.
func (s *Mediation) agreement(ctx context.Context, tx *sql.Tx, c *pingan.Case, masked bool) (*pingan.Agreement, error) {
	seq, err := currentAgreement(ctx, tx, c.Region, c.ID)
	if err != nil || seq == 0 {
		return nil, err
	}
	var a pingan.Agreement
	var signed stamp
	var sealed []byte
	if err := tx.QueryRowContext(ctx, `SELECT written, signed_on, sealed FROM agreements WHERE region = $1 AND case_id = $2 AND seq = $3`,
		c.Region, c.ID, seq).Scan(&a.Written, &signed, &sealed); err != nil {
		return nil, err
	}
	a.SignedOn = signed.T
	var as agreementSealed
	if err := s.openJSON(sealed, &as); err != nil {
		return nil, fmt.Errorf("store: case %s agreement %d: %w", c.ID, seq, err)
	}
	a.Mediators = as.Mediators // the mediators' names are staff's, not personal
	if !masked {
		a.Facts = as.Facts
	}
	rows, err := tx.QueryContext(ctx, `SELECT t.no, t.due, t.performed_on, COALESCE(x.note, '')
		FROM agreement_terms t LEFT JOIN actions x ON x.region = t.region AND x.case_id = t.case_id AND x.seq = t.action_seq
		WHERE t.region = $1 AND t.case_id = $2 AND t.agreement_seq = $3 ORDER BY t.no`, c.Region, c.ID, seq)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var t pingan.Term
		var due, performed stamp
		if err := rows.Scan(&t.No, &due, &performed, &t.Note); err != nil {
			return nil, err
		}
		t.Due, t.PerformedOn = due.T, performed.ptr()
		for _, ts := range as.Terms {
			if ts.No == t.No {
				t.How = ts.How
				if !masked {
					t.Text, t.By = ts.Text, ts.By
				}
			}
		}
		a.Terms = append(a.Terms, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return &a, nil
}

// endReason answers why the failed or refused mediation of c ended: the
// reason of the timeline entry that ended it; "" when its mediation has
// no such outcome now.
func endReason(ctx context.Context, tx *sql.Tx, c *pingan.Case) (string, error) {
	m := c.Mediation
	if m == nil || (m.Outcome != pingan.OutcomeFailed && m.Outcome != pingan.OutcomeRefused) {
		return "", nil
	}
	var note string
	err := tx.QueryRowContext(ctx, `SELECT note FROM actions WHERE region = $1 AND case_id = $2 AND action IN ($3, $4)
		ORDER BY seq DESC LIMIT 1`, c.Region, c.ID, string(pingan.ActMediationFail), string(pingan.ActRefuseMediation)).Scan(&note)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	} else if err != nil {
		return "", err
	}
	// The entry's note is the reason and, in brackets, the route told
	// (workflow.mediationTransition).
	if i := strings.LastIndex(note, "（告知途径："); i >= 0 {
		note = note[:i]
	}
	return strings.TrimSpace(note), nil
}

// revisitsOf answers the follow-up visits of c, in order.
func revisitsOf(ctx context.Context, tx *sql.Tx, c *pingan.Case) ([]pingan.Revisit, error) {
	rows, err := tx.QueryContext(ctx, `SELECT visited_on, result, note FROM revisits WHERE region = $1 AND case_id = $2 ORDER BY seq`,
		c.Region, c.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []pingan.Revisit{}
	for rows.Next() {
		var r pingan.Revisit
		var on stamp
		if err := rows.Scan(&on, &r.Result, &r.Note); err != nil {
			return nil, err
		}
		r.On = on.T
		out = append(out, r)
	}
	return out, rows.Err()
}

// openJSON opens sealed and decodes it into v.
func (h *handle) openJSON(sealed []byte, v any) error {
	b, err := h.sealer.Open(sealed)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}
