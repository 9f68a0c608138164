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
)

// Briefings is the weekly 研判 (周研判会商): pingan.BriefingService. The
// draft of a week is read live — from the counters of the cases (the
// statistics and the open-now gauges), of risks, warnings and tasks, and
// from the indexed rows of the week (the risks' timeline, the warnings
// raised) — and never kept; recording the meeting writes the briefing's
// row with the figures as they were then (frozen JSON), and each decision
// is a row written in one transaction with the task it becomes (insertTask,
// task.go), its event, the counters (briefing_tallies) and an audit row
// (migration 0029, docs/briefings.md).
type Briefings struct{ *handle }

var _ pingan.BriefingService = (*Briefings)(nil)

// briefingWeeks is the most weeks Briefings lists.
const briefingWeeks = 104

// briefingUnit answers the unit of a briefing: unit (the actor's own when
// empty) in the actor's jurisdiction, a city, county or township, and the
// week's Monday, which must have begun by now.
func (s *Briefings) briefingUnit(ctx context.Context, q queryer, actor *pingan.User, unit, week string, now time.Time) (*pingan.Unit, time.Time, error) {
	if err := pingan.Permit(actor, pingan.CapBriefings); err != nil {
		return nil, time.Time{}, err
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, time.Time{}, err
	}
	var monday time.Time
	if week != "" {
		if monday, err = pingan.ParseWeek(week); err != nil {
			return nil, time.Time{}, err
		}
		if monday.After(now) {
			return nil, time.Time{}, pingan.Invalidf("week", "briefing.week.future", week)
		}
	}
	if unit == "" {
		unit = lastCode(actor.ScopePath)
	}
	u, err := unitInScope(ctx, q, unit, scope)
	if err != nil {
		return nil, time.Time{}, err
	}
	switch u.Level {
	case pingan.LevelCity, pingan.LevelCounty, pingan.LevelTownship:
	default:
		return nil, time.Time{}, pingan.Invalidf("unit", "briefing.unit.level", u.Name)
	}
	return u, monday, nil
}

// Briefing answers the record of the week's meeting, or the draft read now.
func (s *Briefings) Briefing(ctx context.Context, actor *pingan.User, unit, week string) (*pingan.Briefing, error) {
	now := s.now()
	u, monday, err := s.briefingUnit(ctx, s.read, actor, unit, week, now)
	if err != nil {
		return nil, err
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	b, err := s.loadBriefing(ctx, tx, u, week, monday, false)
	if err != nil || b != nil {
		return b, err
	}
	tx.Rollback()
	b = newBriefing(u, week, monday)
	if b.Figures, err = s.figures(ctx, actor, u, monday, now); err != nil {
		return nil, err
	}
	return b, nil
}

func newBriefing(u *pingan.Unit, week string, monday time.Time) *pingan.Briefing {
	return &pingan.Briefing{Unit: u.Code, UnitName: u.Name, Week: week, From: monday, To: monday.AddDate(0, 0, 7),
		Decisions: []*pingan.Decision{}}
}

// loadBriefing answers the recorded briefing of the unit's week with its
// decisions, locked when lock (PostgreSQL), or nil when none is recorded.
func (s *Briefings) loadBriefing(ctx context.Context, tx *sql.Tx, u *pingan.Unit, week string, monday time.Time, lock bool) (*pingan.Briefing, error) {
	if lock {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM briefings WHERE unit_code = $1 AND week = $2`+s.dialect.forUpdate(), u.Code, week).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
	}
	b := newBriefing(u, week, monday)
	m := &pingan.Meeting{}
	var figures string
	var at stamp
	err := tx.QueryRowContext(ctx, `SELECT id, meeting_on, chair, attendees, summary, figures, recorded_by, recorded_at, version
		FROM briefings WHERE unit_code = $1 AND week = $2`, u.Code, week).Scan(&b.ID, &m.On, &m.Chair, &m.Attendees, &m.Summary,
		&figures, &b.RecordedBy, &at, &b.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	b.Held, b.Meeting, b.RecordedAt = true, m, &at.T
	b.Figures = &pingan.BriefingFigures{}
	if err := json.Unmarshal([]byte(figures), b.Figures); err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT d.seq, d.text, d.lead_code, u.name, d.co_units, d.plan, d.task_id, d.created_at
		FROM briefing_decisions d JOIN units u ON u.code = d.lead_code WHERE d.briefing_id = $1 ORDER BY d.seq`, b.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		d := &pingan.Decision{}
		var co string
		var task sql.NullInt64
		var created stamp
		if err := rows.Scan(&d.Seq, &d.Text, &d.LeadUnit, &d.LeadName, &co, &d.Plan, &task, &created); err != nil {
			return nil, err
		}
		if co != "" {
			d.CoUnits = strings.Split(co, ",")
		}
		d.TaskID, d.At = task.Int64, created.T
		b.Decisions = append(b.Decisions, d)
	}
	return b, rows.Err()
}

// Briefings answers the unit's last n weeks, newest first.
func (s *Briefings) Briefings(ctx context.Context, actor *pingan.User, unit string, n int) ([]*pingan.BriefingWeek, error) {
	now := s.now()
	u, _, err := s.briefingUnit(ctx, s.read, actor, unit, "", now)
	if err != nil {
		return nil, err
	}
	n = min(max(n, 1), briefingWeeks)
	current := pingan.WeekOf(now)
	first := pingan.WeekBefore(current, n-1)
	held := map[string]*pingan.BriefingWeek{}
	rows, err := s.read.QueryContext(ctx, `SELECT b.week, b.meeting_on,
		(SELECT COUNT(*) FROM briefing_decisions d WHERE d.briefing_id = b.id),
		(SELECT COUNT(*) FROM briefing_decisions d WHERE d.briefing_id = b.id AND d.task_id IS NOT NULL)
		FROM briefings b WHERE b.unit_code = $1 AND b.week >= $2`, u.Code, first)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		w := &pingan.BriefingWeek{Held: true}
		if err := rows.Scan(&w.Week, &w.On, &w.Decisions, &w.Tasks); err != nil {
			return nil, err
		}
		held[w.Week] = w
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]*pingan.BriefingWeek, 0, n)
	for i := range n {
		wk := pingan.WeekBefore(current, i)
		if w := held[wk]; w != nil {
			out = append(out, w)
		} else {
			out = append(out, &pingan.BriefingWeek{Week: wk})
		}
	}
	return out, nil
}

// figures reads the draft's figures of the unit's week starting at monday,
// at now: each part from counters or an indexed query, never a scan of the
// cases. A part the actor's role may not read is left out and named.
func (s *Briefings) figures(ctx context.Context, actor *pingan.User, u *pingan.Unit, monday, now time.Time) (*pingan.BriefingFigures, error) {
	f := &pingan.BriefingFigures{At: now, RiskSteps: []pingan.BriefingRiskSteps{}, Risks: []pingan.BriefingRisk{},
		OpenRisks: []pingan.BriefingLevel{}, Warnings: []pingan.BriefingWarnings{}, Trends: []pingan.BriefingTrend{}}
	sunday := monday.AddDate(0, 0, 7)
	p := likePrefix(u.Path)
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if actor.May(pingan.CapRisks) {
		if err := s.riskFigures(ctx, tx, f, u, p, monday, sunday); err != nil {
			return nil, err
		}
	} else {
		f.LeftOut = append(f.LeftOut, "risks")
	}
	if actor.May(pingan.CapWarnings) {
		if err := s.warningFigures(ctx, tx, f, p, monday, sunday); err != nil {
			return nil, err
		}
	} else {
		f.LeftOut = append(f.LeftOut, "warnings")
	}
	if actor.May(pingan.CapTasks) {
		err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN behind THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM task_milestones m WHERE m.task_id = tasks.id AND m.state = 'missed') THEN 1 ELSE 0 END), 0)
			FROM tasks WHERE state IN ($1, $2, $3) AND `+unitIn("lead_path", "$4"),
			pingan.TaskIssued, pingan.TaskDoing, pingan.TaskFinished, p).Scan(&f.Overdue.Behind, &f.Overdue.Missed)
		if err != nil {
			return nil, err
		}
	} else {
		f.LeftOut = append(f.LeftOut, "tasks")
	}
	tx.Rollback()
	stats := &Stats{s.handle}
	open, err := stats.OpenNow(ctx, actor, pingan.StatsQuery{Unit: u.Code})
	if err != nil {
		return nil, err
	}
	f.Overdue.Cases = open.OverdueNow
	return f, s.trends(ctx, actor, stats, f, u, monday)
}

// riskFigures reads the week's steps on the unit's risks (their timeline,
// by the index on its time), the open ledger by level (the counters) and
// the risks whose review is overdue.
func (s *Briefings) riskFigures(ctx context.Context, tx *sql.Tx, f *pingan.BriefingFigures, u *pingan.Unit, p string, from, to time.Time) error {
	rows, err := tx.QueryContext(ctx, `SELECT r.id, r.title, r.level, r.status, e.step FROM risk_events e JOIN risks r ON r.id = e.risk_id
		WHERE e.at >= $1 AND e.at < $2 AND e.step IN ($3, $4, $5, $6) AND `+unitIn("r.unit_path", "$7")+` ORDER BY e.id`,
		s.dialect.ts(from), s.dialect.ts(to), pingan.RiskRegister, pingan.RiskChangeLevel, pingan.RiskReview, pingan.RiskResolve, p)
	if err != nil {
		return err
	}
	defer rows.Close()
	steps := map[string]*pingan.BriefingRiskSteps{}
	for _, l := range pingan.RiskLevels {
		steps[l] = &pingan.BriefingRiskSteps{Level: l}
	}
	byID := map[int64]*pingan.BriefingRisk{}
	var risks []*pingan.BriefingRisk
	for rows.Next() {
		var r pingan.BriefingRisk
		var step string
		if err := rows.Scan(&r.ID, &r.Title, &r.Level, &r.Status, &step); err != nil {
			return err
		}
		c := steps[r.Level]
		if c == nil {
			continue
		}
		switch step {
		case pingan.RiskRegister:
			c.Registered++
		case pingan.RiskChangeLevel:
			c.Changed++
		case pingan.RiskReview:
			c.Reviewed++
		case pingan.RiskResolve:
			c.Resolved++
		}
		got := byID[r.ID]
		if got == nil {
			got = &r
			byID[r.ID] = got
			risks = append(risks, got)
		}
		if !strings.Contains(","+strings.Join(got.Steps, ",")+",", ","+step+",") {
			got.Steps = append(got.Steps, step)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	for _, l := range pingan.RiskLevels {
		f.RiskSteps = append(f.RiskSteps, *steps[l])
	}
	sort.SliceStable(risks, func(i, j int) bool {
		return pingan.RiskLevelRank(risks[i].Level) < pingan.RiskLevelRank(risks[j].Level)
	})
	for i, r := range risks {
		if i == pingan.BriefingRiskItems {
			f.MoreRisks = len(risks) - i
			break
		}
		f.Risks = append(f.Risks, *r)
	}
	open := map[string]int64{}
	lrows, err := tx.QueryContext(ctx, `SELECT level, SUM(open) FROM risk_tallies WHERE node = $1 GROUP BY level`, u.Code)
	if err != nil {
		return err
	}
	defer lrows.Close()
	for lrows.Next() {
		var level string
		var n int64
		if err := lrows.Scan(&level, &n); err != nil {
			return err
		}
		open[level] = n
	}
	if err := lrows.Err(); err != nil {
		return err
	}
	for _, l := range pingan.RiskLevels {
		f.OpenRisks = append(f.OpenRisks, pingan.BriefingLevel{Level: l, Count: open[l]})
	}
	return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM risks WHERE status = $1 AND overdue AND `+unitIn("unit_path", "$2"),
		pingan.RiskControlled, p).Scan(&f.Overdue.Risks)
}

// warningOpen is the SQL list of the open states of a warning.
var warningOpen = `('` + pingan.WarningRaised + `', '` + pingan.WarningSigned + `', '` + pingan.WarningHandling + `', '` + pingan.WarningFedBack + `')`

// warningFigures reads the warnings raised in the week under the unit by
// level and rule kind (by the index on raised_at), and the open ones past
// a deadline.
func (s *Briefings) warningFigures(ctx context.Context, tx *sql.Tx, f *pingan.BriefingFigures, p string, from, to time.Time) error {
	rows, err := tx.QueryContext(ctx, `SELECT level, rule_kind, COUNT(*), SUM(CASE WHEN state IN `+warningOpen+` THEN 1 ELSE 0 END)
		FROM warnings WHERE raised_at >= $1 AND raised_at < $2 AND `+unitIn("unit_path", "$3")+` GROUP BY level, rule_kind`,
		s.dialect.ts(from), s.dialect.ts(to), p)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var w pingan.BriefingWarnings
		if err := rows.Scan(&w.Level, &w.RuleKind, &w.Raised, &w.Open); err != nil {
			return err
		}
		f.Warnings = append(f.Warnings, w)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	sort.SliceStable(f.Warnings, func(i, j int) bool {
		a, b := f.Warnings[i], f.Warnings[j]
		if ra, rb := pingan.RiskLevelRank(a.Level), pingan.RiskLevelRank(b.Level); ra != rb {
			return ra < rb
		}
		return ruleRank(a.RuleKind) < ruleRank(b.RuleKind)
	})
	return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM warnings WHERE overdue AND state IN `+warningOpen+` AND `+unitIn("unit_path", "$1"),
		p).Scan(&f.Overdue.Warnings)
}

func ruleRank(kind string) int {
	for i, k := range pingan.RuleKinds {
		if k == kind {
			return i
		}
	}
	return len(pingan.RuleKinds)
}

// trends reads the cases reported under the unit in the week and in the
// BriefingTrendWeeks weeks before, by kind and by category, from the
// statistics' counters; the categories shown are the week's and the
// weeks' before most frequent.
func (s *Briefings) trends(ctx context.Context, actor *pingan.User, stats *Stats, f *pingan.BriefingFigures, u *pingan.Unit, monday time.Time) error {
	week := pingan.StatsQuery{Unit: u.Code, From: monday, To: monday.AddDate(0, 0, 7), Measures: pingan.MeasuresOf(pingan.MReported)}
	before := week
	before.From, before.To = monday.AddDate(0, 0, -7*pingan.BriefingTrendWeeks), monday
	names, err := s.categoryNames(ctx)
	if err != nil {
		return err
	}
	for _, dim := range []pingan.StatsDim{pingan.ByKind, pingan.ByCategory} {
		now, err := stats.StatsBy(ctx, actor, week, dim)
		if err != nil {
			return err
		}
		then, err := stats.StatsBy(ctx, actor, before, dim)
		if err != nil {
			return err
		}
		counts := map[string][2]int64{}
		for _, st := range now {
			c := counts[st.Key]
			c[0] = int64(st.Total)
			counts[st.Key] = c
		}
		for _, st := range then {
			c := counts[st.Key]
			c[1] = int64(st.Total)
			counts[st.Key] = c
		}
		var lines []pingan.BriefingTrend
		for k, c := range counts {
			if c[0] == 0 && c[1] == 0 {
				continue
			}
			name := ""
			if dim == pingan.ByCategory {
				name = names[k]
			}
			lines = append(lines, pingan.NewTrend(string(dim), k, name, c[0], c[1]))
		}
		sort.Slice(lines, func(i, j int) bool {
			a, b := lines[i], lines[j]
			if a.Week+a.Before != b.Week+b.Before {
				return a.Week+a.Before > b.Week+b.Before
			}
			return a.Key < b.Key
		})
		if dim == pingan.ByCategory && len(lines) > pingan.BriefingTopCategories {
			lines = lines[:pingan.BriefingTopCategories]
		}
		f.Trends = append(f.Trends, lines...)
	}
	return nil
}

// categoryNames answers every category's name by its code.
func (s *Briefings) categoryNames(ctx context.Context) (map[string]string, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT code, name FROM categories`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var code, name string
		if err := rows.Scan(&code, &name); err != nil {
			return nil, err
		}
		out[code] = name
	}
	return out, rows.Err()
}

// RiskBoard answers the dashboard's section 风险预警 from the counters of
// risks, warnings and tasks, through their stores' reads.
func (s *Briefings) RiskBoard(ctx context.Context, actor *pingan.User, unit string, at time.Time) (*pingan.RiskBoard, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	if unit == "" {
		unit = lastCode(actor.ScopePath)
	}
	if _, err := unitInScope(ctx, s.read, unit, scope); err != nil {
		return nil, err
	}
	at = at.In(cst)
	b := &pingan.RiskBoard{Unit: unit, Month: at.Format("2006-01"), Year: at.Year()}
	from := time.Date(at.Year(), at.Month()-11, 1, 0, 0, 0, 0, cst).Format("2006-01")
	// left answers nil for a part the actor's role may not read.
	left := func(err error) error {
		if pingan.ErrorCode(err) == pingan.EFORBIDDEN {
			return nil
		}
		return err
	}
	if b.Risks, err = (&Risks{s.handle}).RiskCounts(ctx, actor, unit, from, b.Month); left(err) != nil {
		return nil, err
	}
	ws, err := (&Warnings{s.handle}).WarningCounts(ctx, actor, unit, b.Month, b.Month)
	if left(err) != nil {
		return nil, err
	}
	if err == nil {
		b.Warnings = warningsByLevel(ws)
	}
	if b.Tasks, err = (&Tasks{s.handle}).TaskCounts(ctx, actor, unit, b.Year); left(err) != nil {
		return nil, err
	}
	return b, nil
}

// warningsByLevel adds up the counters of every rule kind by level, red
// first, every level present.
func warningsByLevel(ws []pingan.WarningCount) []pingan.WarningCount {
	out := make([]pingan.WarningCount, len(pingan.RiskLevels))
	for i, l := range pingan.RiskLevels {
		out[i].Level = l
	}
	for _, w := range ws {
		i := pingan.RiskLevelRank(w.Level)
		if i >= len(out) {
			continue
		}
		o := &out[i]
		o.Month = w.Month
		o.Raised += w.Raised
		o.Signed += w.Signed
		o.FedBack += w.FedBack
		o.Released += w.Released
		o.Escalated += w.Escalated
		o.Overdue += w.Overdue
		o.Open += w.Open
	}
	return out
}
