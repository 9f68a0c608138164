package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// The leaders' side of petitions (reception.go, migration 0024): the
// reception schedule (reception_days), the records of receptions
// (receptions, reception_cases), the matters a leader leads (包案: the
// cases whose pet_lead is the leader) and the long-standing matters (积案).
// A reception's notes may name people: they are sealed, and every read of
// them writes an audit row (read_reception) in the same transaction. The
// lists are of matters; nothing here selects or counts a petitioner.

// Receptions keeps the leaders' reception work (pingan.ReceptionService).
type Receptions struct {
	*handle
	// PetitionSettings answers the deployment's rules for petitions (the
	// 积案 thresholds); pingan.DefaultPetitionSettings when nil.
	PetitionSettings func(ctx context.Context) (*pingan.PetitionSettings, error)
}

var _ pingan.ReceptionService = (*Receptions)(nil)

// receptionSealed is what a reception's sealed column holds.
type receptionSealed struct {
	Notes string `json:"notes"`
}

const receptionDayColumns = `d.id, d.unit_code, u.name, d.leader_id, d.leader_name, d.leader_post, d.day, d.time_from, d.time_to,
	d.place, d.topic, d.published`

func scanReceptionDay(row interface{ Scan(...any) error }) (*pingan.ReceptionDay, error) {
	var d pingan.ReceptionDay
	err := row.Scan(&d.ID, &d.Unit, &d.UnitName, &d.LeaderID, &d.LeaderName, &d.LeaderPost, &d.Day, &d.TimeFrom, &d.TimeTo,
		&d.Place, &d.Topic, &d.Published)
	return &d, err
}

// mayReceive answers the actor's jurisdiction pattern when they may keep
// the reception work (CapReceptions).
func mayReceive(actor *pingan.User) (string, error) {
	return permittedScope(actor, pingan.CapReceptions)
}

// permittedScope answers the jurisdiction of the actor who holds the
// capability c.
func permittedScope(actor *pingan.User, c pingan.Capability) (string, error) {
	if actor == nil {
		return "", errNoActor()
	}
	if err := pingan.Permit(actor, c); err != nil {
		return "", err
	}
	return scopeOf(actor)
}

// ReceptionDays answers the schedule rows in the actor's jurisdiction from
// the day from on.
func (s *Receptions) ReceptionDays(ctx context.Context, actor *pingan.User, from string) ([]*pingan.ReceptionDay, error) {
	scope, err := mayReceive(actor)
	if err != nil {
		return nil, err
	}
	if from != "" {
		if _, ok := pingan.ParseDay(from); !ok {
			return nil, pingan.Invalidf("from", "reception.day.bad", pingan.ShowText(from, 32))
		}
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+receptionDayColumns+` FROM reception_days d JOIN units u ON u.code = d.unit_code
		WHERE `+unitIn("d.unit_path", "$1")+` AND d.day >= $2 ORDER BY d.day, d.time_from, d.id`, scope, from)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.ReceptionDay
	for rows.Next() {
		d, err := scanReceptionDay(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// PublicReceptionDays answers the published rows from today on, by day.
func (s *Receptions) PublicReceptionDays(ctx context.Context) ([]*pingan.PublicReceptionDay, error) {
	today := pingan.Day(s.now())
	rows, err := s.read.QueryContext(ctx, `SELECT d.leader_name, d.leader_post, u.name, d.day, d.time_from, d.time_to, d.place, d.topic
		FROM reception_days d JOIN units u ON u.code = d.unit_code
		WHERE d.published AND d.day >= $1 ORDER BY d.day, d.time_from, d.id`, today)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.PublicReceptionDay
	for rows.Next() {
		var d pingan.PublicReceptionDay
		if err := rows.Scan(&d.LeaderName, &d.LeaderPost, &d.UnitName, &d.Day, &d.TimeFrom, &d.TimeTo, &d.Place, &d.Topic); err != nil {
			return nil, err
		}
		out = append(out, &d)
	}
	return out, rows.Err()
}

// CreateReceptionDay adds a schedule row, unpublished unless d.Published.
func (s *Receptions) CreateReceptionDay(ctx context.Context, actor *pingan.User, d *pingan.ReceptionDay) error {
	scope, err := mayReceive(actor)
	if err != nil {
		return err
	}
	if d == nil {
		return pingan.E(pingan.EINVALID, "reception.none")
	}
	d.Normalize()
	var v pingan.Invalid
	d.Check(&v, pingan.Day(s.now()), false)
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	unit, err := s.receptionParties(ctx, tx, scope, &v, d.Unit, d.LeaderID, &d.LeaderName)
	if err != nil {
		return err
	}
	if err := v.Err(); err != nil {
		return err
	}
	d.UnitName = unit.Name
	err = tx.QueryRowContext(ctx, `INSERT INTO reception_days (unit_code, unit_path, leader_id, leader_name, leader_post, day,
		time_from, time_to, place, topic, published, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		unit.Code, unit.Path, d.LeaderID, d.LeaderName, d.LeaderPost, d.Day, d.TimeFrom, d.TimeTo, d.Place, d.Topic, d.Published,
		actor.ID, s.dialect.ts(s.now())).Scan(&d.ID)
	if err != nil {
		return err
	}
	return tx.Commit()
}

// UpdateReceptionDay replaces the row d.ID. A row may keep a day already
// past (it records what was held); a row moved to another day must move
// to today or later.
func (s *Receptions) UpdateReceptionDay(ctx context.Context, actor *pingan.User, d *pingan.ReceptionDay) error {
	scope, err := mayReceive(actor)
	if err != nil {
		return err
	}
	if d == nil {
		return pingan.E(pingan.EINVALID, "reception.none")
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	old, err := s.dayIn(ctx, tx, scope, d.ID)
	if err != nil {
		return err
	}
	d.Normalize()
	var v pingan.Invalid
	d.Check(&v, pingan.Day(s.now()), d.Day == old.Day)
	unit, err := s.receptionParties(ctx, tx, scope, &v, d.Unit, d.LeaderID, &d.LeaderName)
	if err != nil {
		return err
	}
	if err := v.Err(); err != nil {
		return err
	}
	d.UnitName = unit.Name
	_, err = tx.ExecContext(ctx, `UPDATE reception_days SET unit_code = $1, unit_path = $2, leader_id = $3, leader_name = $4,
		leader_post = $5, day = $6, time_from = $7, time_to = $8, place = $9, topic = $10, published = $11 WHERE id = $12`,
		unit.Code, unit.Path, d.LeaderID, d.LeaderName, d.LeaderPost, d.Day, d.TimeFrom, d.TimeTo, d.Place, d.Topic, d.Published, d.ID)
	if err != nil {
		return err
	}
	return tx.Commit()
}

// PublishReceptionDay shows (or withdraws) the row on the public site.
func (s *Receptions) PublishReceptionDay(ctx context.Context, actor *pingan.User, id int64, published bool) error {
	scope, err := mayReceive(actor)
	if err != nil {
		return err
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := s.dayIn(ctx, tx, scope, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE reception_days SET published = $1 WHERE id = $2`, published, id); err != nil {
		return err
	}
	return tx.Commit()
}

// dayIn answers the schedule row id inside the jurisdiction scope;
// ENOTFOUND, the same as for no such row, otherwise.
func (s *Receptions) dayIn(ctx context.Context, tx *sql.Tx, scope string, id int64) (*pingan.ReceptionDay, error) {
	d, err := scanReceptionDay(tx.QueryRowContext(ctx, `SELECT `+receptionDayColumns+` FROM reception_days d
		JOIN units u ON u.code = d.unit_code WHERE d.id = $1 AND `+unitIn("d.unit_path", "$2")+lockDay(s.dialect), id, scope))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pingan.E(pingan.ENOTFOUND, "reception.day.notfound", id)
	}
	return d, err
}

// lockDay locks the schedule row read (not its unit) on PostgreSQL.
func lockDay(d Dialect) string {
	if d == Postgres {
		return " FOR UPDATE OF d"
	}
	return ""
}

// receptionParties checks into v that the unit lies in the jurisdiction
// scope and that the user leaderID is an active leader of it, and answers
// the unit (a placeholder when it is refused) with the leader's name in
// *name.
func (s *Receptions) receptionParties(ctx context.Context, tx *sql.Tx, scope string, v *pingan.Invalid, code string,
	leaderID int64, name *string) (*pingan.Unit, error) {
	unit := &pingan.Unit{}
	if code != "" {
		u, err := unitInScope(ctx, tx, code, scope)
		switch {
		case pingan.ErrorCode(err) == pingan.ENOTFOUND:
			v.Add("unit", "reception.unit.outside", pingan.ShowText(code, 64))
		case err != nil:
			return nil, err
		default:
			unit = u
		}
	}
	if leaderID > 0 {
		var roles, path string
		err := tx.QueryRowContext(ctx, `SELECT us.name, us.roles, un.path FROM users us JOIN units un ON un.code = us.unit_code
			WHERE us.id = $1 AND us.disabled_at IS NULL AND `+unitIn("un.path", "$2"), leaderID, scope).Scan(name, &roles, &path)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			v.Add("leader_id", "reception.leader.outside", leaderID)
		case err != nil:
			return nil, err
		case !hasRole(roles, pingan.RoleLeader):
			v.Add("leader_id", "reception.leader.role", *name)
		}
	}
	return unit, nil
}

// hasRole reports whether the stored list of roles ("dispatcher,leader")
// holds r.
func hasRole(roles string, r pingan.Role) bool {
	for _, x := range strings.Split(roles, ",") {
		if pingan.Role(strings.TrimSpace(x)) == r {
			return true
		}
	}
	return false
}

// Leaders answers the active leaders of the actor's jurisdiction, by name.
func (s *Receptions) Leaders(ctx context.Context, actor *pingan.User) ([]*pingan.User, error) {
	scope, err := mayReceive(actor)
	if err != nil {
		return nil, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT us.id, us.username, us.name, us.unit_code, us.roles FROM users us
		JOIN units un ON un.code = us.unit_code WHERE us.disabled_at IS NULL AND `+unitIn("un.path", "$1")+`
		AND us.roles LIKE '%leader%' ORDER BY un.path, us.name, us.id`, scope)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.User
	for rows.Next() {
		var u pingan.User
		var roles string
		if err := rows.Scan(&u.ID, &u.Username, &u.Name, &u.UnitCode, &roles); err != nil {
			return nil, err
		}
		if hasRole(roles, pingan.RoleLeader) {
			u.Roles = []pingan.Role{pingan.RoleLeader}
			out = append(out, &u)
		}
	}
	return out, rows.Err()
}

// ---- receptions held ----

const receptionColumns = `r.id, r.kind, r.unit_code, u.name, r.leader_id, r.leader_name, r.held_on, r.place, r.people`

func scanReception(row interface{ Scan(...any) error }, sealed *[]byte) (*pingan.Reception, error) {
	var r pingan.Reception
	dest := []any{&r.ID, &r.Kind, &r.Unit, &r.UnitName, &r.LeaderID, &r.LeaderName, &r.HeldOn, &r.Place, &r.People}
	if sealed != nil {
		dest = append(dest, sealed)
	}
	return &r, row.Scan(dest...)
}

// Receptions answers the records in the actor's jurisdiction, newest
// first (at most 500), with their matters and without their notes.
func (s *Receptions) Receptions(ctx context.Context, actor *pingan.User) ([]*pingan.Reception, error) {
	scope, err := mayReceive(actor)
	if err != nil {
		return nil, err
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT `+receptionColumns+` FROM receptions r JOIN units u ON u.code = r.unit_code
		WHERE `+unitIn("r.unit_path", "$1")+` ORDER BY r.held_on DESC, r.id DESC LIMIT 500`, scope)
	if err != nil {
		return nil, err
	}
	var out []*pingan.Reception
	for rows.Next() {
		r, err := scanReception(rows, nil)
		if err != nil {
			rows.Close()
			return nil, err
		}
		r.NotesMasked = true
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, r := range out {
		if r.Cases, err = receptionCases(ctx, tx, r.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// receptionCases answers the ids of the matters of the reception id.
func receptionCases(ctx context.Context, tx *sql.Tx, id int64) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT case_id FROM reception_cases WHERE reception_id = $1 ORDER BY case_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Reception answers one record in the actor's jurisdiction with its notes
// opened, and writes the read to the audit log (read_reception) in the
// same transaction.
func (s *Receptions) Reception(ctx context.Context, actor *pingan.User, id int64) (*pingan.Reception, error) {
	scope, err := mayReceive(actor)
	if err != nil {
		return nil, err
	}
	tx, err := s.beginWrite(ctx) // a write: the audit row
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var sealed []byte
	var region string
	r, err := scanReception(tx.QueryRowContext(ctx, `SELECT `+receptionColumns+`, r.sealed FROM receptions r
		JOIN units u ON u.code = r.unit_code WHERE r.id = $1 AND `+unitIn("r.unit_path", "$2"), id, scope), &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pingan.E(pingan.ENOTFOUND, "reception.notfound", id)
	} else if err != nil {
		return nil, err
	}
	var notes receptionSealed
	if err := s.openJSON(sealed, &notes); err != nil {
		return nil, err
	}
	r.Notes = notes.Notes
	if r.Cases, err = receptionCases(ctx, tx, r.ID); err != nil {
		return nil, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT region FROM units WHERE code = $1`, r.Unit).Scan(&region); err != nil {
		return nil, err
	}
	if err := s.auditMasked(ctx, tx, actor, "read_reception", region, "", "reception "+strconv.FormatInt(r.ID, 10), false); err != nil {
		return nil, err
	}
	return r, tx.Commit()
}

// CreateReception records a reception with its sealed notes and its
// matters, in one transaction.
func (s *Receptions) CreateReception(ctx context.Context, actor *pingan.User, r *pingan.Reception) error {
	scope, err := mayReceive(actor)
	if err != nil {
		return err
	}
	if r == nil {
		return pingan.E(pingan.EINVALID, "reception.none")
	}
	r.Normalize()
	var v pingan.Invalid
	r.Check(&v, pingan.Day(s.now()))
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	unit, err := s.receptionParties(ctx, tx, scope, &v, r.Unit, r.LeaderID, &r.LeaderName)
	if err != nil {
		return err
	}
	for _, id := range r.Cases {
		if v.Has("cases") {
			break
		}
		in, err := caseInScope(ctx, tx, scope, id)
		if err != nil {
			return err
		} else if !in {
			v.Add("cases", "reception.case.outside", pingan.ShowText(id, 64))
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	r.UnitName = unit.Name
	sealed, err := s.sealJSON(receptionSealed{Notes: r.Notes})
	if err != nil {
		return err
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO receptions (kind, unit_code, unit_path, leader_id, leader_name, held_on, place,
		people, sealed, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		r.Kind, unit.Code, unit.Path, r.LeaderID, r.LeaderName, r.HeldOn, r.Place, r.People, sealed, actor.ID,
		s.dialect.ts(s.now())).Scan(&r.ID)
	if err != nil {
		return err
	}
	for _, id := range r.Cases {
		if _, err := tx.ExecContext(ctx, `INSERT INTO reception_cases (reception_id, case_id) VALUES ($1, $2)`, r.ID, id); err != nil {
			return err
		}
	}
	if r.Cases == nil {
		r.Cases = []string{}
	}
	return tx.Commit()
}

// caseInScope reports whether the case id exists inside the jurisdiction
// scope.
func caseInScope(ctx context.Context, tx *sql.Tx, scope, id string) (bool, error) {
	region, ok := regionOfID(id)
	if !ok {
		return false, nil
	}
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM cases WHERE region = $1 AND id = $2 AND `+caseIn("$3"), region, id, scope).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// ---- the matters of leaders: 包案 and 积案 ----

// matterColumns are a petition matter's columns as the leaders' lists show
// them (scanMatter), of the table cases unqualified.
const matterColumns = `id, number, title, unit_code, status, reported_at, pet_repeats, pet_stage, resolve_by, overdue, pet_lead_name`

func (s *Receptions) scanMatter(row interface{ Scan(...any) error }, now time.Time) (*pingan.BacklogItem, error) {
	var b pingan.BacklogItem
	var reported, deadline stamp
	if err := row.Scan(&b.ID, &b.Number, &b.Title, &b.Unit, &b.Status, &reported, &b.Repeats, &b.Stage, &deadline,
		&b.Overdue, &b.LeadName); err != nil {
		return nil, err
	}
	b.ReportedAt, b.Deadline = reported.T, deadline.ptr()
	b.DaysOpen = daysBetween(reported.T, now)
	return &b, nil
}

// daysBetween answers the whole days from the day of a to the day of b in
// China Standard Time.
func daysBetween(a, b time.Time) int {
	da, db := pingan.DayOf(a), pingan.DayOf(b)
	return int(db.Sub(da).Hours()+12) / 24
}

// petitionSettings answers the rules of petitions: the configured ones,
// else the defaults.
func (s *Receptions) petitionSettings(ctx context.Context) (pingan.PetitionSettings, error) {
	if s.PetitionSettings == nil {
		return pingan.DefaultPetitionSettings, nil
	}
	ps, err := s.PetitionSettings(ctx)
	if err != nil || ps == nil {
		return pingan.DefaultPetitionSettings, err
	}
	return *ps, nil
}

// Backlog answers the long-standing matters of the actor's jurisdiction,
// oldest first (at most 1000), with the counts by 包案 over all of them.
func (s *Receptions) Backlog(ctx context.Context, actor *pingan.User, lead pingan.BacklogLead) (*pingan.Backlog, error) {
	scope, err := mayReceive(actor)
	if err != nil {
		return nil, err
	}
	if !lead.Valid() {
		return nil, pingan.Invalidf("lead", "reception.lead.bad", pingan.ShowText(string(lead), 16))
	}
	ps, err := s.petitionSettings(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	cutoff := pingan.DayOf(now).AddDate(0, 0, -ps.BacklogDays)
	where := `kind = 'petition' AND status NOT IN ('rejected', 'closed', 'merged') AND pet_merged_as = ''
		AND (reported_at < $2 OR pet_repeats >= $3) AND ` + caseIn("$1")
	a := []any{scope, s.dialect.ts(cutoff), ps.BacklogRepeats}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	out := &pingan.Backlog{Items: []*pingan.BacklogItem{}, Settings: ps}
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN pet_lead IS NOT NULL THEN 1 ELSE 0 END), 0)
		FROM cases WHERE `+where, a...).Scan(&out.Total, &out.Led); err != nil {
		return nil, err
	}
	out.Unled = out.Total - out.Led
	switch lead {
	case pingan.BacklogLed:
		where += ` AND pet_lead IS NOT NULL`
	case pingan.BacklogUnled:
		where += ` AND pet_lead IS NULL`
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+matterColumns+` FROM cases WHERE `+where+` ORDER BY reported_at, id LIMIT 1000`, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		b, err := s.scanMatter(rows, now)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, b)
	}
	return out, rows.Err()
}

// Led answers the matters the actor leads (包案) in their jurisdiction:
// open ones first, by deadline, then the finished ones, newest first; each
// with its latest step.
func (s *Receptions) Led(ctx context.Context, actor *pingan.User) ([]*pingan.BacklogItem, error) {
	scope, err := permittedScope(actor, pingan.CapLeadCases)
	if err != nil {
		return nil, err
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	now := s.now()
	rows, err := tx.QueryContext(ctx, `SELECT `+matterColumns+`, region FROM cases WHERE pet_lead = $1 AND `+caseIn("$2")+`
		ORDER BY CASE WHEN status IN ('rejected', 'closed', 'merged') THEN 1 ELSE 0 END, resolve_by IS NULL, resolve_by, reported_at DESC, id
		LIMIT 1000`, actor.ID, scope)
	if err != nil {
		return nil, err
	}
	var out []*pingan.BacklogItem
	var regions []string
	for rows.Next() {
		var region string
		b, err := s.scanMatter(scanPlus{rows, &region}, now)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, b)
		regions = append(regions, region)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, b := range out {
		var at stamp
		err := tx.QueryRowContext(ctx, `SELECT action, acted_at FROM actions WHERE region = $1 AND case_id = $2
			ORDER BY seq DESC LIMIT 1`, regions[i], b.ID).Scan(&b.LastAction, &at)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		b.LastActionAt = at.ptr()
	}
	if out == nil {
		out = []*pingan.BacklogItem{}
	}
	return out, nil
}

// scanPlus scans a row into the destinations of a scanner and one more
// column after them.
type scanPlus struct {
	rows *sql.Rows
	more any
}

func (p scanPlus) Scan(dest ...any) error { return p.rows.Scan(append(dest, p.more)...) }
