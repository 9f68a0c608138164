package pingan

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Patrols of the grids (网格巡查, docs/patrols.md). A grid worker starts a
// patrol of one of their grids on the phone page, checks in at the places
// of the grid that are due (巡查点位: the key sites of the grid, site.go, and
// the points the grid's leaders set) and records 正常 or a finding — a
// hazard or a dispute filed through the one intake in the check-in's
// transaction — and ends the patrol. A position is recorded at a check-in
// only, never as a trail. Coverage per grid and ISO week (points due vs
// points visited) comes from counters written with each check-in.

// Limits of patrols, in characters and days.
const (
	MaxPatrolPointName = 100
	MaxPatrolNote      = 200
	// DefaultPatrolCadence is a point's cadence when none is set: weekly.
	DefaultPatrolCadence = 7
	MaxPatrolCadence     = 365
)

// Check-in results (巡查结果).
const (
	PatrolOK      = "ok"      // 正常
	PatrolFinding = "finding" // 发现问题: a hazard or a dispute reported with it
)

// PatrolPoint is a place a grid's patrols check in at: a key site of the
// grid (Site set) or a point its leaders set.
type PatrolPoint struct {
	ID       int64   `json:"id"`
	Grid     string  `json:"grid"`
	GridName string  `json:"grid_name,omitempty"`
	Site     int64   `json:"site,omitempty"` // the key site (site.go), 0 for a point of its own
	Name     string  `json:"name"`
	Lat      float64 `json:"lat"`
	Lng      float64 `json:"lng"`
	// Cadence is how often it is due, in days (巡查周期).
	Cadence int `json:"cadence"`
	// LastVisited is the day of the last check-in (YYYY-MM-DD), "" never.
	LastVisited string `json:"last_visited,omitempty"`
	// NextDue is the day it falls due: the last check-in plus the cadence,
	// or the day it was added.
	NextDue string `json:"next_due"`
	// Due: it falls due by the end of the week it was read in (NextDue on
	// or before that Sunday), as the week's coverage counts it.
	Due    bool `json:"due"`
	Active bool `json:"active"`
}

// NewPatrolPoint is a point a grid's leader adds: a name, a position
// inside the grid and a cadence (0: weekly).
type NewPatrolPoint struct {
	Grid     string    `json:"grid"`
	Name     string    `json:"name"`
	Location *Location `json:"location"`
	Cadence  int       `json:"cadence,omitempty"`
}

// Normalize trims the texts of in and sets the default cadence.
func (in *NewPatrolPoint) Normalize() {
	in.Grid, in.Name = strings.TrimSpace(in.Grid), strings.TrimSpace(in.Name)
	if in.Cadence == 0 {
		in.Cadence = DefaultPatrolCadence
	}
}

// Check adds to v what is wrong with in without the database: the grid and
// name given, a position on the globe, a cadence of 1 to MaxPatrolCadence
// days. The store adds that the grid is in the actor's jurisdiction and the
// position inside it.
func (in *NewPatrolPoint) Check(v *Invalid) {
	v.Require("grid", in.Grid)
	v.Require("name", in.Name)
	if utf8.RuneCountInString(in.Name) > MaxPatrolPointName {
		v.Add("name", "patrol.name.long", MaxPatrolPointName)
	}
	if in.Location == nil || !in.Location.Valid() {
		v.Add("location", "patrol.location.none")
	}
	CheckCadence(v, in.Cadence)
}

// CheckCadence adds to v a cadence outside 1 to MaxPatrolCadence days.
func CheckCadence(v *Invalid, days int) {
	if days < 1 || days > MaxPatrolCadence {
		v.Add("cadence", "patrol.cadence.range", MaxPatrolCadence)
	}
}

// PatrolPointChange changes a point: its cadence (0: unchanged) and
// whether it is still patrolled.
type PatrolPointChange struct {
	Cadence int   `json:"cadence,omitempty"`
	Active  *bool `json:"active,omitempty"`
}

// Patrol is one round of a grid by its worker (一次巡查).
type Patrol struct {
	ID        int64      `json:"id"`
	Grid      string     `json:"grid"`
	GridName  string     `json:"grid_name,omitempty"`
	Worker    int64      `json:"worker"`
	StartedAt time.Time  `json:"started_at"`
	EndedAt   *time.Time `json:"ended_at"`
	CheckIns  int        `json:"checkins"`
	Findings  int        `json:"findings"`
}

// Open reports whether p has not ended.
func (p *Patrol) Open() bool { return p.EndedAt == nil }

// CheckIn is one place checked in at on a patrol (打卡): the point, when,
// the position then (nil: the phone gave none) and what was found.
type CheckIn struct {
	ID        int64     `json:"id"`
	Patrol    int64     `json:"patrol"`
	Point     int64     `json:"point"`
	PointName string    `json:"point_name,omitempty"`
	Grid      string    `json:"grid"`
	At        time.Time `json:"at"`
	Location  *Location `json:"location,omitempty"`
	Result    string    `json:"result"` // PatrolOK | PatrolFinding
	CaseID    string    `json:"case_id,omitempty"`
	Note      string    `json:"note,omitempty"`
	// Counted: the check-in covered a point due that week (巡查覆盖).
	Counted bool `json:"counted"`
}

// NewCheckIn is a check-in to record. Case is the finding (a hazard with
// its level in Case.Hazard, or a dispute) when Result is PatrolFinding; its
// grid is the patrol's, its position the check-in's, its key site the
// point's.
type NewCheckIn struct {
	Point    int64     `json:"point"`
	Location *Location `json:"location,omitempty"`
	Result   string    `json:"result"`
	Note     string    `json:"note,omitempty"`
	Case     *NewCase  `json:"case,omitempty"`
}

// Normalize trims the texts of in; a check-in with a case is a finding.
func (in *NewCheckIn) Normalize() {
	in.Result, in.Note = strings.TrimSpace(in.Result), strings.TrimSpace(in.Note)
	if in.Result == "" {
		in.Result = PatrolOK
		if in.Case != nil {
			in.Result = PatrolFinding
		}
	}
}

// Check adds to v what is wrong with in without the database: a point
// named, a position on the globe when given, a known result with a report
// exactly when it is a finding, that report a dispute or a hazard, a
// hazard with its level and a photo. The store adds that the point is of
// the patrol's grid ("point") and the report's own fields.
func (in *NewCheckIn) Check(v *Invalid) {
	if in.Point <= 0 {
		v.Add("point", "patrol.point.none")
	}
	if in.Location != nil && !in.Location.Valid() {
		v.Add("location", "patrol.location.bad")
	}
	switch in.Result {
	case PatrolOK:
		if in.Case != nil {
			v.Add("result", "patrol.result.case")
		}
	case PatrolFinding:
		switch {
		case in.Case == nil:
			v.Add("case", "patrol.case.none")
		case in.Case.Kind == KindHazard:
			if in.Case.Hazard == nil || (in.Case.Hazard.Level != HazardGeneral && in.Case.Hazard.Level != HazardMajor) {
				v.Add("hazard.level", "patrol.hazard.level")
			}
			if len(in.Case.Photos) == 0 {
				v.Add("photos", "patrol.hazard.photo")
			}
		case in.Case.Kind == KindDispute:
		default:
			v.Add("kind", "patrol.case.kind")
		}
	default:
		v.Add("result", "patrol.result.bad", in.Result)
	}
	if utf8.RuneCountInString(in.Note) > MaxPatrolNote {
		v.Add("note", "patrol.note.long", MaxPatrolNote)
	}
}

// Week is an ISO week (ISO 8601: weeks start on Monday, week 1 holds the
// year's first Thursday) as year×100 + week, e.g. 202610: the patrols'
// counters are kept by it (briefing.go writes the same weeks as text).
type Week int

// WeekAt answers the ISO week of t in China Standard Time.
func WeekAt(t time.Time) Week {
	y, w := t.In(CST).ISOWeek()
	return Week(y*100 + w)
}

// Monday answers 00:00 of the week's Monday in China Standard Time.
func (w Week) Monday() time.Time {
	y, n := int(w)/100, int(w)%100
	// 4 January is always in week 1.
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, CST)
	wd := int(jan4.Weekday()+6) % 7 // Monday 0
	return jan4.AddDate(0, 0, -wd+(n-1)*7)
}

// Sunday answers the last day of the week (YYYY-MM-DD).
func (w Week) Sunday() string { return Day(w.Monday().AddDate(0, 0, 6)) }

// Next answers the week after w.
func (w Week) Next() Week { return WeekAt(w.Monday().AddDate(0, 0, 7)) }

// Add answers the week n weeks after w (before when n < 0).
func (w Week) Add(n int) Week { return WeekAt(w.Monday().AddDate(0, 0, 7*n)) }

// String writes the week as 2026-W10.
// WeeksOf answers the ISO weeks of the coverage of a period [from, to)
// read at now: from the week of its first day to that of its last day, or
// of now when the period runs on, at most 53 weeks back from the last; ok
// false when the period has not begun at now.
func WeeksOf(from, to, now time.Time) (first, last Week, ok bool) {
	end := to.Add(-time.Second)
	if now.Before(end) {
		end = now
	}
	if end.Before(from) {
		return 0, 0, false
	}
	first, last = WeekAt(from), WeekAt(end)
	if last.Monday().Sub(first.Monday()) > 53*7*24*time.Hour {
		first = last.Add(-52)
	}
	return first, last, true
}

func (w Week) String() string { return fmt.Sprintf("%04d-W%02d", int(w)/100, int(w)%100) }

// ReadWeek reads 2026-W10 (ParseWeek, briefing.go): EINVALID naming week
// otherwise.
func ReadWeek(s string) (Week, error) {
	monday, err := ParseWeek(s)
	if err != nil {
		return 0, err
	}
	return WeekAt(monday), nil
}

// PatrolLine is the patrol coverage of one unit or grid over some weeks:
// 巡查覆盖率 = Visited / Due.
type PatrolLine struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Level Level  `json:"level,omitempty"` // empty for a grid
	// Due is the points that fell due, each once a week (应巡查点位).
	Due int64 `json:"due"`
	// Visited is the points due that were checked in at that week, each
	// once (已巡查点位).
	Visited int64 `json:"visited"`
	// Rate is Visited / Due; nil when nothing was due.
	Rate     *float64 `json:"rate"`
	Patrols  int64    `json:"patrols"`  // patrols started (巡查次数)
	CheckIns int64    `json:"checkins"` // check-ins (打卡次数)
	Findings int64    `json:"findings"` // cases reported from them (发现问题)
	Hazards  int64    `json:"hazards"`  // of them hazards
	Disputes int64    `json:"disputes"` // of them disputes
}

// SetRate fills Rate from Visited and Due.
func (l *PatrolLine) SetRate() {
	l.Rate = nil
	if l.Due > 0 {
		r := float64(l.Visited) / float64(l.Due)
		l.Rate = &r
	}
}

// PatrolCoverage is the coverage of a unit over the weeks From to To (both
// included), with its lines: the administrative units one level down, or
// under a village or community its grids; Weeks is the unit's own line
// week by week.
type PatrolCoverage struct {
	Unit   *Unit        `json:"unit"`
	From   Week         `json:"-"`
	To     Week         `json:"-"`
	Total  PatrolLine   `json:"total"`
	ByGrid bool         `json:"by_grid"`
	Lines  []PatrolLine `json:"lines"`
	Weeks  []PatrolWeek `json:"weeks"`
}

// PatrolWeek is a unit's coverage in one week.
type PatrolWeek struct {
	Week Week `json:"-"`
	PatrolLine
}

// PatrolService keeps the patrol points of the grids, the patrols and
// their check-ins.
type PatrolService interface {
	// PatrolPoints answers the points of a grid in the actor's jurisdiction
	// (the key sites of the grid among them), due ones first, inactive
	// ones only with all. ENOTFOUND for a grid the actor does not see.
	PatrolPoints(ctx context.Context, actor *User, grid string, all bool) ([]*PatrolPoint, error)
	// AddPatrolPoint adds a point to a grid. EFORBIDDEN without
	// CapPatrolPoints; EINVALID naming each bad field: Check's, a grid
	// outside the actor's jurisdiction ("grid"), a position outside the
	// grid ("location").
	AddPatrolPoint(ctx context.Context, actor *User, in *NewPatrolPoint) (*PatrolPoint, error)
	// ChangePatrolPoint changes a point's cadence or retires it.
	// EFORBIDDEN without CapPatrolPoints; ENOTFOUND for a point out of
	// sight; EINVALID naming "cadence".
	ChangePatrolPoint(ctx context.Context, actor *User, id int64, ch *PatrolPointChange) (*PatrolPoint, error)
	// StartPatrol starts a patrol of a grid the actor works in (CapPatrol).
	// ECONFLICT naming "patrol" while another of theirs is open; EINVALID
	// naming "grid" for a grid that is not theirs.
	StartPatrol(ctx context.Context, actor *User, grid string) (*Patrol, error)
	// OpenPatrol answers the actor's open patrol, or nil.
	OpenPatrol(ctx context.Context, actor *User) (*Patrol, error)
	// FindPatrol answers a patrol in the actor's jurisdiction with its
	// check-ins, oldest first. ENOTFOUND otherwise.
	FindPatrol(ctx context.Context, actor *User, id int64) (*Patrol, []*CheckIn, error)
	// CheckIn records a check-in on the actor's open patrol id and with a
	// finding reports its case through the path of every report, in one
	// transaction with the point and the counters. ENOTFOUND for a patrol
	// not the actor's; ECONFLICT naming "patrol" when it has ended;
	// EINVALID naming each bad field: Check's, a point not of the patrol's
	// grid or retired ("point"), and the report's.
	CheckIn(ctx context.Context, actor *User, patrol int64, in *NewCheckIn) (*CheckIn, error)
	// EndPatrol ends the actor's patrol id. ENOTFOUND for a patrol not
	// theirs; ECONFLICT naming "patrol" when it has ended.
	EndPatrol(ctx context.Context, actor *User, id int64) (*Patrol, error)
	// PatrolCoverage answers the coverage under unit (the actor's own when
	// empty) over the weeks from to to, from the counters. ENOTFOUND for
	// a unit out of sight; EINVALID naming "to" for a span over 53 weeks
	// or to before from.
	PatrolCoverage(ctx context.Context, actor *User, unit string, from, to Week) (*PatrolCoverage, error)
}
