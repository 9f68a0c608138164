package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/workflow"
)

// The documents of a petition (信访文书, petition_documents): each is
// issued by the step that carries it, in that step's transaction
// (issueDocument), numbered uniquely by its issuing unit, its text sealed
// like the personal data; deliver records its delivery (送达) on its row.

// petitionEnv fills what the action in on the petition c needs of the
// database (workflow.Env): the document deliver names, the unit one level
// above the one that answered for a 复查 or 复核 request, the leader lead
// names.
func (h *handle) petitionEnv(ctx context.Context, tx *sql.Tx, c *pingan.Case, in pingan.ActionInput, env *workflow.Env) error {
	if c.Kind != pingan.KindPetition {
		return nil
	}
	var err error
	switch in.Action {
	case pingan.ActDeliver:
		if in.DocID != 0 {
			env.Document, err = h.documentOf(ctx, tx, c, in.DocID)
		}
	case pingan.ActRequestReview, pingan.ActRequestRecheck:
		env.ReviewUnit, err = reviewUnit(ctx, tx, c.AssignedUnit)
	case pingan.ActLead:
		if in.Lead != 0 {
			env.Lead, err = leaderOf(ctx, tx, c, in.Lead)
		}
	}
	return err
}

// reviewUnit answers the administrative unit one level above the unit
// with the code that answered (复查、复核机关): its parent, or the nearest
// administrative unit above that (a department's parent is the
// administrative unit it belongs to); nil at the top or for no unit.
func reviewUnit(ctx context.Context, tx *sql.Tx, code string) (*pingan.Unit, error) {
	if code == "" {
		return nil, nil
	}
	u, err := unitByCode(ctx, tx, code)
	if err != nil || u == nil || u.ParentCode == "" {
		return nil, err
	}
	parent, err := unitByCode(ctx, tx, u.ParentCode)
	if err != nil {
		return nil, err
	}
	return adminUnit(ctx, tx, parent)
}

// leaderOf answers the user id when they are a leader whose jurisdiction
// holds the case c; nil otherwise.
func leaderOf(ctx context.Context, tx *sql.Tx, c *pingan.Case, id int64) (*pingan.User, error) {
	u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+userFrom+` WHERE users.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if !u.Has(pingan.RoleLeader) || !(u.Sees(c.UnitPath) || u.Sees(c.HoldingPath) || u.Sees(c.AssignedPath)) {
		return nil, nil
	}
	return u, nil
}

// issuingUnit answers the unit that issues the actor's documents: for a
// centre's user the administrative unit the centre serves, else their own.
func (h *handle) issuingUnit(ctx context.Context, tx *sql.Tx, actor *pingan.User) (*pingan.Unit, error) {
	if actor == nil {
		return nil, pingan.E(pingan.EFORBIDDEN, "petition.document.system")
	}
	u, err := h.lookupUnit(ctx, tx, actor.UnitCode)
	if err != nil {
		return nil, err
	}
	if u == nil {
		return nil, errUnitNotFound(actor.UnitCode)
	}
	if u.Level == pingan.LevelCentre && u.ParentCode != "" {
		p, err := h.lookupUnit(ctx, tx, u.ParentCode)
		if err != nil {
			return nil, err
		}
		if p != nil {
			return p, nil
		}
	}
	return u, nil
}

// documentColumns are the columns scanDocument reads of
// petition_documents d joined with the issuing unit un.
const documentColumns = `d.id, d.case_id, d.kind, d.number, d.unit, COALESCE(un.name, ''), d.level, d.action_seq, d.issued_at,
	d.issued_by, d.sent_on, d.sent_by`

const documentFrom = ` FROM petition_documents d LEFT JOIN units un ON un.code = d.unit`

// scanDocument reads the documentColumns, and the sealed text when sealed
// is not nil.
func scanDocument(s scanner, sealed *[]byte) (*pingan.PetitionDocument, error) {
	var d pingan.PetitionDocument
	var issued, sent stamp
	dest := []any{&d.ID, &d.CaseID, &d.Kind, &d.Number, &d.Unit, &d.UnitName, &d.Level, &d.Seq, &issued, &d.IssuedBy,
		&sent, &d.SentBy}
	if sealed != nil {
		dest = append(dest, sealed)
	}
	if err := s.Scan(dest...); err != nil {
		return nil, err
	}
	d.IssuedAt, d.SentOn = issued.T, sent.ptr()
	return &d, nil
}

// documentOf answers the document id of the case c, without its text; nil
// when c has none such.
func (h *handle) documentOf(ctx context.Context, tx *sql.Tx, c *pingan.Case, id int64) (*pingan.PetitionDocument, error) {
	d, err := scanDocument(tx.QueryRowContext(ctx, `SELECT `+documentColumns+documentFrom+`
		WHERE d.id = $1 AND d.region = $2 AND d.case_id = $3`, id, c.Region, c.ID), nil)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return d, err
}

// documentsOf answers the documents of the case c, in the order issued,
// without their texts.
func documentsOf(ctx context.Context, tx *sql.Tx, c *pingan.Case) ([]pingan.PetitionDocumentRef, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+documentColumns+documentFrom+`
		WHERE d.region = $1 AND d.case_id = $2 ORDER BY d.id`, c.Region, c.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []pingan.PetitionDocumentRef{}
	for rows.Next() {
		d, err := scanDocument(rows, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, pingan.PetitionDocumentRef{ID: d.ID, Kind: d.Kind, Title: d.Kind.Title(), Number: d.Number,
			Unit: d.Unit, UnitName: d.UnitName, Level: d.Level, IssuedAt: d.IssuedAt, IssuedBy: d.IssuedBy,
			SentOn: d.SentOn, SentBy: d.SentBy})
	}
	return out, rows.Err()
}

// pendingDocument is what a step on a petition issues, known before the
// step changes the case: its kind, the level it is issued at and the
// unit issuing it.
type pendingDocument struct {
	kind  pingan.DocKind
	level int
	unit  *pingan.Unit
}

// documentToIssue answers the document the action in issues on the
// petition c (before the action), nil when it issues none.
func (h *handle) documentToIssue(ctx context.Context, tx *sql.Tx, actor *pingan.User, c *pingan.Case,
	in pingan.ActionInput) (*pendingDocument, error) {
	kind := workflow.DocumentKind(c, in.Action)
	if kind == "" {
		return nil, nil
	}
	level := 0
	if c.Petition != nil {
		level = c.Petition.Level
	}
	if actor == nil {
		return &pendingDocument{kind: kind, level: level}, nil // workflow refuses the system
	}
	u, err := h.issuingUnit(ctx, tx, actor)
	if err != nil {
		return nil, err
	}
	return &pendingDocument{kind: kind, level: level, unit: u}, nil
}

// free answers a conflict naming document.number when the issuing unit has
// used the number of the document in already (checked once the step is
// known to be good, so that a refusal comes first).
func (p *pendingDocument) free(ctx context.Context, tx *sql.Tx, in pingan.ActionInput) error {
	if p == nil || p.unit == nil || in.Document == nil {
		return nil
	}
	return numberFree(ctx, tx, p.unit.Code, strings.TrimSpace(in.Document.Number))
}

// numberFree answers a conflict naming document.number when the unit has
// used the number.
func numberFree(ctx context.Context, q queryer, unit, number string) error {
	if number == "" {
		return nil
	}
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM petition_documents WHERE unit = $1 AND number = $2`, unit, number).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	}
	return errNumberUsed(number)
}

// errNumberUsed is the conflict of a document number used already.
func errNumberUsed(number string) error {
	return &pingan.Error{Code: pingan.ECONFLICT, Msg: pingan.Msg("petition.number.used", number),
		Fields: map[string]pingan.Message{"document.number": pingan.Msg("petition.number.used", number)}}
}

// writePetition writes in tx what the step act (its Seq set) on the
// petition c recorded beside the row: the document it issues (doc, from
// documentToIssue), with the unit's counter of numbers and its draft
// deleted; a delivery on the document's row.
func (h *handle) writePetition(ctx context.Context, tx *sql.Tx, actor *pingan.User, c *pingan.Case, act *pingan.Action,
	in pingan.ActionInput, doc *pendingDocument, now time.Time) error {
	if act == nil || c.Kind != pingan.KindPetition {
		return nil
	}
	if doc != nil && in.Document != nil && doc.unit != nil {
		if err := h.issueDocument(ctx, tx, actor, c, act.Seq, doc, in.Document, now); err != nil {
			return err
		}
	}
	if in.Action == pingan.ActDeliver {
		res, err := tx.ExecContext(ctx, `UPDATE petition_documents SET sent_on = $4, sent_by = $5
			WHERE id = $1 AND region = $2 AND case_id = $3 AND sent_on IS NULL`,
			in.DocID, c.Region, c.ID, h.dialect.ts(pingan.DayOf(*in.On)), string(in.Method))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 { // the workflow found it undelivered in this transaction
			return fmt.Errorf("store: case %s: document %d not recorded as delivered", c.ID, in.DocID)
		}
	}
	return nil
}

// issueDocument writes the document d of c, issued by the timeline entry
// seq: its row (the text sealed), the unit's counter of numbers when the
// number is the kind's of this year, and no more draft of its kind.
func (h *handle) issueDocument(ctx context.Context, tx *sql.Tx, actor *pingan.User, c *pingan.Case, seq int,
	p *pendingDocument, d *pingan.DocumentInput, now time.Time) error {
	sealed, err := h.sealer.Seal([]byte(d.Body))
	if err != nil {
		return err
	}
	dl := h.dialect
	by := ""
	if actor != nil {
		by = actor.Name
		if by == "" {
			by = actor.Username
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO petition_documents (region, case_id, kind, number, unit, level, action_seq,
		sealed, issued_at, issued_by, sent_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '')`,
		c.Region, c.ID, string(p.kind), d.Number, p.unit.Code, p.level, seq, sealed, dl.ts(now), by); err != nil {
		if isUnique(err) {
			return errNumberUsed(d.Number)
		}
		return err
	}
	year := now.In(cst).Year()
	if n, ok := numberIn(d.Number, pingan.UnitShortName(p.unit.Name), p.kind, year); ok {
		if _, err := tx.ExecContext(ctx, `INSERT INTO petition_doc_numbers (unit, kind, year, last) VALUES ($1, $2, $3, $4)
			ON CONFLICT (unit, kind, year) DO UPDATE SET last = CASE WHEN petition_doc_numbers.last < excluded.last
			THEN excluded.last ELSE petition_doc_numbers.last END`, p.unit.Code, string(p.kind), year, n); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM petition_drafts WHERE region = $1 AND case_id = $2 AND kind = $3`,
		c.Region, c.ID, string(p.kind))
	return err
}

// numberIn answers n when number is pingan.DocNumber(short, kind, year, n).
func numberIn(number, short string, kind pingan.DocKind, year int) (int, bool) {
	prefix := pingan.DocNumber(short, kind, year, 0)
	prefix = strings.TrimSuffix(prefix, "0号")
	rest, ok := strings.CutPrefix(number, prefix)
	if !ok {
		return 0, false
	}
	digits, ok := strings.CutSuffix(rest, "号")
	if !ok || digits == "" || digits[0] == '0' {
		return 0, false
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, true
}

// suggestedNumber answers the next number of the unit's documents of kind
// in year: DocNumber of the unit's short name, the last number given + 1.
func suggestedNumber(ctx context.Context, q queryer, u *pingan.Unit, kind pingan.DocKind, year int) (string, error) {
	var last int
	err := q.QueryRowContext(ctx, `SELECT last FROM petition_doc_numbers WHERE unit = $1 AND kind = $2 AND year = $3`,
		u.Code, string(kind), year).Scan(&last)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	return pingan.DocNumber(pingan.UnitShortName(u.Name), kind, year, last+1), nil
}
