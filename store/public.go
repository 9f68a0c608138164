package store

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pingan-gov/pingan"
)

// Public is what citizens do without an account (群众): pingan.PublicService.
type Public struct{ *handle }

var _ pingan.PublicService = (*Public)(nil)

// CitizenActor is the name recorded for what a citizen does without an
// account (a public report, a rating).
const CitizenActor = "群众 (citizen)"

// The query code (查询码) of a public report is kept sealed, like personal
// data, in query_codes by the case's (region, id), written in the report's
// transaction; the report itself is recorded in the audit log (action
// public_report). Migration 0009 moved the codes that earlier versions kept
// inside those audit rows.
const (
	auditPublicReport = "public_report"
	// queryCodeAlphabet leaves out 0, O, 1, I and L, which people misread.
	queryCodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
	queryCodeLength   = 8
	maxRatingNote     = 500
)

// newQueryCode answers a random query code: 8 characters of 31, about 40 bits.
func newQueryCode() string {
	b := make([]byte, queryCodeLength)
	out := make([]byte, queryCodeLength)
	for i := 0; i < queryCodeLength; {
		rand.Read(b[:1])
		// Rejection sampling keeps the characters uniform.
		if int(b[0]) >= 256/len(queryCodeAlphabet)*len(queryCodeAlphabet) {
			continue
		}
		out[i] = queryCodeAlphabet[int(b[0])%len(queryCodeAlphabet)]
		i++
	}
	return string(out)
}

// normalQueryCode upper-cases a typed code and drops spaces and dashes.
func normalQueryCode(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

// PublicUnits answers the townships and villages/communities, ordered by
// path: the places a citizen may name.
func (s *Public) PublicUnits(ctx context.Context) ([]*pingan.Unit, error) {
	return s.queryUnits(ctx, `SELECT `+unitColumns+` FROM units WHERE level IN ($1, $2) ORDER BY path`,
		string(pingan.LevelTownship), string(pingan.LevelVillage))
}

// FileCase reports a case as a citizen: source citizen, no reporting user,
// the unit a township or village, its photos on the first timeline entry.
// It takes the path of every report (handle.intake): the case, its photos, its
// first timeline entry, the sealed query code and the audit row are
// written in one transaction shared with the reports arriving meanwhile.
func (s *Public) FileCase(ctx context.Context, in *pingan.NewCase) (*pingan.PublicReceipt, error) {
	if in == nil {
		return nil, pingan.E(pingan.EINVALID, "report.none")
	}
	r := &intake{in: *in}
	r.in.Source, r.in.ResolvedOnSite, r.in.Result = pingan.SourceCitizen, false, ""
	r.in.IdempotencyKey, r.in.ReportedAt = "", time.Time{}
	r.check = func(ctx context.Context, tx *sql.Tx, v *pingan.Invalid) error {
		code := strings.TrimSpace(r.in.Unit)
		if code == "" || v.Has("unit") {
			return nil
		}
		u, err := unitByCode(ctx, tx, code)
		if err != nil {
			return err
		}
		if u == nil || (u.Level != pingan.LevelTownship && u.Level != pingan.LevelVillage) {
			v.Add("unit", "public.unit.bad")
		}
		return nil
	}
	r.edit = func(act *pingan.Action) { act.ActorName = CitizenActor }
	code := newQueryCode()
	sealed, err := s.sealer.Seal([]byte(code))
	if err != nil {
		return nil, err
	}
	r.after = func(ctx context.Context, tx *sql.Tx, c *pingan.Case) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO query_codes (region, case_id, code) VALUES ($1, $2, $3)`,
			c.Region, c.ID, base64.StdEncoding.EncodeToString(sealed)); err != nil {
			return err
		}
		return s.audit(ctx, tx, nil, auditPublicReport, c.Region, c.ID, "")
	}
	c, err := s.intake(ctx, r)
	if err != nil {
		return nil, err
	}
	return &pingan.PublicReceipt{Number: c.Number, QueryCode: code}, nil
}

// publicCase loads the case with the number if code is its query code;
// ENOTFOUND otherwise, the same for a wrong number and a wrong code.
func (s *Public) publicCase(ctx context.Context, tx *sql.Tx, number, code string, lock bool) (*pingan.Case, error) {
	number = strings.TrimSpace(number)
	code = normalQueryCode(code)
	notFound := pingan.E(pingan.ENOTFOUND, "public.notfound")
	region, ok := regionOfID(number)
	if !ok || code == "" {
		return nil, notFound
	}
	var stored string
	err := tx.QueryRowContext(ctx, `SELECT code FROM query_codes WHERE region = $1 AND case_id = $2`,
		region, number).Scan(&stored)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound
	} else if err != nil {
		return nil, err
	}
	sealed, err := base64.StdEncoding.DecodeString(stored)
	if err != nil {
		return nil, err
	}
	want, err := s.sealer.Open(sealed)
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare(want, []byte(code)) != 1 {
		return nil, notFound
	}
	sc, err := s.loadCase(ctx, tx, "", number, lock)
	if err != nil {
		return nil, notFound
	}
	return sc.Case, nil
}

// publicView answers what the public may read of c.
func (s *Public) publicView(ctx context.Context, tx *sql.Tx, c *pingan.Case) (*pingan.PublicCase, error) {
	p := &pingan.PublicCase{Number: c.Number, Kind: c.Kind, Category: c.Category, Status: c.Status,
		ReportedAt: c.ReportedAt, ResolveBy: c.ResolveBy, ResolvedAt: c.ResolvedAt, ClosedAt: c.ClosedAt,
		Satisfaction: c.Satisfaction, Steps: []pingan.PublicStep{}, PersonalPurged: c.PersonalPurgedAt != nil}
	if !c.Status.Open() {
		p.ResolveBy = nil
	}
	u, err := unitByCode(ctx, tx, c.Unit)
	if err != nil {
		return nil, err
	}
	if u != nil {
		p.UnitName = u.Name
	}
	// The unit that handled it: the one it was dispatched to, else, for a
	// case settled on the spot, the centre holding it.
	switch {
	case c.AssignedUnit != "":
		a, err := unitByCode(ctx, tx, c.AssignedUnit)
		if err != nil {
			return nil, err
		}
		if a != nil {
			p.HandlingUnit = a.Name
		}
	case c.Status == pingan.StatusResolved || c.Status == pingan.StatusClosed:
		if p.HandlingUnit, err = publicUnitName(ctx, tx, c.HoldingUnit); err != nil {
			return nil, err
		}
	}
	// Comments, supervision orders, links and the assisting units' steps
	// (协办) are internal; every other step is shown, and of the notes only
	// the outcome: the reason of a rejection and the result of the last
	// resolution.
	rows, err := tx.QueryContext(ctx, `SELECT action, acted_at, to_status, note FROM actions
		WHERE region = $1 AND case_id = $2 AND action NOT IN ($3, $4, $5, $6, $7, $8) ORDER BY seq`,
		c.Region, c.ID, string(pingan.ActComment), string(pingan.ActSupervise), string(pingan.ActLink), string(pingan.ActUnlink),
		string(pingan.ActAssistSign), string(pingan.ActAssistReport))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var s pingan.PublicStep
		var at stamp
		var note string
		if err := rows.Scan(&s.Action, &at, &s.ToStatus, &note); err != nil {
			return nil, err
		}
		s.At = at.T
		p.Steps = append(p.Steps, s)
		switch {
		case s.Action == pingan.ActReject:
			p.Reason = note
		case s.ToStatus == pingan.StatusResolved:
			p.Result = note
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if c.Status != pingan.StatusRejected {
		p.Reason = ""
	}
	if c.Status != pingan.StatusResolved && c.Status != pingan.StatusClosed {
		p.Result = "" // reworked or reopened: the last result did not stand
	}
	if c.Status == pingan.StatusMerged { // 合并办理: the case that carries the work (merge.go)
		m, err := s.mainCase(ctx, tx, c)
		if err != nil {
			return nil, err
		}
		if m != nil {
			if p.MergedInto, err = s.publicView(ctx, tx, m); err != nil {
				return nil, err
			}
			p.MergedInto.Satisfaction = nil // the main case's reporter rates it
		}
	}
	return p, nil
}

// publicUnitName answers the name a citizen reads for a unit: its centre's
// (综治中心) when it has one, else its own.
func publicUnitName(ctx context.Context, tx *sql.Tx, code string) (string, error) {
	var name string
	err := tx.QueryRowContext(ctx, `SELECT name FROM units WHERE parent_code = $1 AND level = $2 ORDER BY code LIMIT 1`,
		code, string(pingan.LevelCentre)).Scan(&name)
	if err == nil {
		return name, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	u, err := unitByCode(ctx, tx, code)
	if err != nil || u == nil {
		return "", err
	}
	return u.Name, nil
}

// PublicCase answers the public status of a case by number and query code.
func (s *Public) PublicCase(ctx context.Context, number, code string) (*pingan.PublicCase, error) {
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	c, err := s.publicCase(ctx, tx, number, code, false)
	if err != nil {
		return nil, err
	}
	p, err := s.publicView(ctx, tx, c)
	if err != nil {
		return nil, err
	}
	return p, tx.Commit()
}

// RateCase records a citizen's rating of a closed case as a rate action,
// the way workflow records one by the reporter.
func (s *Public) RateCase(ctx context.Context, number, code string, rating pingan.Satisfaction, note string) (*pingan.PublicCase, error) {
	var v pingan.Invalid
	if rating == "" {
		v.Require("satisfaction", "")
	} else if !rating.Valid() {
		v.Add("satisfaction", "rating.satisfaction.bad")
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > maxRatingNote {
		v.Add("note", "rating.note.long", maxRatingNote)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	c, err := s.publicCase(ctx, tx, number, code, true)
	if err != nil {
		return nil, err
	}
	if c.Status != pingan.StatusClosed {
		return nil, pingan.E(pingan.ECONFLICT, "rating.open")
	}
	if c.Satisfaction != nil {
		return nil, pingan.E(pingan.ECONFLICT, "rating.twice")
	}
	old := c.Version
	c.Satisfaction = &rating
	act := &pingan.Action{Action: pingan.ActRate, At: now, FromStatus: c.Status, ToStatus: c.Status,
		Satisfaction: rating, Note: note, ActorName: CitizenActor}
	if err := s.save(ctx, tx, c, old, act, now); err != nil {
		return nil, err
	}
	p, err := s.publicView(ctx, tx, c)
	if err != nil {
		return nil, err
	}
	return p, tx.Commit()
}
