package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/calendar"
)

// The assessment of a scheme's periods (assess.go, migration 0025). A
// draft period is computed at every read: the subjects are the units of
// the scheme's level under its unit, each with its counters over the
// period (read for all of them at once, like StatsBy by unit), and the
// inputs of assess_inputs. Publishing freezes the results as JSON
// (assess_periods) with the scheme's version; from then on a result
// changes only by a correction, logged in assess_corrections in the same
// transaction that rewrites the JSON. Notices and objections are rows of
// their own, joined to the results they belong to at every read. Evidence
// files are kept sealed in the file store like the photos of cases.

// Assess runs the assessment (pingan.AssessService).
type Assess struct{ *handle }

var _ pingan.AssessService = (*Assess)(nil)

// Limits of the evidence of one input or objection.
const (
	MaxEvidence      = 10
	MaxEvidenceBytes = 10 << 20
)

// evidenceType answers the content type of a JPEG, PNG or WebP image or a
// PDF by its first bytes, or "" for anything else.
func evidenceType(data []byte) string {
	if t := pingan.PhotoType(data); t != "" {
		return t
	}
	if len(data) >= 5 && string(data[:5]) == "%PDF-" {
		return "application/pdf"
	}
	return ""
}

// checkEvidence names into v, under evidence, what is wrong with files.
func checkEvidence(v *pingan.Invalid, files []pingan.Upload) {
	if len(files) > MaxEvidence {
		v.Add("evidence", "assess.evidence.many", MaxEvidence)
		return
	}
	for _, f := range files {
		switch {
		case len(f.Data) == 0 || len(f.Data) > MaxEvidenceBytes:
			v.Add("evidence", "assess.evidence.size", pingan.ShowText(f.Name, 64), MaxEvidenceBytes>>20)
		case evidenceType(f.Data) == "":
			v.Add("evidence", "assess.evidence.type", pingan.ShowText(f.Name, 64))
		case pingan.PhotoType(f.Data) != "":
			// An image is judged by its content as a case's photo is: it
			// decodes, and within the pixels a phone takes.
			if key := pingan.ImageProblem(f.Data); key != "" {
				v.Add("evidence", key, pingan.ShowText(f.Name, 64))
			}
		}
	}
}

// keepEvidence keeps the files sealed (keepPhotos) and answers them as
// evidence.
func (a *Assess) keepEvidence(ctx context.Context, tx *sql.Tx, actor *pingan.User, files []pingan.Upload, w *filesWritten) ([]pingan.Evidence, error) {
	refs, err := a.keepPhotos(ctx, tx, actor, files, w)
	if err != nil {
		return nil, err
	}
	out := make([]pingan.Evidence, len(refs))
	for i, ref := range refs {
		name := strings.TrimSpace(files[i].Name)
		if name == "" {
			name = strings.TrimPrefix(ref, refPrefix)[:12]
		}
		out[i] = pingan.Evidence{Sum: strings.TrimPrefix(ref, refPrefix), Name: pingan.ShowText(name, 100), Type: evidenceType(files[i].Data)}
	}
	return out, nil
}

// assessReader is how an actor reads a scheme's assessment.
type assessReader struct {
	actor *pingan.User
	// full: an assessor or leader whose jurisdiction holds the scheme's
	// unit: drafts and every result whole.
	full bool
}

// readerOf answers how actor reads the scheme; ENOTFOUND when not at all.
func readerOf(actor *pingan.User, s *schemeRow) (*assessReader, error) {
	if _, err := scopeOf(actor); err != nil {
		return nil, err
	}
	if !readsScheme(actor, s.path) {
		return nil, errSchemeNotFound(s.ID)
	}
	above := strings.HasPrefix(s.path, actor.ScopePath)
	full := above && (pingan.Permit(actor, pingan.CapAssess) == nil || actor.Has(pingan.RoleLeader))
	return &assessReader{actor: actor, full: full}, nil
}

// owns reports whether the reader sees the result of the unit at path in
// full: the unit lies in their jurisdiction or they lie in it.
func (r *assessReader) owns(path string) bool {
	return r.full || strings.HasPrefix(path, r.actor.ScopePath) || strings.HasPrefix(r.actor.ScopePath, path)
}

// assessor loads the scheme for a write of actor, an assessor whose
// jurisdiction holds the scheme's unit (ENOTFOUND otherwise).
func assessor(ctx context.Context, q queryer, actor *pingan.User, id int64) (*schemeRow, error) {
	if _, err := permittedScope(actor, pingan.CapAssess); err != nil {
		return nil, err
	}
	s, err := loadScheme(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(s.path, actor.ScopePath) {
		return nil, errSchemeNotFound(id)
	}
	return s, nil
}

// periodOf parses a period of the scheme's year: EINVALID naming period.
func periodOf(s *pingan.Scheme, period string) (pingan.AssessPeriod, error) {
	p, ok := pingan.ParseAssessPeriod(period)
	if !ok {
		return p, pingan.Invalidf("period", "assess.period.bad", pingan.ShowText(period, 20))
	}
	if p.Year != s.Year {
		return p, pingan.Invalidf("period", "assess.period.other_year", p.String(), s.Year)
	}
	return p, nil
}

// subjectUnit is an assessed unit with its path.
type subjectUnit struct {
	pingan.Subject
	path string
}

// subjectsOf answers the units the scheme assesses, with their parents.
func subjectsOf(ctx context.Context, q rowsQueryer, s *schemeRow) ([]subjectUnit, error) {
	rows, err := q.QueryContext(ctx, `SELECT u.code, u.name, u.path, p.code, p.name FROM units u JOIN units p ON p.code = u.parent_code
		WHERE u.level = $1 AND `+unitIn("u.path", "$2")+` ORDER BY u.path`, string(s.Level), likePrefix(s.path))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []subjectUnit
	for rows.Next() {
		var u subjectUnit
		if err := rows.Scan(&u.Unit, &u.UnitName, &u.path, &u.Parent, &u.ParentName); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// tallies adds up the counters of the nodes over [from, to) by node and
// kind, in one reading of the tables and the journal (stats.go).
func (a *Assess) tallies(ctx context.Context, from, to time.Time, nodes []string) (*sums, error) {
	tx, err := a.beginSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	r := &statsRead{s: &Stats{a.handle}, tx: tx, nodes: nodes}
	if a.journaling.Load() {
		j, err := readJournal(ctx, tx)
		if err != nil {
			return nil, err
		}
		r.journal, r.journalGauges = j.tallies, j.gauges
	}
	got, err := r.sum(ctx, spansOf(from, to), "node")
	if err != nil {
		return nil, err
	}
	return got, tx.Commit()
}

const inputColumns = `id, kind, unit_code, indicator, points, reason, evidence, by_name, at`

func scanInput(row interface{ Scan(...any) error }) (pingan.Input, error) {
	var in pingan.Input
	var ev string
	var at stamp
	if err := row.Scan(&in.ID, &in.Kind, &in.Unit, &in.Indicator, &in.Points, &in.Reason, &ev, &in.By, &at); err != nil {
		return in, err
	}
	in.At = at.T
	return in, json.Unmarshal([]byte(ev), &in.Evidence)
}

// inputsOf answers the inputs of a period, in the order entered.
func inputsOf(ctx context.Context, q rowsQueryer, schemeID int64, period string) ([]pingan.Input, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+inputColumns+` FROM assess_inputs WHERE scheme_id = $1 AND period = $2 ORDER BY id`, schemeID, period)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pingan.Input
	for rows.Next() {
		in, err := scanInput(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, rows.Err()
}

// periodRow is a published period.
type periodRow struct {
	version     int
	publishedAt time.Time
	publishedBy string
	until       time.Time
	results     []*pingan.Result
}

// publishedPeriod answers the published period, nil when it is a draft.
func publishedPeriod(ctx context.Context, q queryer, schemeID int64, period string) (*periodRow, error) {
	return lockedPeriod(ctx, q, schemeID, period, "")
}

// lockedPeriod is publishedPeriod with lock (Dialect.forUpdate) after its
// query.
func lockedPeriod(ctx context.Context, q queryer, schemeID int64, period, lock string) (*periodRow, error) {
	var p periodRow
	var body string
	var at, until stamp
	err := q.QueryRowContext(ctx, `SELECT version, published_at, published_by, objections_until, results FROM assess_periods
		WHERE scheme_id = $1 AND period = $2`+lock, schemeID, period).Scan(&p.version, &at, &p.publishedBy, &until, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	p.publishedAt, p.until = at.T, until.T
	return &p, json.Unmarshal([]byte(body), &p.results)
}

// frozen answers the results as the period keeps them: without the
// notices and objections, which are rows of their own.
func frozen(rs []*pingan.Result) (string, error) {
	out := make([]pingan.Result, len(rs))
	for i, r := range rs {
		out[i] = *r
		out[i].Notices, out[i].Objections = nil, nil
	}
	b, err := json.Marshal(out)
	return string(b), err
}

// compute answers the draft results of the scheme in p.
func (a *Assess) compute(ctx context.Context, s *schemeRow, p pingan.AssessPeriod) ([]*pingan.Result, []subjectUnit, error) {
	units, err := subjectsOf(ctx, a.read, s)
	if err != nil {
		return nil, nil, err
	}
	codes := make([]string, len(units))
	for i, u := range units {
		codes[i] = u.Unit
	}
	from, to := p.Bounds()
	got, err := a.tallies(ctx, from, to, codes)
	if err != nil {
		return nil, nil, err
	}
	subjects := make([]pingan.Subject, len(units))
	for i, u := range units {
		subjects[i] = u.Subject
		subjects[i].T, subjects[i].ByKind = got.of(u.Unit)
	}
	inputs, err := inputsOf(ctx, a.read, s.ID, p.String())
	if err != nil {
		return nil, nil, err
	}
	rs := pingan.Compute(s.Scheme, subjects, inputs)
	prev, err := a.prevRanks(ctx, s, p)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range rs {
		r.PrevRank = prev[r.Unit]
	}
	return rs, units, nil
}

// prevRanks answers the ranks of the previous period of the same kind
// when it was published (by the scheme of its year for the same unit and
// level).
func (a *Assess) prevRanks(ctx context.Context, s *schemeRow, p pingan.AssessPeriod) (map[string]int, error) {
	prev := p.Prev()
	id := s.ID
	if prev.Year != s.Year {
		err := a.read.QueryRowContext(ctx, `SELECT id FROM assess_schemes WHERE unit_code = $1 AND year = $2 AND level = $3`,
			s.Unit, prev.Year, string(s.Level)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
	}
	pr, err := publishedPeriod(ctx, a.read, id, prev.String())
	if err != nil || pr == nil {
		return nil, err
	}
	out := map[string]int{}
	for _, r := range pr.results {
		out[r.Unit] = r.Rank
	}
	return out, nil
}

// Assessment answers the assessment of the scheme in period.
func (a *Assess) Assessment(ctx context.Context, actor *pingan.User, schemeID int64, period string) (*pingan.Assessment, error) {
	s, err := loadScheme(ctx, a.read, schemeID)
	if err != nil {
		return nil, err
	}
	rd, err := readerOf(actor, s)
	if err != nil {
		return nil, err
	}
	p, err := periodOf(s.Scheme, period)
	if err != nil {
		return nil, err
	}
	pr, err := publishedPeriod(ctx, a.read, s.ID, p.String())
	if err != nil {
		return nil, err
	}
	out := &pingan.Assessment{Scheme: s.Scheme, Period: p.String(), Status: pingan.AssessDraft}
	if pr == nil {
		if !rd.full {
			return nil, pingan.E(pingan.ENOTFOUND, "assess.period.notfound", p.String())
		}
		if out.Results, _, err = a.compute(ctx, s, p); err != nil {
			return nil, err
		}
		return out, nil
	}
	if pr.version != s.Version {
		if out.Scheme, err = schemeVersion(ctx, a.read, s.Scheme, pr.version); err != nil {
			return nil, err
		}
	}
	out.Status, out.PublishedAt, out.PublishedBy, out.ObjectionsUntil = pingan.AssessPublished, &pr.publishedAt, pr.publishedBy, &pr.until
	out.Results = pr.results
	if err := a.attach(ctx, s.ID, p.String(), out.Results); err != nil {
		return nil, err
	}
	if !rd.full {
		paths, err := a.paths(ctx, out.Results)
		if err != nil {
			return nil, err
		}
		out.Partial = true
		for _, r := range out.Results {
			if !rd.owns(paths[r.Unit]) {
				r.Lines, r.Deductions, r.Vetoes, r.Notices, r.Objections, r.Corrections = nil, nil, nil, nil, nil, nil
			}
		}
	}
	return out, nil
}

// paths answers the paths of the results' units.
func (a *Assess) paths(ctx context.Context, rs []*pingan.Result) (map[string]string, error) {
	out := map[string]string{}
	if len(rs) == 0 {
		return out, nil
	}
	var q args
	codes := make([]any, len(rs))
	for i, r := range rs {
		codes[i] = r.Unit
	}
	rows, err := a.read.QueryContext(ctx, `SELECT code, path FROM units WHERE code IN (`+q.list(codes...)+`)`, q...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c, p string
		if err := rows.Scan(&c, &p); err != nil {
			return nil, err
		}
		out[c] = p
	}
	return out, rows.Err()
}

// attach joins the notices and objections of a published period to its
// results.
func (a *Assess) attach(ctx context.Context, schemeID int64, period string, rs []*pingan.Result) error {
	by := map[string]*pingan.Result{}
	for _, r := range rs {
		by[r.Unit] = r
	}
	rows, err := a.read.QueryContext(ctx, `SELECT id, unit_code, kind, day, host, attendee, required, by_name, at FROM assess_notices
		WHERE scheme_id = $1 AND period = $2 ORDER BY id`, schemeID, period)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var n pingan.AssessNotice
		var unit string
		var at stamp
		if err := rows.Scan(&n.ID, &unit, &n.Kind, &n.Day, &n.Host, &n.Attendee, &n.Required, &n.By, &at); err != nil {
			return err
		}
		n.At = at.T
		if r := by[unit]; r != nil {
			r.Notices = append(r.Notices, n)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	os, err := objectionsOf(ctx, a.read, `scheme_id = $1 AND period = $2`, schemeID, period)
	if err != nil {
		return err
	}
	for _, o := range os {
		if r := by[o.Unit]; r != nil {
			r.Objections = append(r.Objections, *o.Objection)
		}
	}
	return nil
}

const objectionColumns = `id, scheme_id, period, unit_code, text, evidence, filed_by, filed_at, answered, upheld, reply, answered_by, answered_at`

// objectionRow is an objection with the period it objects to.
type objectionRow struct {
	*pingan.Objection
	scheme int64
	period string
}

func objectionsOf(ctx context.Context, q rowsQueryer, where string, a ...any) ([]*objectionRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+objectionColumns+` FROM assess_objections WHERE `+where+` ORDER BY id`, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*objectionRow
	for rows.Next() {
		o := &objectionRow{Objection: new(pingan.Objection)}
		var ev string
		var filed, answered stamp
		if err := rows.Scan(&o.ID, &o.scheme, &o.period, &o.Unit, &o.Text, &ev, &o.FiledBy, &filed, &o.Answered, &o.Upheld,
			&o.Reply, &o.AnsweredBy, &answered); err != nil {
			return nil, err
		}
		o.FiledAt = filed.T
		if answered.Valid {
			o.AnsweredAt = &answered.T
		}
		if err := json.Unmarshal([]byte(ev), &o.Evidence); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Periods answers the published periods of the scheme.
func (a *Assess) Periods(ctx context.Context, actor *pingan.User, schemeID int64) ([]string, error) {
	s, err := loadScheme(ctx, a.read, schemeID)
	if err != nil {
		return nil, err
	}
	if _, err := readerOf(actor, s); err != nil {
		return nil, err
	}
	out, err := columnOf(ctx, a.read, `SELECT period FROM assess_periods WHERE scheme_id = $1`, schemeID)
	if err != nil {
		return nil, err
	}
	rank := func(p string) string { // months, then quarters, then the year
		switch {
		case len(p) == 4:
			return "3" + p
		case strings.Contains(p, "Q"):
			return "2" + p
		}
		return "1" + p
	}
	sort.Slice(out, func(i, j int) bool { return rank(out[i]) < rank(out[j]) })
	if out == nil {
		out = []string{}
	}
	return out, nil
}

// draftWrite starts a write on a draft period of the scheme: the actor
// assesses, the period is of the scheme's year and not published.
func (a *Assess) draftWrite(ctx context.Context, actor *pingan.User, schemeID int64, period string) (*sql.Tx, *schemeRow, pingan.AssessPeriod, error) {
	var p pingan.AssessPeriod
	tx, err := a.beginWrite(ctx)
	if err != nil {
		return nil, nil, p, err
	}
	fail := func(err error) (*sql.Tx, *schemeRow, pingan.AssessPeriod, error) {
		tx.Rollback()
		return nil, nil, p, err
	}
	s, err := assessor(ctx, tx, actor, schemeID)
	if err != nil {
		return fail(err)
	}
	if p, err = periodOf(s.Scheme, period); err != nil {
		return fail(err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM assess_periods WHERE scheme_id = $1 AND period = $2`, s.ID, p.String()).Scan(&n); err != nil {
		return fail(err)
	}
	if n > 0 {
		return fail(conflictOn("period", "assess.period.published", p.String()))
	}
	return tx, s, p, nil
}

// Enter records a manual score, a deduction or a veto of a draft period.
func (a *Assess) Enter(ctx context.Context, actor *pingan.User, schemeID int64, period string, in *pingan.Input, evidence []pingan.Upload) (out *pingan.Input, err error) {
	tx, s, p, err := a.draftWrite(ctx, actor, schemeID, period)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	x := *in
	x.ID, x.Unit, x.Indicator, x.Reason = 0, strings.TrimSpace(x.Unit), strings.TrimSpace(x.Indicator), strings.TrimSpace(x.Reason)
	if x.Kind != pingan.InputScore {
		x.Indicator = ""
	}
	if x.Kind == pingan.InputVeto {
		x.Points = 0
	}
	var v pingan.Invalid
	x.Check(&v, s.Scheme)
	checkEvidence(&v, evidence)
	if x.Unit != "" && !v.Has("unit") {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM units WHERE code = $1 AND level = $2 AND `+unitIn("path", "$3"),
			x.Unit, string(s.Level), likePrefix(s.path)).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			v.Add("unit", "assess.unit.none", pingan.ShowText(x.Unit, 40))
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	w := &filesWritten{ctx: ctx}
	defer func() { a.finishFiles(w, err) }()
	if x.Evidence, err = a.keepEvidence(ctx, tx, actor, evidence, w); err != nil {
		return nil, err
	}
	if x.Kind == pingan.InputScore {
		if _, err := tx.ExecContext(ctx, `DELETE FROM assess_inputs WHERE scheme_id = $1 AND period = $2 AND unit_code = $3 AND kind = $4 AND indicator = $5`,
			s.ID, p.String(), x.Unit, string(x.Kind), x.Indicator); err != nil {
			return nil, err
		}
	}
	ev, err := json.Marshal(nonNilEvidence(x.Evidence))
	if err != nil {
		return nil, err
	}
	x.By, x.At = nameOf(actor), a.now()
	if err := tx.QueryRowContext(ctx, `INSERT INTO assess_inputs (scheme_id, period, unit_code, kind, indicator, points, reason, evidence, by_name, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, s.ID, p.String(), x.Unit, string(x.Kind), x.Indicator, x.Points,
		x.Reason, string(ev), x.By, a.dialect.ts(x.At)).Scan(&x.ID); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return &x, nil
}

func nonNilEvidence(ev []pingan.Evidence) []pingan.Evidence {
	if ev == nil {
		return []pingan.Evidence{}
	}
	return ev
}

// Withdraw removes an input of a draft period.
func (a *Assess) Withdraw(ctx context.Context, actor *pingan.User, schemeID int64, period string, inputID int64) error {
	tx, s, p, err := a.draftWrite(ctx, actor, schemeID, period)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM assess_inputs WHERE id = $1 AND scheme_id = $2 AND period = $3`, inputID, s.ID, p.String())
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return pingan.E(pingan.ENOTFOUND, "assess.input.notfound", inputID)
	}
	return tx.Commit()
}

// Publish freezes the period's results; for a year, stores the units
// designated 平安乡镇 / 平安村(社区).
func (a *Assess) Publish(ctx context.Context, actor *pingan.User, schemeID int64, period string) (*pingan.Assessment, error) {
	s, err := assessor(ctx, a.read, actor, schemeID)
	if err != nil {
		return nil, err
	}
	p, err := periodOf(s.Scheme, period)
	if err != nil {
		return nil, err
	}
	now := a.now()
	if !p.Ended(now) {
		_, to := p.Bounds()
		return nil, conflictOn("period", "assess.period.open", p.String(), pingan.Day(to))
	}
	if pr, err := publishedPeriod(ctx, a.read, s.ID, p.String()); err != nil {
		return nil, err
	} else if pr != nil {
		return nil, conflictOn("period", "assess.period.published", p.String())
	}
	rs, units, err := a.compute(ctx, s, p)
	if err != nil {
		return nil, err
	}
	until, err := a.calendarNow().Due(now, s.ObjectionDays, calendar.WorkingDays)
	if err != nil {
		return nil, err
	}
	body, err := frozen(rs)
	if err != nil {
		return nil, err
	}
	tx, err := a.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var version int
	if err := tx.QueryRowContext(ctx, `SELECT version FROM assess_schemes WHERE id = $1`, s.ID).Scan(&version); err != nil {
		return nil, err
	}
	if version != s.Version { // edited meanwhile: publish again
		return nil, conflictOn("period", "assess.scheme.edited", p.String())
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO assess_periods (scheme_id, period, version, published_at, published_by, objections_until, results)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, s.ID, p.String(), s.Version, a.dialect.ts(now), nameOf(actor), a.dialect.ts(until), body)
	if isUnique(err) {
		return nil, conflictOn("period", "assess.period.published", p.String())
	} else if err != nil {
		return nil, err
	}
	if p.Kind == pingan.PeriodYear {
		if err := designate(ctx, tx, s, rs, units); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return &pingan.Assessment{Scheme: s.Scheme, Period: p.String(), Status: pingan.AssessPublished, PublishedAt: &now,
		PublishedBy: nameOf(actor), ObjectionsUntil: &until, Results: rs}, nil
}

// designate stores the units of a year's results that earn 平安创建, each
// with the county it lies in.
func designate(ctx context.Context, tx *sql.Tx, s *schemeRow, rs []*pingan.Result, units []subjectUnit) error {
	paths := map[string]string{}
	var codes []any
	seen := map[string]bool{}
	for _, u := range units {
		paths[u.Unit] = u.path
		for _, c := range strings.Split(strings.Trim(u.path, "/"), "/") {
			if !seen[c] {
				seen[c] = true
				codes = append(codes, c)
			}
		}
	}
	counties := map[string]bool{}
	if len(codes) > 0 {
		var q args
		level := q.add(string(pingan.LevelCounty))
		list, err := columnOf(ctx, tx, `SELECT code FROM units WHERE level = `+level+` AND code IN (`+q.list(codes...)+`)`, q...)
		if err != nil {
			return err
		}
		for _, c := range list {
			counties[c] = true
		}
	}
	for _, r := range pingan.Designated(s.Scheme, rs) {
		county := ""
		for _, c := range strings.Split(strings.Trim(paths[r.Unit], "/"), "/") {
			if counties[c] {
				county = c
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO peace_designations (year, unit_code, level, county, total, scheme_id)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (year, unit_code) DO NOTHING`,
			s.Year, r.Unit, string(s.Level), county, r.Total, s.ID); err != nil {
			return err
		}
	}
	return nil
}

// publishedWrite starts a write on a published period of the scheme by
// an assessor: ECONFLICT naming period while it is a draft.
func (a *Assess) publishedWrite(ctx context.Context, actor *pingan.User, schemeID int64, period string) (*sql.Tx, *schemeRow, pingan.AssessPeriod, *periodRow, error) {
	var p pingan.AssessPeriod
	tx, err := a.beginWrite(ctx)
	if err != nil {
		return nil, nil, p, nil, err
	}
	fail := func(err error) (*sql.Tx, *schemeRow, pingan.AssessPeriod, *periodRow, error) {
		tx.Rollback()
		return nil, nil, p, nil, err
	}
	s, err := assessor(ctx, tx, actor, schemeID)
	if err != nil {
		return fail(err)
	}
	if p, err = periodOf(s.Scheme, period); err != nil {
		return fail(err)
	}
	pr, err := lockedPeriod(ctx, tx, s.ID, p.String(), a.dialect.forUpdate())
	if err != nil {
		return fail(err)
	}
	if pr == nil {
		return fail(conflictOn("period", "assess.period.draft", p.String()))
	}
	return tx, s, p, pr, nil
}

// resultOf answers the result of unit among rs: ENOTFOUND when the unit
// was not assessed.
func resultOf(rs []*pingan.Result, unit string) (*pingan.Result, error) {
	for _, r := range rs {
		if r.Unit == unit {
			return r, nil
		}
	}
	return nil, pingan.E(pingan.ENOTFOUND, "assess.unit.none", pingan.ShowText(unit, 40))
}

// AddNotice records a 通报 or 约谈 with a published result.
func (a *Assess) AddNotice(ctx context.Context, actor *pingan.User, schemeID int64, period, unit string, n *pingan.AssessNotice) (*pingan.AssessNotice, error) {
	tx, s, p, pr, err := a.publishedWrite(ctx, actor, schemeID, period)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := resultOf(pr.results, unit); err != nil {
		return nil, err
	}
	x := *n
	x.Day, x.Host, x.Attendee, x.Required = strings.TrimSpace(x.Day), strings.TrimSpace(x.Host), strings.TrimSpace(x.Attendee), strings.TrimSpace(x.Required)
	var v pingan.Invalid
	if x.Check(&v); v.Err() != nil {
		return nil, v.Err()
	}
	x.By, x.At = nameOf(actor), a.now()
	if err := tx.QueryRowContext(ctx, `INSERT INTO assess_notices (scheme_id, period, unit_code, kind, day, host, attendee, required, by_name, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, s.ID, p.String(), unit, string(x.Kind), x.Day, x.Host, x.Attendee,
		x.Required, x.By, a.dialect.ts(x.At)).Scan(&x.ID); err != nil {
		return nil, err
	}
	return &x, tx.Commit()
}

// Object files a unit's objection to its published result.
func (a *Assess) Object(ctx context.Context, actor *pingan.User, schemeID int64, period, unit string, o *pingan.Objection, evidence []pingan.Upload) (out *pingan.Objection, err error) {
	if _, err := scopeOf(actor); err != nil {
		return nil, err
	}
	tx, err := a.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	s, err := loadScheme(ctx, tx, schemeID)
	if err != nil {
		return nil, err
	}
	if _, err := readerOf(actor, s); err != nil {
		return nil, err
	}
	p, err := periodOf(s.Scheme, period)
	if err != nil {
		return nil, err
	}
	pr, err := publishedPeriod(ctx, tx, s.ID, p.String())
	if err != nil {
		return nil, err
	} else if pr == nil {
		return nil, pingan.E(pingan.ENOTFOUND, "assess.period.notfound", p.String())
	}
	if _, err := resultOf(pr.results, unit); err != nil {
		return nil, err
	}
	var path string
	if err := tx.QueryRowContext(ctx, `SELECT path FROM units WHERE code = $1`, unit).Scan(&path); err != nil {
		return nil, err
	}
	// A user of the unit, or above it and below the assessing unit.
	if !strings.HasPrefix(actor.ScopePath, path) && !(strings.HasPrefix(path, actor.ScopePath) && len(actor.ScopePath) > len(s.path)) {
		return nil, pingan.E(pingan.EFORBIDDEN, "assess.object.forbidden")
	}
	x := pingan.Objection{Unit: unit, Text: strings.TrimSpace(o.Text)}
	var v pingan.Invalid
	v.Require("text", x.Text)
	if len([]rune(x.Text)) > pingan.MaxAssessText {
		v.Add("text", "assess.text.long", pingan.MaxAssessText)
	}
	checkEvidence(&v, evidence)
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := a.now()
	if now.After(pr.until) {
		return nil, conflictOn("text", "assess.objection.late", pr.until.In(cst).Format("2006-01-02 15:04"))
	}
	w := &filesWritten{ctx: ctx}
	defer func() { a.finishFiles(w, err) }()
	if x.Evidence, err = a.keepEvidence(ctx, tx, actor, evidence, w); err != nil {
		return nil, err
	}
	ev, err := json.Marshal(nonNilEvidence(x.Evidence))
	if err != nil {
		return nil, err
	}
	x.FiledBy, x.FiledAt = nameOf(actor), now
	if err := tx.QueryRowContext(ctx, `INSERT INTO assess_objections (scheme_id, period, unit_code, text, evidence, filed_by, filed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, s.ID, p.String(), unit, x.Text, string(ev), x.FiledBy, a.dialect.ts(now)).Scan(&x.ID); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return &x, nil
}

// correct applies c to the unit's result of the published period in tx,
// rewrites the frozen results and logs the correction.
func (a *Assess) correct(ctx context.Context, tx *sql.Tx, actor *pingan.User, s *schemeRow, p pingan.AssessPeriod, pr *periodRow, unit string, c *pingan.Correction) error {
	sc := s.Scheme
	if pr.version != s.Version {
		var err error
		if sc, err = schemeVersion(ctx, tx, s.Scheme, pr.version); err != nil {
			return err
		}
	}
	c.Reason = strings.TrimSpace(c.Reason)
	c.By, c.At = nameOf(actor), a.now()
	c.ID = 0
	if err := c.Apply(sc, pr.results, unit); err != nil {
		return err
	}
	body, err := json.Marshal(c)
	if err != nil {
		return err
	}
	var obj any
	if c.Objection != 0 {
		obj = c.Objection
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO assess_corrections (scheme_id, period, unit_code, objection, body, reason, by_name, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, s.ID, p.String(), unit, obj, string(body), c.Reason, c.By,
		a.dialect.ts(c.At)).Scan(&c.ID); err != nil {
		return err
	}
	r, _ := resultOf(pr.results, unit)
	r.Corrections[len(r.Corrections)-1].ID = c.ID
	results, err := frozen(pr.results)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE assess_periods SET results = $1 WHERE scheme_id = $2 AND period = $3`, results, s.ID, p.String())
	return err
}

// Answer answers an objection; upheld, with the correction c.
func (a *Assess) Answer(ctx context.Context, actor *pingan.User, objectionID int64, upheld bool, reply string, c *pingan.Correction) (*pingan.Objection, error) {
	if _, err := permittedScope(actor, pingan.CapAssess); err != nil {
		return nil, err
	}
	os, err := objectionsOf(ctx, a.read, `id = $1`, objectionID)
	if err != nil {
		return nil, err
	}
	notFound := pingan.E(pingan.ENOTFOUND, "assess.objection.notfound", objectionID)
	if len(os) == 0 {
		return nil, notFound
	}
	o := os[0]
	tx, s, p, pr, err := a.publishedWrite(ctx, actor, o.scheme, o.period)
	if pingan.ErrorCode(err) == pingan.ENOTFOUND {
		return nil, notFound
	} else if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var answered bool
	if err := tx.QueryRowContext(ctx, `SELECT answered FROM assess_objections WHERE id = $1`, o.ID).Scan(&answered); err != nil {
		return nil, err
	}
	if answered {
		return nil, pingan.E(pingan.ECONFLICT, "assess.objection.answered")
	}
	reply = strings.TrimSpace(reply)
	var v pingan.Invalid
	v.Require("reply", reply)
	if len([]rune(reply)) > pingan.MaxAssessText {
		v.Add("reply", "assess.text.long", pingan.MaxAssessText)
	}
	if upheld && c == nil {
		v.Add("indicator", "field.required")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if upheld {
		x := *c
		x.Objection = o.ID
		if strings.TrimSpace(x.Reason) == "" {
			x.Reason = reply
		}
		if err := a.correct(ctx, tx, actor, s, p, pr, o.Unit, &x); err != nil {
			return nil, err
		}
		*c = x
	}
	now := a.now()
	if _, err := tx.ExecContext(ctx, `UPDATE assess_objections SET answered = $1, upheld = $2, reply = $3, answered_by = $4, answered_at = $5
		WHERE id = $6`, true, upheld, reply, nameOf(actor), a.dialect.ts(now), o.ID); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	out := *o.Objection
	out.Answered, out.Upheld, out.Reply, out.AnsweredBy, out.AnsweredAt = true, upheld, reply, nameOf(actor), &now
	return &out, nil
}

// Correct changes a published result, with the correction logged.
func (a *Assess) Correct(ctx context.Context, actor *pingan.User, schemeID int64, period, unit string, c *pingan.Correction) (*pingan.Correction, error) {
	tx, s, p, pr, err := a.publishedWrite(ctx, actor, schemeID, period)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	x := *c
	x.Objection = 0
	if err := a.correct(ctx, tx, actor, s, p, pr, unit, &x); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return &x, nil
}

// Evidence answers a file of an input or an objection of a result the
// actor reads in full, and its content type.
func (a *Assess) Evidence(ctx context.Context, actor *pingan.User, schemeID int64, period, unit, sum string) ([]byte, string, error) {
	s, err := loadScheme(ctx, a.read, schemeID)
	if err != nil {
		return nil, "", err
	}
	rd, err := readerOf(actor, s)
	if err != nil {
		return nil, "", err
	}
	p, err := periodOf(s.Scheme, period)
	if err != nil {
		return nil, "", err
	}
	if !validSum(sum) {
		return nil, "", fileNotFound()
	}
	var path string
	if err := a.read.QueryRowContext(ctx, `SELECT path FROM units WHERE code = $1`, unit).Scan(&path); errors.Is(err, sql.ErrNoRows) {
		return nil, "", fileNotFound()
	} else if err != nil {
		return nil, "", err
	}
	if !rd.owns(path) {
		return nil, "", fileNotFound()
	}
	if !rd.full {
		if pr, err := publishedPeriod(ctx, a.read, s.ID, p.String()); err != nil {
			return nil, "", err
		} else if pr == nil {
			return nil, "", fileNotFound()
		}
	}
	var evs []pingan.Evidence
	ins, err := inputsOf(ctx, a.read, s.ID, p.String())
	if err != nil {
		return nil, "", err
	}
	for _, in := range ins {
		if in.Unit == unit {
			evs = append(evs, in.Evidence...)
		}
	}
	os, err := objectionsOf(ctx, a.read, `scheme_id = $1 AND period = $2 AND unit_code = $3`, s.ID, p.String(), unit)
	if err != nil {
		return nil, "", err
	}
	for _, o := range os {
		evs = append(evs, o.Evidence...)
	}
	typ := ""
	for _, e := range evs {
		if e.Sum == sum {
			typ = e.Type
		}
	}
	if typ == "" {
		return nil, "", fileNotFound()
	}
	var name sql.NullString
	var sealed []byte
	if err := a.read.QueryRowContext(ctx, `SELECT name, content FROM files WHERE sum = $1`, sum).Scan(&name, &sealed); errors.Is(err, sql.ErrNoRows) {
		return nil, "", fileNotFound()
	} else if err != nil {
		return nil, "", err
	}
	data, err := (&Cases{a.handle}).fileContent(ctx, name, sealed)
	return data, typ, err
}

// CreationShares answers the 创建比例 of each county of actor's
// jurisdiction (or the county actor lies in) for the year and level.
func (a *Assess) CreationShares(ctx context.Context, actor *pingan.User, year int, level pingan.Level) ([]pingan.CreationShare, error) {
	if _, err := scopeOf(actor); err != nil {
		return nil, err
	}
	rows, err := a.read.QueryContext(ctx, `SELECT code, name, path FROM units WHERE level = $1 ORDER BY path`, string(pingan.LevelCounty))
	if err != nil {
		return nil, err
	}
	var out []pingan.CreationShare
	paths := map[string]string{}
	for rows.Next() {
		var c pingan.CreationShare
		var path string
		if err := rows.Scan(&c.County, &c.CountyName, &path); err != nil {
			rows.Close()
			return nil, err
		}
		if strings.HasPrefix(path, actor.ScopePath) || strings.HasPrefix(actor.ScopePath, path) {
			c.Level = level
			out = append(out, c)
			paths[c.County] = path
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Assessed: the units of the level in the published year results.
	bodies, err := columnOf(ctx, a.read, `SELECT p.results FROM assess_periods p JOIN assess_schemes s ON s.id = p.scheme_id
		WHERE s.year = $1 AND s.level = $2 AND p.period = $3`, year, string(level), pingan.AssessPeriod{Kind: pingan.PeriodYear, Year: year}.String())
	if err != nil {
		return nil, err
	}
	assessed := map[string]bool{}
	for _, b := range bodies {
		var rs []*pingan.Result
		if err := json.Unmarshal([]byte(b), &rs); err != nil {
			return nil, err
		}
		for _, r := range rs {
			assessed[r.Unit] = true
		}
	}
	units, err := a.read.QueryContext(ctx, `SELECT code, path FROM units WHERE level = $1`, string(level))
	if err != nil {
		return nil, err
	}
	defer units.Close()
	for units.Next() {
		var code, path string
		if err := units.Scan(&code, &path); err != nil {
			return nil, err
		}
		if !assessed[code] {
			continue
		}
		for i := range out {
			if strings.HasPrefix(path, paths[out[i].County]) {
				out[i].Assessed++
			}
		}
	}
	if err := units.Err(); err != nil {
		return nil, err
	}
	counts, err := a.read.QueryContext(ctx, `SELECT county, count(*) FROM peace_designations WHERE year = $1 AND level = $2 GROUP BY county`, year, string(level))
	if err != nil {
		return nil, err
	}
	defer counts.Close()
	for counts.Next() {
		var county string
		var n int
		if err := counts.Scan(&county, &n); err != nil {
			return nil, err
		}
		for i := range out {
			if out[i].County == county {
				out[i].Designated = n
			}
		}
	}
	if out == nil {
		out = []pingan.CreationShare{}
	}
	return out, counts.Err()
}

// Designations answers the units of actor's jurisdiction designated in
// the year.
func (a *Assess) Designations(ctx context.Context, actor *pingan.User, year int) ([]pingan.Designation, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	rows, err := a.read.QueryContext(ctx, `SELECT d.year, d.unit_code, u.name, d.level, d.county, d.total, d.scheme_id
		FROM peace_designations d JOIN units u ON u.code = d.unit_code WHERE d.year = $1 AND `+unitIn("u.path", "$2")+` ORDER BY u.path`,
		year, scope)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []pingan.Designation{}
	for rows.Next() {
		var d pingan.Designation
		if err := rows.Scan(&d.Year, &d.Unit, &d.UnitName, &d.Level, &d.County, &d.Total, &d.SchemeID); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
