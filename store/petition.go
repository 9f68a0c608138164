package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/workflow"
)

// Petitions (信访, petition.go, migration 0024). A petition is a case of
// kind petition; its steps go through Cases.Act like every other action:
// the store fills what workflow.Apply needs (petitionEnv), and writes the
// document a step issues and a delivery in the step's transaction
// (writePetition, petition_doc.go). Its state is on the case row
// (petition_row.go). Petitions reads that record, keeps the drafts of the
// documents, suggests the matters a new petition may repeat and keeps the
// rules for petitions.

// Petitions serves pingan.PetitionService.
type Petitions struct{ *handle }

var _ pingan.PetitionService = (*Petitions)(nil)

// newPetition answers the petition a new case of kind starts with: its
// registration as given, or as the source implies when none was
// (pingan.PetitionFactsOf); nil for another kind. workflow.Report then
// sets its stage and the 15 days from the day received.
func newPetition(kind pingan.Kind, facts *pingan.PetitionFacts, source pingan.Source, reportedAt time.Time) *pingan.Petition {
	if kind != pingan.KindPetition {
		return nil
	}
	f := pingan.PetitionFactsOf(source, reportedAt)
	if facts != nil {
		f = *facts
	}
	f.ReceivedOn = pingan.DayOf(f.ReceivedOn)
	if f.PostmarkedOn != nil {
		d := pingan.DayOf(*f.PostmarkedOn)
		f.PostmarkedOn = &d
	}
	if f.People < 1 {
		f.People = 1
	}
	return &pingan.Petition{PetitionFacts: f}
}

// errNotPetition answers ENOTFOUND for a case that is no petition.
func errNotPetition(id string) error {
	return pingan.E(pingan.ENOTFOUND, "petition.not_petition", id)
}

// Petition answers the state and the documents of the petition id in the
// actor's jurisdiction (ENOTFOUND outside it and for another kind). The
// documents are listed without their texts, so nothing personal is read.
func (s *Petitions) Petition(ctx context.Context, actor *pingan.User, id string) (*pingan.PetitionRecord, error) {
	tx, sc, err := s.readSeen(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	c := sc.Case
	if c.Kind != pingan.KindPetition || c.Petition == nil {
		return nil, errNotPetition(id)
	}
	rec := &pingan.PetitionRecord{Petition: *c.Petition}
	if rec.Documents, err = documentsOf(ctx, tx, c); err != nil {
		return nil, err
	}
	return rec, tx.Commit()
}

// Document answers the document docID of the petition caseID with its
// text, which may name the petitioner: EFORBIDDEN to a reader who does not
// see the case's personal data (pingan.SeesPersonal); the read is written
// to the audit log (read_personal) in the same transaction.
func (s *Petitions) Document(ctx context.Context, actor *pingan.User, caseID string, docID int64) (*pingan.PetitionDocument, error) {
	tx, sc, err := s.beginAuditedRead(ctx, actor, caseID)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	c := sc.Case
	if c.Kind != pingan.KindPetition {
		return nil, errNotPetition(caseID)
	}
	reader, err := (&Cases{s.handle}).gridsOf(ctx, tx, actor, c)
	if err != nil {
		return nil, err
	}
	if !pingan.SeesPersonal(reader, c) {
		return nil, pingan.E(pingan.EFORBIDDEN, "petition.document.personal")
	}
	var sealed []byte
	d, err := scanDocument(tx.QueryRowContext(ctx, `SELECT `+documentColumns+`, d.sealed`+documentFrom+`
		WHERE d.id = $1 AND d.region = $2 AND d.case_id = $3`, docID, c.Region, c.ID), &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pingan.E(pingan.ENOTFOUND, "petition.document.notfound", docID)
	} else if err != nil {
		return nil, err
	}
	body, err := s.sealer.Open(sealed)
	if err != nil {
		return nil, fmt.Errorf("store: case %s document %d: %w", c.ID, docID, err)
	}
	d.Body = string(body)
	if err := s.auditMasked(ctx, tx, actor, "read_personal", c.Region, c.ID, "petition:document:"+d.Number, false); err != nil {
		return nil, err
	}
	return d, tx.Commit()
}

// draftSealed is what a draft's sealed column holds.
type draftSealed struct {
	Body string `json:"body"`
}

// Draft answers the draft of the petition caseID's document of kind: the
// one saved, or the number the actor's issuing unit would give next and
// the text pingan fills from the case, naming the petitioner for a reader
// who sees personal data (信访人 otherwise). A saved text, or the name,
// read by such a reader is written to the audit log; a saved text is
// refused (EFORBIDDEN) to a reader who does not see personal data.
func (s *Petitions) Draft(ctx context.Context, actor *pingan.User, caseID string, kind pingan.DocKind) (*pingan.PetitionDraft, error) {
	if !kind.Valid() {
		return nil, pingan.Invalidf("kind", "petition.kind.unknown", string(kind))
	}
	tx, sc, err := s.beginAuditedRead(ctx, actor, caseID)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	c := sc.Case
	if c.Kind != pingan.KindPetition || c.Petition == nil {
		return nil, errNotPetition(caseID)
	}
	reader, err := (&Cases{s.handle}).gridsOf(ctx, tx, actor, c)
	if err != nil {
		return nil, err
	}
	masked := !pingan.SeesPersonal(reader, c)
	out := &pingan.PetitionDraft{Kind: kind, Title: kind.Title()}
	var number string
	var sealed []byte
	var updated stamp
	err = tx.QueryRowContext(ctx, `SELECT number, sealed, updated_at FROM petition_drafts WHERE region = $1 AND case_id = $2 AND kind = $3`,
		c.Region, c.ID, string(kind)).Scan(&number, &sealed, &updated)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, err
	default:
		if masked {
			return nil, pingan.E(pingan.EFORBIDDEN, "petition.document.personal")
		}
		var ds draftSealed
		if err := s.openJSON(sealed, &ds); err != nil {
			return nil, fmt.Errorf("store: case %s draft %s: %w", c.ID, kind, err)
		}
		out.Number, out.Body, out.Saved, out.UpdatedAt = number, ds.Body, true, updated.ptr()
		if err := s.auditMasked(ctx, tx, actor, "read_personal", c.Region, c.ID, "petition:draft:"+string(kind), false); err != nil {
			return nil, err
		}
	}
	unit, err := s.issuingUnit(ctx, tx, actor)
	if err != nil {
		return nil, err
	}
	if out.Number == "" {
		if out.Number, err = suggestedNumber(ctx, tx, unit, kind, s.now().In(cst).Year()); err != nil {
			return nil, err
		}
	}
	if !out.Saved {
		facts, err := s.draftFacts(ctx, tx, sc, unit, masked)
		if err != nil {
			return nil, err
		}
		out.Body = pingan.DraftText(kind, facts)
		if facts.Petitioner != "" {
			if err := s.auditMasked(ctx, tx, actor, "read_personal", c.Region, c.ID, "petition:draft:"+string(kind), false); err != nil {
				return nil, err
			}
		}
	}
	return out, tx.Commit()
}

// draftFacts answers what a draft of the case sc is filled from: the
// petitioner's name unless masked, the issuing unit's name, the unit the
// case is assigned to and the one above it (复查、复核机关).
func (s *Petitions) draftFacts(ctx context.Context, tx *sql.Tx, sc sealedCase, unit *pingan.Unit, masked bool) (pingan.DraftFacts, error) {
	c := sc.Case
	f := pingan.DraftFacts{Case: c, Unit: unit.Name, Due: c.ResolveBy, Now: s.now()}
	if !masked && len(sc.reporter) > 0 {
		var p pingan.Person
		if err := s.openJSON(sc.reporter, &p); err != nil {
			return f, fmt.Errorf("store: case %s reporter: %w", c.ID, err)
		}
		f.Petitioner = p.Name
	}
	if c.AssignedUnit != "" {
		if u, err := s.lookupUnit(ctx, tx, c.AssignedUnit); err != nil {
			return f, err
		} else if u != nil {
			f.ToUnit = u.Name
		}
	}
	answering := c.AssignedUnit
	if answering == "" {
		answering = unit.Code
	}
	ru, err := reviewUnit(ctx, tx, answering)
	if err != nil {
		return f, err
	}
	if ru != nil {
		f.ReviewUnit = ru.Name
	}
	return f, nil
}

// SaveDraft saves the draft of the petition caseID's document of kind, its
// text sealed. Only who may take a step that issues such a document now
// may (EFORBIDDEN); EINVALID names a bad number or body.
func (s *Petitions) SaveDraft(ctx context.Context, actor *pingan.User, caseID string, kind pingan.DocKind, number, body string) (*pingan.PetitionDraft, error) {
	if !kind.Valid() {
		return nil, pingan.Invalidf("kind", "petition.kind.unknown", string(kind))
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	sc, err := s.loadCaseAs(ctx, tx, scope, unitOf(actor), caseID, true)
	if err != nil {
		return nil, err
	}
	c := sc.Case
	if c.Kind != pingan.KindPetition || c.Petition == nil {
		return nil, errNotPetition(caseID)
	}
	if !slices.ContainsFunc(workflow.Allowed(c, actor), func(a pingan.ActionName) bool { return workflow.DocumentKind(c, a) == kind }) {
		return nil, pingan.E(pingan.EFORBIDDEN, "petition.draft.forbidden", kind.Title())
	}
	in := pingan.DocumentInput{Number: number, Body: body}
	var v pingan.Invalid
	in.Check(&v, "")
	if err := v.Err(); err != nil {
		return nil, err
	}
	sealed, err := s.sealJSON(draftSealed{Body: in.Body})
	if err != nil {
		return nil, err
	}
	now := s.now()
	if _, err := tx.ExecContext(ctx, `INSERT INTO petition_drafts (region, case_id, kind, number, sealed, updated_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (region, case_id, kind) DO UPDATE SET number = excluded.number, sealed = excluded.sealed,
		updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		c.Region, c.ID, string(kind), in.Number, sealed, actor.ID, s.dialect.ts(now)); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	at := now.In(cst).Truncate(time.Millisecond)
	return &pingan.PetitionDraft{Kind: kind, Title: kind.Title(), Number: in.Number, Body: in.Body, Saved: true, UpdatedAt: &at}, nil
}

// similarScan bounds the petitions Similar compares titles with: the
// newest of the reader's jurisdiction (the same petitioner's are found
// whenever reported).
const similarScan = 2000

// Similar answers the petitions in the actor's jurisdiction that may be
// the same matter as caseID (重复件): those of the same petitioner (the
// same petitioner_key, compared in the query and never read out) and
// those whose titles share Chinese word pairs (bigrams) with its title,
// open or finished, newest first, at most pingan.MaxSimilar. Nothing
// about a person is answered.
func (s *Petitions) Similar(ctx context.Context, actor *pingan.User, caseID string) ([]pingan.SimilarMatter, error) {
	tx, sc, err := s.readSeen(ctx, actor, caseID)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	c := sc.Case
	if c.Kind != pingan.KindPetition {
		return nil, errNotPetition(caseID)
	}
	scope, _ := scopeOf(actor) // known good: the case was read with it
	var key sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT petitioner_key FROM cases WHERE region = $1 AND id = $2`, c.Region, c.ID).Scan(&key); err != nil {
		return nil, err
	}
	// The same petitioner's matters first, whenever reported (the index
	// of petitioner_key), then the newest of the jurisdiction by title.
	const cols = `SELECT id, number, title, status, pet_stage, reported_at,
		CASE WHEN petitioner_key IS NOT NULL AND petitioner_key = $3 THEN 1 ELSE 0 END
		FROM cases WHERE kind = $1 AND NOT (region = $2 AND id = $4) AND `
	window := similarScan
	if s.similarScan > 0 {
		window = s.similarScan
	}
	type query struct {
		sql   string
		limit int
	}
	queries := []query{{cols + caseIn("$5") + ` ORDER BY reported_at DESC, id DESC LIMIT $6`, window}}
	if key.Valid {
		queries = append([]query{{cols + `petitioner_key = $3 AND ` + caseIn("$5") + ` ORDER BY reported_at DESC, id DESC LIMIT $6`,
			pingan.MaxSimilar}}, queries...)
	}
	mine := bigrams(c.Title)
	out := []pingan.SimilarMatter{}
	seen := map[string]bool{}
	for _, q := range queries {
		rows, err := tx.QueryContext(ctx, q.sql, string(pingan.KindPetition), c.Region, key, c.ID, scope, q.limit)
		if err != nil {
			return nil, err
		}
		for rows.Next() && len(out) < pingan.MaxSimilar {
			var m pingan.SimilarMatter
			var reported stamp
			var same int
			if err := rows.Scan(&m.ID, &m.Number, &m.Title, &m.Status, &m.Stage, &reported, &same); err != nil {
				rows.Close()
				return nil, err
			}
			if seen[m.ID] {
				continue
			}
			seen[m.ID] = true
			m.ReportedAt = reported.T
			var why []string
			if same == 1 {
				m.Reasons = append(m.Reasons, "petitioner")
				why = append(why, pingan.Text(pingan.ZH, "petition.similar.petitioner"))
			}
			if titlesNear(mine, bigrams(m.Title)) {
				m.Reasons = append(m.Reasons, "title")
				why = append(why, pingan.Text(pingan.ZH, "petition.similar.title"))
			}
			if len(m.Reasons) == 0 {
				continue
			}
			m.Why = strings.Join(why, "、")
			out = append(out, m)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, tx.Commit()
}

// bigrams answers the pairs of adjacent Han characters of s (its Chinese
// words, roughly), each once.
func bigrams(s string) map[string]bool {
	out := map[string]bool{}
	var prev rune
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			prev = 0
			continue
		}
		if prev != 0 {
			out[string([]rune{prev, r})] = true
		}
		prev = r
	}
	return out
}

// titlesNear reports whether two titles' bigrams overlap enough to
// suggest the same matter: at least two shared, and half of the shorter's.
func titlesNear(a, b map[string]bool) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	shared := 0
	for g := range a {
		if b[g] {
			shared++
		}
	}
	return shared >= 2 && 2*shared >= min(len(a), len(b))
}

// settingPetitions is the name of the rules for petitions.
const settingPetitions = "petitions"

// Settings answers the rules for petitions, the defaults filled where none
// were set.
func (s *Petitions) Settings(ctx context.Context) (*pingan.PetitionSettings, error) {
	return petitionSettingsIn(ctx, s.read)
}

// petitionSettingsIn answers the rules for petitions as q reads them.
func petitionSettingsIn(ctx context.Context, q queryer) (*pingan.PetitionSettings, error) {
	out := pingan.DefaultPetitionSettings
	if err := readSetting(ctx, q, settingPetitions, &out); err != nil {
		return nil, err
	}
	fillPetitionSettings(&out)
	return &out, nil
}

// fillPetitionSettings puts the default in place of each 0.
func fillPetitionSettings(ps *pingan.PetitionSettings) {
	if ps.BacklogDays == 0 {
		ps.BacklogDays = pingan.DefaultPetitionSettings.BacklogDays
	}
	if ps.BacklogRepeats == 0 {
		ps.BacklogRepeats = pingan.DefaultPetitionSettings.BacklogRepeats
	}
}

// SetSettings replaces the rules for petitions (0 takes the default): only
// an administrator of the whole tree may (EFORBIDDEN); EINVALID names a
// bad field.
func (s *Petitions) SetSettings(ctx context.Context, actor *pingan.User, ps *pingan.PetitionSettings) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := mayChangeWholeTree(ctx, tx, actor, pingan.E(pingan.EFORBIDDEN, "petition.settings.forbidden")); err != nil {
		return err
	}
	in := *ps
	fillPetitionSettings(&in)
	if err := in.Check(); err != nil {
		return err
	}
	if err := s.putSetting(ctx, tx, settingPetitions, in, actorLabel(operator(actor)), s.now()); err != nil {
		return err
	}
	if err := s.auditChange(ctx, tx, actor, auditSettingSet, configChange{What: settingPetitions}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	*ps = in
	return nil
}
