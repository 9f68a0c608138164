package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/workflow"
)

var _ pingan.CaseService = (*DB)(nil)

// Case numbers (案件编号) are the case IDs: YYYY-RRRRRR-NNNNNN, the year of
// the report, the region code and the sequence of the region's year, e.g.
// 2026-620902-000123. They read well over the phone, and the region in them
// sends a lookup to one region.

// caseID answers the ID of the seq-th case of region in year.
func caseID(year int, region string, seq int) string {
	return fmt.Sprintf("%04d-%s-%06d", year, region, seq)
}

// regionOfID answers the region in a case ID; ok is false for a string
// that is not a case ID.
func regionOfID(id string) (region string, ok bool) {
	i, j := strings.IndexByte(id, '-'), strings.LastIndexByte(id, '-')
	if i != 4 || j <= i+1 || j == len(id)-1 {
		return "", false
	}
	for _, r := range id[:4] + id[j+1:] {
		if r < '0' || r > '9' {
			return "", false
		}
	}
	return id[i+1 : j], true
}

// nextNumber gives out the next number of region in year.
func (db *DB) nextNumber(ctx context.Context, tx *sql.Tx, region string, year int) (int, error) {
	s, err := db.stmt(ctx, tx, nextNumberSQL)
	if err != nil {
		return 0, err
	}
	var n int
	err = s.QueryRowContext(ctx, region, year).Scan(&n)
	return n, err
}

// nextNumberSQL counts the cases of region $1 in year $2 and answers the
// count with this one.
const nextNumberSQL = `INSERT INTO case_counters (region, year, last_seq) VALUES ($1, $2, 1)
	ON CONFLICT (region, year) DO UPDATE SET last_seq = case_counters.last_seq + 1
	RETURNING last_seq`

const caseColumns = `region, id, number, kind, category, title, description, status, lat, lng, address, grid,
	unit_code, unit_path, holding_unit, holding_path, assigned_unit, assigned_path, source, reported_by,
	reported_at, sign_by, resolve_by, overdue, suspended, suspended_at, escalation_level, supervised,
	signed_at, resolved_at, closed_at, satisfaction, reporter_sealed, parties_sealed, updated_at, version,
	ungridded, placement`

// sealedCase is a case as read, its personal data still sealed.
type sealedCase struct {
	*pingan.Case
	reporter, parties []byte
}

func scanCase(s scanner) (sealedCase, error) {
	var c pingan.Case
	var sc sealedCase
	var lat, lng sql.NullFloat64
	var reportedAt, signBy, resolveBy, suspendedAt, signedAt, resolvedAt, closedAt, updatedAt stamp
	var satisfaction sql.NullString
	err := s.Scan(&c.Region, &c.ID, &c.Number, &c.Kind, &c.Category, &c.Title, &c.Description, &c.Status,
		&lat, &lng, &c.Address, &c.Grid,
		&c.Unit, &c.UnitPath, &c.HoldingUnit, &c.HoldingPath, &c.AssignedUnit, &c.AssignedPath, &c.Source, &c.ReportedBy,
		&reportedAt, &signBy, &resolveBy, &c.Overdue, &c.Suspended, &suspendedAt, &c.EscalationLevel, &c.Supervised,
		&signedAt, &resolvedAt, &closedAt, &satisfaction, &sc.reporter, &sc.parties, &updatedAt, &c.Version,
		&c.Ungridded, &c.Placement)
	if err != nil {
		return sc, err
	}
	if lat.Valid && lng.Valid {
		c.Location = &pingan.Location{Lat: lat.Float64, Lng: lng.Float64}
	}
	c.ReportedAt, c.UpdatedAt = reportedAt.T, updatedAt.T
	c.SignBy, c.ResolveBy, c.SuspendedAt = signBy.ptr(), resolveBy.ptr(), suspendedAt.ptr()
	c.SignedAt, c.ResolvedAt, c.ClosedAt = signedAt.ptr(), resolvedAt.ptr(), closedAt.ptr()
	if satisfaction.Valid && satisfaction.String != "" {
		s := pingan.Satisfaction(satisfaction.String)
		c.Satisfaction = &s
	}
	sc.Case = &c
	return sc, nil
}

// visibleTo is the SQL condition that a case lies in the jurisdiction whose
// LIKE pattern is the parameter $n: where it happened, who holds it, or
// who must act.
func visibleTo(n int) string {
	p := fmt.Sprintf("$%d", n)
	return `(unit_path LIKE ` + p + ` ESCAPE '\' OR holding_path LIKE ` + p + ` ESCAPE '\' OR assigned_path LIKE ` + p + ` ESCAPE '\')`
}

// loadCase answers the case with the id inside the jurisdiction scope (a
// LIKE pattern; "" for the system), locking its row on PostgreSQL when
// lock is set; ENOTFOUND when there is none.
func (db *DB) loadCase(ctx context.Context, tx *sql.Tx, scope, id string, lock bool) (sealedCase, error) {
	region, ok := regionOfID(id)
	if !ok {
		return sealedCase{}, errCaseNotFound(id)
	}
	q := `SELECT ` + caseColumns + ` FROM cases WHERE region = $1 AND id = $2`
	a := args{region, id}
	if scope != "" {
		q += ` AND ` + visibleTo(3)
		a.add(scope)
	}
	if lock {
		q += db.dialect.forUpdate()
	}
	sc, err := scanCase(tx.QueryRowContext(ctx, q, a...))
	if errors.Is(err, sql.ErrNoRows) {
		return sc, errCaseNotFound(id)
	}
	return sc, err
}

// insertCase writes a new case row.
func (db *DB) insertCase(ctx context.Context, tx *sql.Tx, c *pingan.Case, reporter, parties []byte) error {
	var lat, lng any
	if c.Location != nil {
		lat, lng = c.Location.Lat, c.Location.Lng
	}
	d := db.dialect
	s, err := db.stmt(ctx, tx, `INSERT INTO cases (`+caseColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
		$11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30,
		$31, $32, $33, $34, $35, $36, $37, $38)`)
	if err != nil {
		return err
	}
	_, err = s.ExecContext(ctx,
		c.Region, c.ID, c.Number, string(c.Kind), c.Category, c.Title, c.Description, string(c.Status), lat, lng,
		c.Address, c.Grid, c.Unit, c.UnitPath, c.HoldingUnit, c.HoldingPath, c.AssignedUnit, c.AssignedPath,
		string(c.Source), c.ReportedBy, d.ts(c.ReportedAt), d.tsp(c.SignBy), d.tsp(c.ResolveBy), c.Overdue, c.Suspended,
		d.tsp(c.SuspendedAt), c.EscalationLevel, c.Supervised, d.tsp(c.SignedAt), d.tsp(c.ResolvedAt), d.tsp(c.ClosedAt),
		satisfactionValue(c.Satisfaction), nilIfEmpty(reporter), nilIfEmpty(parties), d.ts(c.UpdatedAt), c.Version,
		c.Ungridded, c.Placement)
	return err
}

// updateCase writes the state of c, if the row still has version old:
// ECONFLICT when someone else changed the case meanwhile.
func (db *DB) updateCase(ctx context.Context, tx *sql.Tx, c *pingan.Case, old int) error {
	var lat, lng any
	if c.Location != nil {
		lat, lng = c.Location.Lat, c.Location.Lng
	}
	d := db.dialect
	res, err := tx.ExecContext(ctx, `UPDATE cases SET kind = $4, category = $5, title = $6, description = $7, status = $8,
		lat = $9, lng = $10, address = $11, grid = $12, holding_unit = $13, holding_path = $14,
		assigned_unit = $15, assigned_path = $16, sign_by = $17, resolve_by = $18, overdue = $19, suspended = $20,
		suspended_at = $21, escalation_level = $22, supervised = $23, signed_at = $24, resolved_at = $25,
		closed_at = $26, satisfaction = $27, updated_at = $28, version = $29
		WHERE region = $1 AND id = $2 AND version = $3`,
		c.Region, c.ID, old, string(c.Kind), c.Category, c.Title, c.Description, string(c.Status),
		lat, lng, c.Address, c.Grid, c.HoldingUnit, c.HoldingPath,
		c.AssignedUnit, c.AssignedPath, d.tsp(c.SignBy), d.tsp(c.ResolveBy), c.Overdue, c.Suspended,
		d.tsp(c.SuspendedAt), c.EscalationLevel, c.Supervised, d.tsp(c.SignedAt), d.tsp(c.ResolvedAt),
		d.tsp(c.ClosedAt), satisfactionValue(c.Satisfaction), d.ts(c.UpdatedAt), c.Version)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return pingan.Errorf(pingan.ECONFLICT, "案件已被他人更新，请刷新后重试 (the case was changed meanwhile; reload and try again) %s", c.ID)
	}
	return nil
}

func satisfactionValue(s *pingan.Satisfaction) any {
	if s == nil {
		return nil
	}
	return string(*s)
}

func nilIfEmpty(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// seal encrypts the personal data of c.
func (db *DB) seal(c *pingan.Case) (reporter, parties []byte, err error) {
	if c.Reporter != nil && *c.Reporter != (pingan.Person{}) {
		if reporter, err = db.sealJSON(c.Reporter); err != nil {
			return nil, nil, err
		}
	}
	if len(c.Parties) > 0 {
		if parties, err = db.sealJSON(c.Parties); err != nil {
			return nil, nil, err
		}
	}
	return reporter, parties, nil
}

func (db *DB) sealJSON(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return db.sealer.Seal(b)
}

// open decrypts the personal data of sc into its case, masked or whole.
func (db *DB) open(sc sealedCase, masked bool) error {
	c := sc.Case
	db.markProvisional(context.Background(), c)
	c.Reporter, c.Parties, c.PersonalMasked = nil, nil, masked
	if len(sc.reporter) > 0 {
		b, err := db.sealer.Open(sc.reporter)
		if err != nil {
			return fmt.Errorf("store: case %s reporter: %w", c.ID, err)
		}
		var p pingan.Person
		if err := json.Unmarshal(b, &p); err != nil {
			return fmt.Errorf("store: case %s reporter: %w", c.ID, err)
		}
		if masked {
			p = p.Masked()
		}
		c.Reporter = &p
	}
	if len(sc.parties) > 0 {
		b, err := db.sealer.Open(sc.parties)
		if err != nil {
			return fmt.Errorf("store: case %s parties: %w", c.ID, err)
		}
		if err := json.Unmarshal(b, &c.Parties); err != nil {
			return fmt.Errorf("store: case %s parties: %w", c.ID, err)
		}
		if masked {
			for i, p := range c.Parties {
				c.Parties[i] = p.Masked()
			}
		}
	}
	return nil
}

// Limits of a report's text.
const (
	maxTitle       = 200
	maxDescription = 20000
)

// CreateCase reports a case: validates it (EINVALID naming each bad field),
// numbers it, seals its personal data, fills in its state with
// workflow.Report and writes the case and its first timeline entry in one
// transaction, which it shares with the reports arriving at the same time
// (group.go). The same IdempotencyKey from the same user answers the case
// made the first time. The unit defaults to the reporter's (for a centre or
// department, the administrative unit it serves). A nil actor is the public
// (a citizen's report): the unit must then be given. The answer has its
// personal data masked.
func (db *DB) CreateCase(ctx context.Context, actor *pingan.User, in *pingan.NewCase) (*pingan.Case, error) {
	if in == nil {
		return nil, pingan.Errorf(pingan.EINVALID, "缺少案件内容 (no case given)")
	}
	key := ""
	if actor != nil {
		if _, err := scopeOf(actor); err != nil {
			return nil, err
		}
		key = strings.TrimSpace(in.IdempotencyKey)
	}
	now := db.now()
	var c *pingan.Case
	err := db.inGroup(ctx, func(ctx context.Context, tx *sql.Tx) (err error) {
		c, err = db.writeCase(ctx, tx, actor, in, key, now)
		return err
	})
	if err != nil {
		return db.answerKey(ctx, actor, key, err)
	}
	c.Reporter, c.Parties = maskPerson(c.Reporter), maskParties(c.Parties)
	c.PersonalMasked = true
	db.markProvisional(ctx, c)
	if actor != nil {
		c.AllowedActions = workflow.Allowed(c, actor)
	}
	return c, nil
}

// errKeyUsed answers writeCase when the idempotency key has a case already.
var errKeyUsed = errors.New("store: idempotency key used")

// report writes a new case and its first timeline entry in tx: checks the
// input, fills the state from the lifecycle, gives it the next number of its
// region and year, and seals its personal data. edit, when given, adjusts
// the timeline entry before it is written.
func (db *DB) report(ctx context.Context, tx *sql.Tx, actor *pingan.User, in *pingan.NewCase, now time.Time, edit func(*pingan.Action)) (*pingan.Case, error) {
	c, cat, err := db.checkNewCase(ctx, tx, actor, in, now)
	if err != nil {
		return nil, err
	}
	act, err := workflow.Report(c, actor, in, workflow.Env{Now: now, Calendar: db.Calendar(), Policy: cat.Policy})
	if err != nil {
		return nil, err
	}
	if edit != nil {
		edit(act)
	}
	year := c.ReportedAt.In(cst).Year()
	seq, err := db.nextNumber(ctx, tx, c.Region, year)
	if err != nil {
		return nil, err
	}
	c.ID = caseID(year, c.Region, seq)
	c.Number, c.Version, c.UpdatedAt = c.ID, 1, now
	reporter, parties, err := db.seal(c)
	if err != nil {
		return nil, err
	}
	if err := db.insertCase(ctx, tx, c, reporter, parties); err != nil {
		return nil, err
	}
	act.Seq, act.CaseID = 1, c.ID
	if err := db.insertAction(ctx, tx, c.Region, act); err != nil {
		return nil, err
	}
	return c, nil
}

// writeCase validates, numbers and writes a report in tx: the case, its
// first timeline entry and its idempotency key if not "". The key is
// written last, once the report is known to be good, and checked by its
// insert alone: errKeyUsed when it has a case already (the caller rolls
// back and answers that case). The answer's personal data is not yet
// masked.
func (db *DB) writeCase(ctx context.Context, tx *sql.Tx, actor *pingan.User, in *pingan.NewCase, key string, now time.Time) (*pingan.Case, error) {
	c, err := db.report(ctx, tx, actor, in, now, nil)
	if err != nil {
		return nil, err
	}

	if key != "" {
		s, err := db.stmt(ctx, tx, `INSERT INTO idempotency_keys (user_id, key, region, case_id, created_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (user_id, key) DO NOTHING`)
		if err != nil {
			return nil, err
		}
		res, err := s.ExecContext(ctx, actor.ID, key, c.Region, c.ID, db.dialect.ts(now))
		if err != nil {
			return nil, err
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, err
		} else if n == 0 {
			return nil, errKeyUsed
		}
	}
	return c, nil
}

// answerKey answers a report that failed with err: when its idempotency
// key was used before, or at the same moment by a request that won, the
// key's case (even if this report is now refused); else err.
func (db *DB) answerKey(ctx context.Context, actor *pingan.User, key string, err error) (*pingan.Case, error) {
	if key == "" {
		return nil, err
	}
	first, ferr := db.caseByKey(ctx, actor, key)
	switch {
	case first != nil:
		return first, nil
	case !errors.Is(err, errKeyUsed):
		return nil, err
	case ferr != nil:
		return nil, ferr
	}
	return nil, fmt.Errorf("store: the case of idempotency key %q is gone", key)
}

// caseByKey answers the case that the actor's idempotency key made, with
// personal data masked; nil when the key has none.
func (db *DB) caseByKey(ctx context.Context, actor *pingan.User, key string) (*pingan.Case, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var region, id string
	err = tx.QueryRowContext(ctx, `SELECT region, case_id FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
		actor.ID, key).Scan(&region, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	sc, err := db.loadCase(ctx, tx, "", id, false)
	if err != nil {
		return nil, err
	}
	if err := db.open(sc, true); err != nil {
		return nil, err
	}
	sc.AllowedActions = workflow.Allowed(sc.Case, actor)
	return sc.Case, tx.Commit()
}

// checkNewCase validates in and answers the case to report and its category.
func (db *DB) checkNewCase(ctx context.Context, tx *sql.Tx, actor *pingan.User, in *pingan.NewCase, now time.Time) (*pingan.Case, *pingan.Category, error) {
	var v pingan.Invalid
	title, desc := strings.TrimSpace(in.Title), strings.TrimSpace(in.Description)
	if !in.Kind.Valid() {
		if in.Kind == "" {
			v.Require("kind", "")
		} else {
			v.Add("kind", "未知种类 (unknown kind) "+string(in.Kind)+"；可选 dispute, petition, hazard, service")
		}
	}
	var cat *pingan.Category
	if strings.TrimSpace(in.Category) == "" {
		v.Require("category", "")
	} else {
		var err error
		if cat, err = db.lookupCategory(ctx, tx, strings.TrimSpace(in.Category)); err != nil {
			return nil, nil, err
		}
		if cat == nil {
			v.Add("category", "未知类别 (unknown category) "+in.Category)
		} else if in.Kind.Valid() && cat.Kind != in.Kind {
			v.Add("category", fmt.Sprintf("类别 %s 不属于种类 %s (category is of kind %s)", cat.Code, in.Kind, cat.Kind))
		}
	}
	if title == "" && desc == "" {
		v.Add("title", "标题和描述至少填写一项 (a title or a description is required)")
	}
	if utf8.RuneCountInString(title) > maxTitle {
		v.Add("title", fmt.Sprintf("标题不能超过 %d 字 (at most %d characters)", maxTitle, maxTitle))
	}
	if utf8.RuneCountInString(desc) > maxDescription {
		v.Add("description", fmt.Sprintf("描述不能超过 %d 字 (at most %d characters)", maxDescription, maxDescription))
	}
	source := in.Source
	switch {
	case source == "" && actor == nil:
		source = pingan.SourceCitizen
	case source == "" && actor.Has(pingan.RoleGridWorker):
		source = pingan.SourceGridWorker
	case source == "":
		source = pingan.SourceAPI
	case !validSource(source):
		v.Add("source", "未知来源 (unknown source) "+string(source))
	}
	if l := in.Location; l != nil {
		if math.IsNaN(l.Lat) || l.Lat < -90 || l.Lat > 90 {
			v.Add("location.lat", "纬度须在 -90 到 90 之间 (latitude must be within -90…90)")
		}
		if math.IsNaN(l.Lng) || l.Lng < -180 || l.Lng > 180 {
			v.Add("location.lng", "经度须在 -180 到 180 之间 (longitude must be within -180…180)")
		}
	}
	reportedAt := now
	if !in.ReportedAt.IsZero() {
		if in.ReportedAt.After(now.Add(time.Minute)) {
			v.Add("reported_at", "上报时间不能晚于现在 (the report time cannot be in the future)")
		}
		reportedAt = in.ReportedAt.In(cst).Truncate(time.Millisecond)
	}

	// Where it happened: the grid holding its position, the grid given, the
	// lowest unit whose area holds the position, the unit given, or the
	// reporter's own (placement.go).
	place, err := db.placeCase(ctx, tx, actor, in, &v)
	if err != nil {
		return nil, nil, err
	}
	if err := v.Err(); err != nil {
		return nil, nil, err
	}
	unit := place.unit
	c := &pingan.Case{
		Region: unit.Region, Kind: cat.Kind, Category: cat.Code, Title: title, Description: desc,
		Location: in.Location, Address: strings.TrimSpace(in.Address), Grid: place.grid,
		Ungridded: place.ungridded, Placement: place.sentence,
		Unit: unit.Code, UnitPath: unit.Path, Source: source, ReportedAt: reportedAt,
		Reporter: in.Reporter, Parties: in.Parties,
	}
	return c, cat, nil
}

func validSource(s pingan.Source) bool {
	for _, x := range pingan.Sources {
		if x == s {
			return true
		}
	}
	return false
}

func maskPerson(p *pingan.Person) *pingan.Person {
	if p == nil {
		return nil
	}
	m := p.Masked()
	return &m
}

func maskParties(ps []pingan.Person) []pingan.Person {
	if ps == nil {
		return nil
	}
	out := make([]pingan.Person, len(ps))
	for i, p := range ps {
		out[i] = p.Masked()
	}
	return out
}

// FindCase answers one case in the actor's jurisdiction with its personal
// data whole or masked as pingan.SeesPersonal decides, and the actions the
// actor may take. Reading a case that has personal data writes an audit
// row (read_personal, with whether the read was masked) in the same
// transaction.
func (db *DB) FindCase(ctx context.Context, actor *pingan.User, id string) (*pingan.Case, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	sc, err := db.loadCase(ctx, tx, scope, id, false)
	if err != nil {
		return nil, err
	}
	masked := !pingan.SeesPersonal(actor, sc.Case)
	if err := db.open(sc, masked); err != nil {
		return nil, err
	}
	if len(sc.reporter) > 0 || len(sc.parties) > 0 {
		var read []string
		if len(sc.reporter) > 0 {
			read = append(read, "reporter")
		}
		if len(sc.parties) > 0 {
			read = append(read, "parties")
		}
		if err := db.auditMasked(ctx, tx, actor, "read_personal", sc.Region, sc.ID, strings.Join(read, ","), masked); err != nil {
			return nil, err
		}
	}
	sc.AllowedActions = workflow.Allowed(sc.Case, actor)
	return sc.Case, tx.Commit()
}

// DefaultLimit and MaxLimit bound a page of FindCases.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// FindCases lists the cases in the actor's jurisdiction matching f, newest
// first, with personal data masked, and the cursor of the next page ("" on
// the last). Category matches the category and its subcategories; Q
// searches the number, title, description and address.
func (db *DB) FindCases(ctx context.Context, actor *pingan.User, f pingan.CaseFilter) ([]*pingan.Case, string, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, "", err
	}
	var v pingan.Invalid
	a := args{scope}
	arg := a.add
	where := []string{visibleTo(1)}
	if len(f.Status) > 0 {
		var ps []string
		for _, s := range f.Status {
			if !validStatus(s) {
				v.Add("status", "未知状态 (unknown status) "+string(s))
			}
			ps = append(ps, arg(string(s)))
		}
		where = append(where, "status IN ("+strings.Join(ps, ", ")+")")
	}
	if f.Kind != "" {
		if !f.Kind.Valid() {
			v.Add("kind", "未知种类 (unknown kind) "+string(f.Kind))
		}
		where = append(where, "kind = "+arg(string(f.Kind)))
	}
	if f.Category != "" {
		p := arg(f.Category)
		where = append(where, "category IN (SELECT code FROM categories WHERE code = "+p+" OR parent = "+p+")")
	}
	if f.Grid != "" {
		where = append(where, "grid = "+arg(f.Grid))
	}
	if f.Overdue != nil {
		where = append(where, "overdue = "+arg(*f.Overdue))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		p, like := arg(likeContains(q)), db.dialect.ilike()
		where = append(where, fmt.Sprintf(`(number LIKE %[1]s ESCAPE '\' OR title %[2]s %[1]s ESCAPE '\' OR description %[2]s %[1]s ESCAPE '\' OR address %[2]s %[1]s ESCAPE '\')`, p, like))
	}
	if !f.From.IsZero() {
		where = append(where, "reported_at >= "+arg(db.dialect.ts(f.From)))
	}
	if !f.To.IsZero() {
		where = append(where, "reported_at < "+arg(db.dialect.ts(f.To)))
	}
	if f.Cursor != "" {
		at, id, ok := parseCursor(f.Cursor)
		if !ok {
			v.Add("cursor", "翻页标记无效 (invalid cursor)")
		} else {
			pa, pi := arg(db.dialect.ts(at)), arg(id)
			where = append(where, fmt.Sprintf("(reported_at < %s OR (reported_at = %s AND id < %s))", pa, pa, pi))
		}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	} else if limit > MaxLimit {
		limit = MaxLimit
	}
	if err := v.Err(); err != nil {
		return nil, "", err
	}

	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	if f.Unit != "" {
		u, err := scanUnit(tx.QueryRowContext(ctx, `SELECT `+unitColumns+` FROM units WHERE code = $1 AND path LIKE $2 ESCAPE '\'`, f.Unit, scope))
		if errors.Is(err, sql.ErrNoRows) {
			return nil, "", errUnitNotFound(f.Unit)
		} else if err != nil {
			return nil, "", err
		}
		p := arg(likePrefix(u.Path))
		where = append(where, fmt.Sprintf(`(unit_path LIKE %[1]s ESCAPE '\' OR assigned_path LIKE %[1]s ESCAPE '\')`, p))
	}
	q := `SELECT ` + caseColumns + ` FROM cases WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY reported_at DESC, id DESC LIMIT ` + arg(limit+1)
	rows, err := tx.QueryContext(ctx, q, a...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []*pingan.Case
	for rows.Next() {
		sc, err := scanCase(rows)
		if err != nil {
			return nil, "", err
		}
		if err := db.open(sc, true); err != nil {
			return nil, "", err
		}
		out = append(out, sc.Case)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = makeCursor(last.ReportedAt, last.ID)
	}
	return out, next, tx.Commit()
}

func validStatus(s pingan.Status) bool {
	for _, x := range pingan.Statuses {
		if x == s {
			return true
		}
	}
	return false
}

// A cursor is the position after the last case of a page: its report time
// (milliseconds since 1970) and ID, opaque to clients.
func makeCursor(at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(at.UnixMilli(), 10) + "|" + id))
}

func parseCursor(s string) (time.Time, string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return time.Time{}, "", false
	}
	ms, id, ok := strings.Cut(string(b), "|")
	n, err := strconv.ParseInt(ms, 10, 64)
	if !ok || err != nil || id == "" {
		return time.Time{}, "", false
	}
	return time.UnixMilli(n), id, true
}
