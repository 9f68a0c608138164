package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/workflow"
)

// Cases is the cases (案件) and their lifecycle: pingan.CaseService, the
// escalation of missed deadlines (pingan.Escalator, escalate.go) and the
// files attached to cases (pingan.FileService, file.go). Files arrive only
// with a report or an action, in its transaction, and are read only
// through a case in the reader's jurisdiction, so they are served here.
type Cases struct{ *handle }

var _ pingan.CaseService = (*Cases)(nil)

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
func (h *handle) nextNumber(ctx context.Context, tx *sql.Tx, region string, year int) (int, error) {
	s, err := h.stmt(ctx, tx, nextNumberSQL)
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

// caseInsertColumns are the columns a new case is written with; a new case
// has no supervision order yet, so supervise_by is written by updateCase
// only. caseColumns are those scanCase reads.
const caseInsertColumns = `region, id, number, kind, category, title, description, status, lat, lng, address, grid,
	unit_code, unit_path, holding_unit, holding_path, assigned_unit, assigned_path, source, reported_by,
	reported_at, sign_by, resolve_by, overdue, suspended, suspended_at, escalation_level, supervised,
	signed_at, resolved_at, closed_at, satisfaction, reporter_sealed, parties_sealed, updated_at, version,
	ungridded, placement`

// caseTradeColumns are the fields of the trade (docs/urgency.md): a new
// case is written with them only when one differs from the column's
// default, so that a report still writes to a database not yet migrated
// past 0013 (store/intake_files_test.go reports on one at 0008).
const caseTradeColumns = `hotline_no, urgency, sensitive`

// caseRequestColumns are a handler's pending request (延期、挂起申请),
// written by updateCase only.
const caseRequestColumns = `request_action, request_days, request_reason`

// caseCountColumns are what the statistics count of a case beyond its
// state (tally.go), written by updateCase only.
const caseCountColumns = `returns, reworks, reopens, sign_late`

const caseColumns = caseInsertColumns + `, supervise_by, ` + caseTradeColumns + `, ` + caseRequestColumns + `, ` + caseCountColumns +
	`, ` + caseMediationColumns + `, ` + casePetitionColumns + `, ` + caseHazardColumns + `, personal_purged_at`

// sealedCase is a case as read, its personal data still sealed.
type sealedCase struct {
	*pingan.Case
	reporter, parties []byte
}

func scanCase(s scanner) (sealedCase, error) {
	var c pingan.Case
	var sc sealedCase
	var lat, lng sql.NullFloat64
	var reportedAt, signBy, resolveBy, suspendedAt, signedAt, resolvedAt, closedAt, updatedAt, superviseBy stamp
	var satisfaction sql.NullString
	var med mediationScan
	var pet petitionScan
	var hz hazardScan  // a hazard's (hazard.go)
	var purgedAt stamp // the end of its personal data's retention (retention.go)
	err := s.Scan(append(append(append([]any{&c.Region, &c.ID, &c.Number, &c.Kind, &c.Category, &c.Title, &c.Description, &c.Status,
		&lat, &lng, &c.Address, &c.Grid,
		&c.Unit, &c.UnitPath, &c.HoldingUnit, &c.HoldingPath, &c.AssignedUnit, &c.AssignedPath, &c.Source, &c.ReportedBy,
		&reportedAt, &signBy, &resolveBy, &c.Overdue, &c.Suspended, &suspendedAt, &c.EscalationLevel, &c.Supervised,
		&signedAt, &resolvedAt, &closedAt, &satisfaction, &sc.reporter, &sc.parties, &updatedAt, &c.Version,
		&c.Ungridded, &c.Placement, &superviseBy, &c.HotlineNo, &c.Urgency, &c.Sensitive,
		&c.RequestAction, &c.RequestDays, &c.RequestReason, &c.Returns, &c.Reworks, &c.Reopens, &c.SignLate}, med.dest()...), pet.dest()...), append(hz.dest(), &purgedAt)...)...)
	if err != nil {
		return sc, err
	}
	c.PersonalPurgedAt = purgedAt.ptr()
	med.apply(&c)
	pet.apply(&c)
	hz.apply(&c)
	if lat.Valid && lng.Valid {
		c.Location = &pingan.Location{Lat: lat.Float64, Lng: lng.Float64}
	}
	c.ReportedAt, c.UpdatedAt = reportedAt.T, updatedAt.T
	c.SignBy, c.ResolveBy, c.SuspendedAt = signBy.ptr(), resolveBy.ptr(), suspendedAt.ptr()
	c.SignedAt, c.ResolvedAt, c.ClosedAt = signedAt.ptr(), resolvedAt.ptr(), closedAt.ptr()
	c.SuperviseBy = superviseBy.ptr()
	if satisfaction.Valid && satisfaction.String != "" {
		s := pingan.Satisfaction(satisfaction.String)
		c.Satisfaction = &s
	}
	sc.Case = &c
	return sc, nil
}

// loadCase answers the case with the id inside the jurisdiction scope (a
// LIKE pattern; "" for the system), with its assists (协办), locking its row
// on PostgreSQL when lock is set; ENOTFOUND when there is none. A user's
// read or action loads with loadCaseAs, which adds the cases their unit
// assists (cohandle.go).
func (h *handle) loadCase(ctx context.Context, tx *sql.Tx, scope, id string, lock bool) (sealedCase, error) {
	return h.loadCaseAs(ctx, tx, scope, "", id, lock)
}

// insertCase writes a new case row.
func (h *handle) insertCase(ctx context.Context, tx *sql.Tx, c *pingan.Case, reporter, parties []byte) error {
	var lat, lng any
	if c.Location != nil {
		lat, lng = c.Location.Lat, c.Location.Lng
	}
	d := h.dialect
	a := args{
		c.Region, c.ID, c.Number, string(c.Kind), c.Category, c.Title, c.Description, string(c.Status), lat, lng,
		c.Address, c.Grid, c.Unit, c.UnitPath, c.HoldingUnit, c.HoldingPath, c.AssignedUnit, c.AssignedPath,
		string(c.Source), c.ReportedBy, d.ts(c.ReportedAt), d.tsp(c.SignBy), d.tsp(c.ResolveBy), c.Overdue, c.Suspended,
		d.tsp(c.SuspendedAt), c.EscalationLevel, c.Supervised, d.tsp(c.SignedAt), d.tsp(c.ResolvedAt), d.tsp(c.ClosedAt),
		satisfactionValue(c.Satisfaction), nilIfEmpty(reporter), nilIfEmpty(parties), d.ts(c.UpdatedAt), c.Version,
		c.Ungridded, c.Placement}
	cols := caseInsertColumns
	if c.HotlineNo != "" || (c.Urgency != "" && c.Urgency != pingan.UrgencyNormal) || c.Sensitive { // docs/urgency.md
		cols += ", " + caseTradeColumns
		a = append(a, c.HotlineNo, string(c.Urgency), c.Sensitive)
	}
	if hasFacts(c) { // a dispute's facts (dispute.go), as the trade's
		cols += ", " + caseFactColumns
		a = append(a, c.Mediation.AmountFen, c.Mediation.People, c.Mediation.Group, c.Mediation.Volatile)
	}
	if isPetition(c) { // a petition's registration and state, and its petitioner's key (petition_row.go)
		cols += ", " + casePetitionColumns + ", petitioner_key"
		a = append(append(a, petitionArgs(d, c)...), h.petitionerKey(c))
	}
	if isHazard(c) { // a hazard's level, site and state (hazard.go)
		cols += ", " + caseHazardColumns
		a = append(a, hazardArgs(d, c)...)
	}
	marks := make([]string, len(a))
	for i := range marks {
		marks[i] = "$" + strconv.Itoa(i+1)
	}
	s, err := h.stmt(ctx, tx, `INSERT INTO cases (`+cols+`) VALUES (`+strings.Join(marks, ", ")+`)`)
	if err != nil {
		return err
	}
	if _, err = s.ExecContext(ctx, a...); err != nil {
		return err
	}
	return h.counters(ctx, tx, nil, c) // the counters of the statistics and the open-now gauges (tally.go)
}

// updateCaseSQL writes every column of a case row an action may change,
// if the row is still at the version read ($3).
var updateCaseSQL = `UPDATE cases SET kind = $4, category = $5, title = $6, description = $7, status = $8,
		lat = $9, lng = $10, address = $11, grid = $12, holding_unit = $13, holding_path = $14,
		assigned_unit = $15, assigned_path = $16, sign_by = $17, resolve_by = $18, overdue = $19, suspended = $20,
		suspended_at = $21, escalation_level = $22, supervised = $23, signed_at = $24, resolved_at = $25,
		closed_at = $26, satisfaction = $27, updated_at = $28, version = $29, supervise_by = $30,
		request_action = $31, request_days = $32, request_reason = $33,
		returns = $34, reworks = $35, reopens = $36, sign_late = $37,
		amount_fen = $38, people = $39, group_dispute = $40, med_sessions = $41, med_outcome = $42, med_referral = $43,
		agreed_at = $44, confirm_by = $45, confirmation = $46, terms = $47, terms_performed = $48, next_due = $49,
		perform_due = $50, revisit_by = $51, revisited_at = $52, settled = $53, ` + petitionSet(54) + `,
		` + hazardSet(54+len(petitionColumnNames)) + `
		WHERE region = $1 AND id = $2 AND version = $3`

// updateCase writes the state of c, if the row still has version old:
// ECONFLICT when someone else changed the case meanwhile.
func (h *handle) updateCase(ctx context.Context, tx *sql.Tx, c *pingan.Case, old int) error {
	var lat, lng any
	if c.Location != nil {
		lat, lng = c.Location.Lat, c.Location.Lng
	}
	before, err := h.tallyBefore(ctx, tx, c.Region, c.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return pingan.E(pingan.ECONFLICT, "case.stale", c.ID)
	} else if err != nil {
		return err
	}
	d := h.dialect
	st, err := h.stmt(ctx, tx, updateCaseSQL) // prepared once: the statement is long to parse
	if err != nil {
		return err
	}
	res, err := st.ExecContext(ctx, append(append(append([]any{
		c.Region, c.ID, old, string(c.Kind), c.Category, c.Title, c.Description, string(c.Status),
		lat, lng, c.Address, c.Grid, c.HoldingUnit, c.HoldingPath,
		c.AssignedUnit, c.AssignedPath, d.tsp(c.SignBy), d.tsp(c.ResolveBy), c.Overdue, c.Suspended,
		d.tsp(c.SuspendedAt), c.EscalationLevel, c.Supervised, d.tsp(c.SignedAt), d.tsp(c.ResolvedAt),
		d.tsp(c.ClosedAt), satisfactionValue(c.Satisfaction), d.ts(c.UpdatedAt), c.Version, d.tsp(c.SuperviseBy),
		string(c.RequestAction), c.RequestDays, c.RequestReason, c.Returns, c.Reworks, c.Reopens, c.SignLate},
		mediationArgs(d, c)...), petitionArgs(d, c)...), hazardArgs(d, c)...)...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return pingan.E(pingan.ECONFLICT, "case.stale", c.ID)
	}
	if before == nil {
		return nil
	}
	return h.counters(ctx, tx, before, c) // the counters of the statistics and the open-now gauges (tally.go)
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
func (h *handle) seal(c *pingan.Case) (reporter, parties []byte, err error) {
	if c.Reporter != nil && *c.Reporter != (pingan.Person{}) {
		if reporter, err = h.sealJSON(c.Reporter); err != nil {
			return nil, nil, err
		}
	}
	if len(c.Parties) > 0 {
		if parties, err = h.sealJSON(c.Parties); err != nil {
			return nil, nil, err
		}
	}
	return reporter, parties, nil
}

func (h *handle) sealJSON(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return h.sealer.Seal(b)
}

// open decrypts the personal data of sc into its case, masked or whole.
func (s *Cases) open(sc sealedCase, masked bool) error {
	c := sc.Case
	s.markProvisional(context.Background(), c)
	c.Reporter, c.Parties, c.PersonalMasked = nil, nil, masked
	if len(sc.reporter) > 0 {
		b, err := s.sealer.Open(sc.reporter)
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
		b, err := s.sealer.Open(sc.parties)
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

// CreateCase reports a case: validates it (EINVALID naming each bad field),
// numbers it, seals its personal data, fills in its state with
// workflow.Report and writes the case, its photos and its first timeline
// entry in one transaction, which it shares with the reports arriving at
// the same time (group.go). The same IdempotencyKey from the same user
// answers the case made the first time. The unit defaults to the
// reporter's (for a centre or department, the administrative unit it
// serves). A nil actor is the public (a citizen's report without the
// query code of FileCase): the unit must then be given; a user whose role
// does not report (pingan.CapReport) is refused with EFORBIDDEN. The answer
// has its personal data masked.
func (s *Cases) CreateCase(ctx context.Context, actor *pingan.User, in *pingan.NewCase) (*pingan.Case, error) {
	if in == nil {
		return nil, pingan.E(pingan.EINVALID, "report.none")
	}
	r := &intake{actor: actor, in: *in}
	if actor != nil { // nil: the public, as FileCase without its query code
		if err := pingan.Permit(actor, pingan.CapReport); err != nil {
			return nil, err // a role that does not report (pingan.CapReport)
		}
		if _, err := scopeOf(actor); err != nil {
			return nil, err
		}
		r.key = strings.TrimSpace(in.IdempotencyKey)
	}
	c, err := s.intake(ctx, r)
	if err != nil {
		return s.answerKey(ctx, actor, r.key, err)
	}
	c.Reporter, c.Parties = maskPerson(c.Reporter), maskParties(c.Parties)
	c.PersonalMasked = true
	s.markProvisional(ctx, c)
	if actor != nil {
		c.AllowedActions = workflow.Allowed(c, actor)
	}
	return c, nil
}

// errKeyUsed answers writeCase when the idempotency key has a case already.
var errKeyUsed = errors.New("store: idempotency key used")

// intake is one report on its way in: every interface's reports — the
// API, the staff form, the grid worker's phone, the citizens' form, the
// demo — take this one path (handle.intake).
type intake struct {
	actor *pingan.User   // nil: a citizen through the public form
	in    pingan.NewCase // a copy: normalized on the way
	key   string         // the actor's idempotency key, or ""
	// check adds what else is wrong with the report for this interface
	// to the report's collector (the citizens' form: the unit's level).
	check func(ctx context.Context, tx *sql.Tx, v *pingan.Invalid) error
	// edit adjusts the first timeline entry before it is written.
	edit func(*pingan.Action)
	// after writes what else belongs to the report in its transaction.
	after func(ctx context.Context, tx *sql.Tx, c *pingan.Case) error
}

// intake writes the report r through the group writer and answers the
// case, its personal data not yet masked. Its photos are put to the file
// store only once the report has passed its checks, and removed again if
// its transaction does not commit.
func (h *handle) intake(ctx context.Context, r *intake) (*pingan.Case, error) {
	now := h.now()
	w := &filesWritten{ctx: ctx}
	var c *pingan.Case
	err := h.inGroup(ctx, func(ctx context.Context, tx *sql.Tx) (err error) {
		w.attempt()
		c, err = h.writeCase(ctx, tx, r, now, w)
		return err
	})
	h.finishFiles(w, err)
	return c, err
}

// writeCase validates, numbers and writes the report r in tx: checks the
// input, fills the state from the lifecycle, gives it the next number of
// its region and year, seals its personal data, keeps its photos, and
// writes the case, its first timeline entry with the photos attached, what
// r.after adds, and its idempotency key if any. The key is written last,
// once the report is known to be good, and checked by its insert alone:
// errKeyUsed when it has a case already (the caller rolls back and answers
// that case).
func (h *handle) writeCase(ctx context.Context, tx *sql.Tx, r *intake, now time.Time, w *filesWritten) (*pingan.Case, error) {
	in := r.in
	c, cat, err := h.checkNewCase(ctx, tx, r.actor, &in, now, r.check)
	if err != nil {
		return nil, err
	}
	act, err := workflow.Report(c, r.actor, &in, workflow.Env{Now: now, Calendar: h.calendarNow(), Policy: cat.Policy})
	if err != nil {
		return nil, err
	}
	if r.edit != nil {
		r.edit(act)
	}
	year := c.ReportedAt.In(cst).Year()
	seq, err := h.nextNumber(ctx, tx, c.Region, year)
	if err != nil {
		return nil, err
	}
	c.ID = caseID(year, c.Region, seq)
	c.Number, c.Version, c.UpdatedAt = c.ID, 1, now
	reporter, parties, err := h.seal(c)
	if err != nil {
		return nil, err
	}
	if err := h.insertCase(ctx, tx, c, reporter, parties); err != nil {
		return nil, err
	}
	if err := h.indexPeople(ctx, tx, c); err != nil { // the blind index of its people (people.go)
		return nil, err
	}
	refs, err := h.keepPhotos(ctx, tx, r.actor, in.Photos, w)
	if err != nil {
		return nil, err
	}
	act.Seq, act.CaseID, act.Attachments = 1, c.ID, refs
	if err := h.insertAction(ctx, tx, c.Region, act); err != nil {
		return nil, err
	}
	if err := h.hookCase(ctx, tx, c, act, "", now); err != nil { // case.created to the webhooks (webhook.go)
		return nil, err
	}
	if err := h.attach(ctx, tx, r.actor, c.Region, c.ID, refs); err != nil {
		return nil, err
	}
	if err := h.listHazard(ctx, tx, c, now); err != nil { // a major hazard's 挂牌督办 (hazard.go)
		return nil, err
	}
	if r.after != nil {
		if err := r.after(ctx, tx, c); err != nil {
			return nil, err
		}
	}
	if r.key != "" {
		s, err := h.stmt(ctx, tx, `INSERT INTO idempotency_keys (user_id, key, region, case_id, created_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (user_id, key) DO NOTHING`)
		if err != nil {
			return nil, err
		}
		res, err := s.ExecContext(ctx, r.actor.ID, r.key, c.Region, c.ID, h.dialect.ts(now))
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
func (s *Cases) answerKey(ctx context.Context, actor *pingan.User, key string, err error) (*pingan.Case, error) {
	if key == "" {
		return nil, err
	}
	first, ferr := s.caseByKey(ctx, actor, key)
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
func (s *Cases) caseByKey(ctx context.Context, actor *pingan.User, key string) (*pingan.Case, error) {
	tx, err := s.beginRead(ctx)
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
	sc, err := s.loadCase(ctx, tx, "", id, false)
	if err != nil {
		return nil, err
	}
	if err := s.open(sc, true); err != nil {
		return nil, err
	}
	sc.AllowedActions = workflow.Allowed(sc.Case, actor)
	return sc.Case, tx.Commit()
}

// checkNewCase validates the report in — normalized and checked once by
// the domain (pingan.NewCase.Validate), with what needs the database added
// to the same collector: that its category exists, and where it goes
// (placement.go) — and answers the case to report and its category. It
// normalizes in in place.
func (h *handle) checkNewCase(ctx context.Context, tx *sql.Tx, actor *pingan.User, in *pingan.NewCase, now time.Time,
	check func(ctx context.Context, tx *sql.Tx, v *pingan.Invalid) error) (*pingan.Case, *pingan.Category, error) {
	var cat *pingan.Category
	if code := strings.TrimSpace(in.Category); code != "" {
		var err error
		if cat, err = h.lookupCategory(ctx, tx, code); err != nil {
			return nil, nil, err
		}
	}
	in.Normalize(cat)
	var v pingan.Invalid
	in.Validate(&v, cat, now)
	source := in.Source
	switch {
	case source == "" && actor == nil:
		source = pingan.SourceCitizen
	case source == "" && actor.Has(pingan.RoleGridWorker):
		source = pingan.SourceGridWorker
	case source == "":
		source = pingan.SourceAPI
	}
	reportedAt := now
	if !in.ReportedAt.IsZero() {
		reportedAt = in.ReportedAt.In(cst).Truncate(time.Millisecond)
	}

	// Where it happened: the grid holding its position, the grid given, the
	// lowest unit whose area holds the position, the unit given, or the
	// reporter's own (placement.go).
	// A department's hazard at a key site it answers for is placed in the
	// site's grid, which the department need not see (hazard.go).
	placeAs := actor
	if grid, err := siteVouches(ctx, tx, actor, in); err != nil {
		return nil, nil, err
	} else if grid != "" {
		in.Grid, placeAs = grid, nil
	}
	place, err := h.placeCase(ctx, tx, placeAs, in, &v)
	if err != nil {
		return nil, nil, err
	}
	if err := checkHazardSite(ctx, tx, actor, in, &v); err != nil { // a hazard's key site (hazard.go)
		return nil, nil, err
	}
	if check != nil {
		if err := check(ctx, tx, &v); err != nil {
			return nil, nil, err
		}
	}
	if err := v.Err(); err != nil {
		return nil, nil, err
	}
	unit := place.unit
	c := &pingan.Case{
		Region: unit.Region, Kind: cat.Kind, Category: cat.Code, Title: in.Title, Description: in.Description,
		Location: in.Location, Address: in.Address, Grid: place.grid,
		Ungridded: place.ungridded, Placement: place.sentence,
		Unit: unit.Code, UnitPath: unit.Path, Source: source, ReportedAt: reportedAt,
		Reporter: in.Reporter, Parties: in.Parties,
		HotlineNo: in.HotlineNo, Urgency: in.Urgency, Sensitive: in.Sensitive, // docs/urgency.md
	}
	if c.Mediation, err = newMediation(ctx, tx, c.Kind, in.Dispute); err != nil { // a dispute's facts (mediation.go)
		return nil, nil, err
	}
	c.Petition = newPetition(c.Kind, in.Petition, source, reportedAt) // a petition's registration (petition.go)
	c.Hazard = newHazard(c.Kind, in.Hazard)                           // a hazard's level and site (hazard.go)
	return c, cat, nil
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

// beginAuditedRead starts the transaction of a read of a case whose
// personal data is audited — a write, for the audit row — and loads the
// case id in the actor's jurisdiction (and the cases their unit assists).
// The caller rolls tx back or commits it; on an error there is none.
func (h *handle) beginAuditedRead(ctx context.Context, actor *pingan.User, id string) (*sql.Tx, sealedCase, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, sealedCase{}, err
	}
	tx, err := h.beginWrite(ctx)
	if err != nil {
		return nil, sealedCase{}, err
	}
	sc, err := h.loadCaseAs(ctx, tx, scope, unitOf(actor), id, false)
	if err != nil {
		tx.Rollback()
		return nil, sealedCase{}, err
	}
	return tx, sc, nil
}

// FindCase answers one case in the actor's jurisdiction with its personal
// data whole or masked as pingan.SeesPersonal decides, and the actions the
// actor may take. Reading a case that has personal data writes an audit
// row (read_personal, with whether the read was masked) in the same
// transaction.
func (s *Cases) FindCase(ctx context.Context, actor *pingan.User, id string) (*pingan.Case, error) {
	tx, sc, err := s.beginAuditedRead(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	reader, err := s.gridsOf(ctx, tx, actor, sc.Case)
	if err != nil {
		return nil, err
	}
	masked := !pingan.SeesPersonal(reader, sc.Case)
	if err := s.open(sc, masked); err != nil {
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
		if err := s.auditMasked(ctx, tx, actor, "read_personal", sc.Region, sc.ID, strings.Join(read, ","), masked); err != nil {
			return nil, err
		}
	}
	scope, _ := scopeOf(actor)                                   // known good: the case was read with it
	if err := s.relations(ctx, tx, scope, sc.Case); err != nil { // duplicates and links (merge.go)
		return nil, err
	}
	sc.AllowedActions = workflow.Allowed(sc.Case, actor)
	return sc.Case, tx.Commit()
}

// gridsOf answers actor with Grids holding the case's grid when actor is a
// grid worker of it and the rule of personal data may need it (an open case
// placed in a grid); otherwise actor itself.
func (s *Cases) gridsOf(ctx context.Context, tx *sql.Tx, actor *pingan.User, c *pingan.Case) (*pingan.User, error) {
	if !actor.Has(pingan.RoleGridWorker) || c.Grid == "" || !c.Status.Open() {
		return actor, nil
	}
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM grid_workers WHERE grid_code = $1 AND user_id = $2`, c.Grid, actor.ID).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return actor, nil
	case err != nil:
		return nil, err
	}
	reader := *actor
	reader.Grids = []string{c.Grid}
	return &reader, nil
}

// DefaultLimit and MaxLimit bound a page of FindCases.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// FindCases lists the cases in the actor's jurisdiction matching f, newest
// first, with personal data masked, and the cursor of the next page ("" on
// the last). Category matches the category and its subcategories; Q
// searches the number, title, description and address; Holding, GridName
// and Person are the search's (people.go).
func (s *Cases) FindCases(ctx context.Context, actor *pingan.User, f pingan.CaseFilter) ([]*pingan.Case, string, error) {
	return s.findCases(ctx, actor, f, nil)
}

// findCases is FindCases, counting every case that matches into total
// when it is not nil (SearchCases).
func (s *Cases) findCases(ctx context.Context, actor *pingan.User, f pingan.CaseFilter, total *int) ([]*pingan.Case, string, error) {
	return s.queryCases(ctx, actor, f, total, nil)
}

// queryCases is findCases, or, when cnt is not nil, CountCases: the same
// conditions counted into cnt instead of listed (count.go).
func (s *Cases) queryCases(ctx context.Context, actor *pingan.User, f pingan.CaseFilter, total *int, cnt *caseCount) ([]*pingan.Case, string, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, "", err
	}
	var v pingan.Invalid
	a := args{scope}
	arg := a.add
	where := []string{caseIn("$1")}
	if len(f.Status) > 0 {
		var ps []string
		for _, st := range f.Status {
			switch {
			case !validStatus(st):
				v.Add("status", "case.status.unknown", string(st))
				ps = append(ps, arg(string(st)))
			case s.dialect == Postgres:
				// In words: the planner weighs each status by its
				// statistics, and proves the conditions of the partial
				// indexes of open cases from them, in a generic plan too.
				ps = append(ps, "'"+string(st)+"'")
			default:
				ps = append(ps, arg(string(st)))
			}
		}
		where = append(where, "status IN ("+strings.Join(ps, ", ")+")")
		if s.dialect != Postgres {
			where = append(where, openTerm(f.Status)...) // the index of open cases (count.go)
		}
	}
	if f.Kind != "" {
		if !f.Kind.Valid() {
			v.Add("kind", "case.kind.unknown", string(f.Kind))
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
	if f.OverdueNow != nil {
		now := arg(s.dialect.ts(s.now()))
		if *f.OverdueNow {
			where = append(where, overdueWhere(s.dialect, f.Status, now)...) // in the words of the indexes (count.go)
		} else {
			where = append(where, "NOT COALESCE("+overdueNow(now)+", FALSE)") // NULL deadlines are not passed
		}
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		p, like := arg(likeContains(q)), s.dialect.ilike()
		// The 12345 work order number matches exactly (docs/urgency.md).
		where = append(where, fmt.Sprintf(`(number LIKE %[1]s ESCAPE '\' OR title %[2]s %[1]s ESCAPE '\' OR description %[2]s %[1]s ESCAPE '\' OR address %[2]s %[1]s ESCAPE '\' OR hotline_no = %[3]s)`, p, like, arg(q)))
	}
	where = append(where, urgencyFilter(&v, f, &a)...)
	if !f.From.IsZero() {
		where = append(where, "reported_at >= "+arg(s.dialect.ts(f.From)))
	}
	if !f.To.IsZero() {
		where = append(where, "reported_at < "+arg(s.dialect.ts(f.To)))
	}
	where = append(where, queueFilter(&v, f, &a, s.dialect)...)
	where = append(where, figureFilter(&v, f, &a)...)
	search, err := s.searchFilter(&v, actor, f, &a) // holding, grid name, person (people.go)
	if err != nil {
		return nil, "", err
	}
	where = append(where, search.where...)
	if f.Cursor != "" {
		at, id, ok := parseCursor(f.Cursor)
		if !ok {
			v.Add("cursor", "case.cursor.bad")
		} else {
			pa, pi := arg(s.dialect.ts(at)), arg(id)
			where = append(where, fmt.Sprintf("(reported_at < %s OR (reported_at = %s AND id < %s))", pa, pa, pi))
		}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	} else if limit > MaxLimit {
		limit = MaxLimit
	}
	if f.Offset < 0 {
		v.Add("offset", "search.offset.negative")
	}
	if err := v.Err(); err != nil {
		return nil, "", err
	}

	tx, err := s.beginSearch(ctx, search) // a write when audited
	if err != nil {
		return nil, "", err
	}
	defer tx.Rollback()
	if f.Unit != "" {
		u, err := unitInScope(ctx, tx, f.Unit, scope)
		if err != nil {
			return nil, "", err
		}
		where = append(where, caseIn(a.add(likePrefix(u.Path))))
	}
	if cnt != nil {
		if err := s.countWhere(ctx, tx, where, a, f, cnt); err != nil {
			return nil, "", err
		}
		if err := s.auditSearch(ctx, tx, actor, search); err != nil {
			return nil, "", err
		}
		return nil, "", tx.Commit()
	}
	if total != nil {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM cases WHERE `+strings.Join(where, " AND "), a...).Scan(total); err != nil {
			return nil, "", err
		}
	}
	page := ` ORDER BY reported_at DESC, id DESC LIMIT ` + arg(limit+1) + offsetClause(f.Offset, arg)
	q := `SELECT ` + caseColumns + ` FROM cases WHERE ` + strings.Join(where, " AND ") + page
	if ratingQueue(f) || (s.dialect == Postgres && f.OverdueNow != nil && *f.OverdueNow) {
		// The keys of the page first, from the index of closed cases by
		// rating (0049, 0053), or on PostgreSQL of the overdue cases
		// (0053), which hold every column the conditions and the order
		// read; then those rows alone, not every row of the window.
		q = `SELECT ` + caseColumns + ` FROM cases WHERE (region, id) IN (SELECT region, id FROM cases WHERE ` +
			strings.Join(where, " AND ") + page + `) ORDER BY reported_at DESC, id DESC`
	}
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
		if err := s.open(sc, true); err != nil {
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
	if err := s.auditSearch(ctx, tx, actor, search); err != nil {
		return nil, "", err
	}
	return out, next, tx.Commit()
}

// ratingQueue reports whether f selects closed cases by rating (不满意,
// 待回访: docs/queues.md), whose list reads the page's keys from the index
// of those cases (cases_closed_rating, 0049) first. The same cases in the
// same order either way.
func ratingQueue(f pingan.CaseFilter) bool {
	return f.Satisfaction != "" || f.Unrated
}

// queueFilter answers the conditions of f's queue fields (docs/queues.md)
// and adds their faults to v: Returned, Satisfaction, Unrated, ClosedFrom
// and Held. The case is cases, unqualified; $1 is the actor's jurisdiction
// pattern.
func queueFilter(v *pingan.Invalid, f pingan.CaseFilter, a *args, d Dialect) []string {
	var where []string
	if f.Returned {
		// The last step that moved the case: comments, supervision orders
		// and recounts leave it where it stands.
		// A case returned counts its returns (returns > 0): the few accepted
		// cases ever returned come first, from their index (0019), so that
		// the timeline is read for those alone.
		where = append(where, `(status = 'accepted' AND (region, id) IN (SELECT region, id FROM cases WHERE status = 'accepted' AND returns > 0)
			AND (SELECT ra.action FROM actions ra
			WHERE ra.region = cases.region AND ra.case_id = cases.id AND ra.action NOT IN ('comment', 'supervise', 'recount')
			ORDER BY ra.seq DESC LIMIT 1) = 'return')`)
	}
	if f.Satisfaction != "" {
		if !f.Satisfaction.Valid() {
			v.Add("satisfaction", "action.satisfaction.unknown")
		}
		// In the words of the index of closed cases by rating (0019).
		where = append(where, "COALESCE(satisfaction, '') = "+a.add(string(f.Satisfaction)))
	}
	if f.Unrated {
		where = append(where, "COALESCE(satisfaction, '') = ''")
	}
	if !f.ClosedFrom.IsZero() {
		where = append(where, "closed_at >= "+a.add(d.ts(f.ClosedFrom)))
	}
	if f.Held {
		where = append(where, unitIn("holding_path", "$1"))
	}
	return where
}

// figureFilter answers the conditions of the filters of the dashboard's
// figures (docs/statistics.md) and adds their faults to v: Source,
// Escalated, Reworked, Signed, SignLate and Satisfied.
func figureFilter(v *pingan.Invalid, f pingan.CaseFilter, a *args) []string {
	var where []string
	if f.Source != "" {
		if !f.Source.Valid() {
			v.Add("source", "stats.source.unknown", string(f.Source))
		}
		where = append(where, "source = "+a.add(string(f.Source)))
	}
	yesNo := func(b *bool, yes, no string) {
		if b == nil {
			return
		}
		if *b {
			where = append(where, yes)
		} else {
			where = append(where, no)
		}
	}
	yesNo(f.Escalated, "escalation_level > 0", "escalation_level = 0")
	yesNo(f.Reworked, "reworks > 0", "reworks = 0")
	yesNo(f.Signed, "signed_at IS NOT NULL", "signed_at IS NULL")
	if f.SignLate != nil {
		where = append(where, "sign_late = "+a.add(*f.SignLate))
	}
	if f.Satisfied {
		where = append(where, "satisfaction IN ("+a.add(string(pingan.Satisfied))+", "+a.add(string(pingan.BasicallySatisfied))+")")
	}
	if f.Mediation != "" {
		where = append(where, mediationFigure(v, f.Mediation, a)...)
	}
	if f.Petition != "" {
		where = append(where, petitionFigure(v, f.Petition, a)...)
	}
	if f.Hazard != "" {
		where = append(where, hazardFigure(v, f.Hazard, a)...) // hazard.go
	}
	if len(f.PetitionStages) > 0 {
		ss := make([]any, len(f.PetitionStages))
		for i, st := range f.PetitionStages {
			ss[i] = string(st)
		}
		// The kind in words, for the index of open petitions (0047).
		where = append(where, "kind = '"+string(pingan.KindPetition)+"'", "pet_stage IN ("+a.list(ss...)+")")
	}
	if len(f.AssignedUnits) > 0 {
		us := make([]any, len(f.AssignedUnits))
		for i, u := range f.AssignedUnits {
			us[i] = u
		}
		where = append(where, "assigned_unit IN ("+a.list(us...)+")")
	}
	return where
}

// urgencyFilter answers the conditions of f's fields of the trade
// (docs/urgency.md) and adds their faults to v: MinUrgency (urgent: 紧急
// and 特急; critical: 特急) and Sensitive (重大敏感 only).
func urgencyFilter(v *pingan.Invalid, f pingan.CaseFilter, a *args) []string {
	var where []string
	switch f.MinUrgency {
	case "", pingan.UrgencyNormal:
	case pingan.UrgencyUrgent:
		where = append(where, "urgency IN ("+a.add(string(pingan.UrgencyUrgent))+", "+a.add(string(pingan.UrgencyCritical))+")")
	case pingan.UrgencyCritical:
		where = append(where, "urgency = "+a.add(string(pingan.UrgencyCritical)))
	default:
		v.Add("urgency", "urgency.unknown", string(f.MinUrgency))
	}
	if f.Sensitive {
		where = append(where, "sensitive = "+a.add(true))
	}
	return where
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
