package monthly

import (
	"cmp"
	"context"
	"math"
	"slices"
	"time"

	"github.com/pingan-gov/pingan"
)

// Build reads the report of unit (the actor's own when "") for month
// (YYYY-MM) as actor sees it, what is open as at now. EINVALID naming
// month; the errors of the statistics (ENOTFOUND for a unit outside the
// jurisdiction). The handling units are left out when they cannot be
// read; a scheme whose month is not published says so.
func Build(ctx context.Context, s Services, actor *pingan.User, unit string, month string, now time.Time) (*Report, error) {
	p, err := monthOf(month)
	if err != nil {
		return nil, err
	}
	if unit == "" && actor != nil {
		unit = actor.UnitCode
	}
	u, err := s.Units.FindUnit(ctx, actor, unit)
	if err != nil {
		return nil, err
	}
	b := &builder{ctx: ctx, s: s, actor: actor, names: map[string]string{u.Code: u.Name}}
	r := &Report{Unit: u.Code, UnitName: u.Name, Month: p.String(), GeneratedAt: now}
	r.From, r.To = p.Bounds()
	q := pingan.StatsQuery{Unit: u.Code, From: r.From, To: r.To}
	if r.Cur, err = s.Stats.Stats(ctx, actor, q); err != nil {
		return nil, err
	}
	pq := q
	pq.From, pq.To = p.Prev().Bounds()
	if r.Prev, err = s.Stats.Stats(ctx, actor, pq); err != nil {
		return nil, err
	}
	yq := q
	yq.From, yq.To = p.YearAgo().Bounds()
	if r.YearAgo, err = s.Stats.Stats(ctx, actor, yq); err != nil {
		return nil, err
	}
	if r.Open, err = s.Stats.OpenNow(ctx, actor, q); err != nil {
		return nil, err
	}
	r.Figures = figures(r.Cur, r.Prev, r.YearAgo, r.Open)
	if r.Trend, err = b.trend(q); err != nil {
		return nil, err
	}
	if err := b.breakdowns(r, q); err != nil {
		return nil, err
	}
	if r.Rankings, err = b.rankings(u.Code, p); err != nil {
		return nil, err
	}
	if r.Issues, err = b.issues(r, now); err != nil {
		return nil, err
	}
	return r, nil
}

// builder reads a report's parts.
type builder struct {
	ctx   context.Context
	s     Services
	actor *pingan.User
	names map[string]string // of units, by code
}

// figureSpec is how a key figure is read from the statistics.
type figureSpec struct {
	id   string
	rate string // a rate of pingan.Rates, or "" for a count
	n    func(*pingan.Stats) int64
}

// keyFigures are the key figures of the month, in the order shown.
var keyFigures = []figureSpec{
	{id: "reported", n: func(s *pingan.Stats) int64 { return int64(s.Total) }},
	{id: "resolved", n: func(s *pingan.Stats) int64 { return int64(s.Resolved) }},
	{id: "closed", n: func(s *pingan.Stats) int64 { return s.Counts["in_closed"] }},
	{id: "closed_on_time", rate: "closed_on_time"},
	{id: "satisfaction", rate: "satisfaction"},
	{id: "escalation", rate: "escalation"},
	{id: "disputes", n: func(s *pingan.Stats) int64 { return s.Bases["settlement"] }}, // 受理 of disputes
	{id: "settlement", rate: "settlement"},
	{id: "petitions", n: func(s *pingan.Stats) int64 { return s.Counts["petitions"] }},
	{id: "petition_timely", rate: "petition_timely"},
	{id: "petition_reply", rate: "petition_reply"},
	{id: "petition_repeat", rate: "petition_repeat"},
}

// figures answers the key figures of cur beside prev and yoy, and what is
// open now.
func figures(cur, prev, yoy *pingan.Stats, open *pingan.OpenNow) []Figure {
	var out []Figure
	for _, k := range keyFigures {
		f := Figure{ID: k.id, Rate: k.rate != ""}
		val := func(s *pingan.Stats) (float64, bool) {
			if k.rate != "" {
				return s.Rates[k.rate], s.Bases[k.rate] > 0
			}
			return float64(k.n(s)), true
		}
		f.Cur, f.HasCur = val(cur)
		f.Prev, f.HasPrev = val(prev)
		f.YoY, f.HasYoY = val(yoy)
		out = append(out, f)
	}
	out = append(out, Figure{ID: "open", Now: true, Cur: float64(open.Open), HasCur: true},
		Figure{ID: "overdue_now", Now: true, Cur: float64(open.OverdueNow), HasCur: true},
		Figure{ID: "sensitive_open", Now: true, Cur: float64(open.SensitiveOpen), HasCur: true})
	return out
}

// Figure answers the key figure id, and whether there is one.
func (r *Report) Figure(id string) (Figure, bool) {
	for _, f := range r.Figures {
		if f.ID == id {
			return f, true
		}
	}
	return Figure{}, false
}

// trend reads the twelve months ending with q's.
func (b *builder) trend(q pingan.StatsQuery) ([]Point, error) {
	bounds := make([]time.Time, TrendMonths+1)
	for i := range bounds {
		bounds[i] = q.To.AddDate(0, i-TrendMonths, 0)
	}
	q.Measures = pingan.MeasuresOf(pingan.MReported, pingan.MInResolved, pingan.MInClosed)
	series, err := b.s.Stats.StatsSeries(b.ctx, b.actor, q, bounds)
	if err != nil {
		return nil, err
	}
	out := make([]Point, 0, len(series))
	for i, st := range series {
		out = append(out, Point{Month: bounds[i].In(pingan.CST).Format("2006-01"), Reported: int64(st.Total),
			Resolved: int64(st.Resolved), Closed: st.Counts["in_closed"]})
	}
	return out, nil
}

// breakdowns reads the month by kind, category, unit and handling unit.
func (b *builder) breakdowns(r *Report, q pingan.StatsQuery) error {
	kinds, err := b.s.Stats.StatsBy(b.ctx, b.actor, q, pingan.ByKind)
	if err != nil {
		return err
	}
	for _, k := range pingan.Kinds {
		for _, st := range kinds {
			if st.Key == string(k.Kind) && st.Total > 0 {
				r.Kinds = append(r.Kinds, Line{Code: st.Key, Name: k.Name, Stats: st})
			}
		}
	}
	cats, err := b.s.Stats.StatsBy(b.ctx, b.actor, q, pingan.ByCategory)
	if err != nil {
		return err
	}
	slices.SortStableFunc(cats, func(a, c *pingan.Stats) int {
		return cmp.Or(cmp.Compare(c.Total, a.Total), cmp.Compare(a.Key, c.Key))
	})
	cats = slices.DeleteFunc(cats, func(s *pingan.Stats) bool { return s.Total == 0 })
	if len(cats) > TopCategories {
		r.MoreCategories = len(cats) - TopCategories
		cats = cats[:TopCategories]
	}
	names := map[string]string{}
	if b.s.Categories != nil && len(cats) > 0 {
		all, err := b.s.Categories.Categories(b.ctx)
		if err != nil {
			return err
		}
		for _, c := range all {
			names[c.Code] = c.Name
		}
	}
	for _, st := range cats {
		r.Categories = append(r.Categories, Line{Code: st.Key, Name: cmp.Or(names[st.Key], st.Key), Stats: st})
	}
	units, err := b.s.Stats.StatsBy(b.ctx, b.actor, q, pingan.ByUnit)
	if err != nil {
		return err
	}
	if r.Units, err = b.unitLines(units); err != nil {
		return err
	}
	// The handling units are read where the store can; the report goes
	// without them where it cannot.
	if hs, err := b.s.Stats.StatsBy(b.ctx, b.actor, q, pingan.ByHandler); err == nil {
		// Those that handled nothing of the month are left out.
		hs = slices.DeleteFunc(hs, func(s *pingan.Stats) bool { return s.Total == 0 })
		if r.Handlers, err = b.unitLines(hs); err != nil {
			r.Handlers = nil
		}
		if r.Handlers == nil {
			r.Handlers = []Line{}
		}
	}
	return nil
}

// unitLines names the units of a breakdown, in the order of their codes.
func (b *builder) unitLines(sts []*pingan.Stats) ([]Line, error) {
	var out []Line
	for _, st := range sts {
		name, err := b.unitName(st.Key)
		if err != nil {
			return nil, err
		}
		out = append(out, Line{Code: st.Key, Name: name, Stats: st})
	}
	sortLines(out)
	return out, nil
}

// unitName answers the name of the unit with code, the code when it lies
// outside the actor's jurisdiction.
func (b *builder) unitName(code string) (string, error) {
	if code == "" {
		return "", nil
	}
	if n, ok := b.names[code]; ok {
		return n, nil
	}
	u, err := b.s.Units.FindUnit(b.ctx, b.actor, code)
	switch {
	case pingan.ErrorCode(err) == pingan.ENOTFOUND:
		b.names[code] = code
		return code, nil
	case err != nil:
		return "", err
	}
	b.names[code] = u.Name
	return u.Name, nil
}

// rankings reads the assessment of the month of every scheme of unit.
func (b *builder) rankings(unit string, p pingan.AssessPeriod) ([]Ranking, error) {
	if b.s.Schemes == nil || b.s.Assess == nil {
		return nil, nil
	}
	schemes, err := b.s.Schemes.Schemes(b.ctx, b.actor, p.Year)
	if err != nil {
		return nil, err
	}
	var out []Ranking
	for _, sc := range schemes {
		if sc.Unit != unit {
			continue
		}
		rk := Ranking{SchemeID: sc.ID, SchemeName: sc.Name, Level: sc.Level}
		a, err := b.s.Assess.Assessment(b.ctx, b.actor, sc.ID, p.String())
		switch code := pingan.ErrorCode(err); {
		case code == pingan.ENOTFOUND || code == pingan.EFORBIDDEN:
		case err != nil:
			return nil, err
		case a.Status == pingan.AssessPublished:
			rk.Published, rk.Results = true, slices.Clone(a.Results)
			slices.SortStableFunc(rk.Results, func(x, y *pingan.Result) int {
				return cmp.Or(cmp.Compare(x.Parent, y.Parent), cmp.Compare(x.Rank, y.Rank))
			})
		}
		out = append(out, rk)
	}
	slices.SortStableFunc(out, func(x, y Ranking) int { return cmp.Compare(x.SchemeID, y.SchemeID) })
	return out, nil
}

// counter counts the cases of a filter (the store's CountCases) where the
// case service can.
type counter interface {
	CountCases(ctx context.Context, actor *pingan.User, f pingan.CaseFilter) (n, overdueNow int, err error)
}

// issues reads the lists of the 平安稳定问题清单: the matters overdue now,
// escalated and open, the repeated petitions of the month and the open
// 重大敏感 matters, MaxIssues of each, and how many more.
func (b *builder) issues(r *Report, now time.Time) ([]IssueList, error) {
	var open []pingan.Status
	for _, st := range pingan.Statuses {
		if st.Open() {
			open = append(open, st)
		}
	}
	yes := true
	lists := []struct {
		kind  string
		f     pingan.CaseFilter
		total int64 // from the gauges, -1 when they hold none
	}{
		{IssueOverdue, pingan.CaseFilter{Status: open, OverdueNow: &yes}, r.Open.OverdueNow},
		{IssueEscalated, pingan.CaseFilter{Status: open, Escalated: &yes}, -1},
		{IssueRepeated, pingan.CaseFilter{Petition: "pet_repeats", From: r.From, To: r.To}, -1},
		{IssueSensitive, pingan.CaseFilter{Status: open, Sensitive: true}, r.Open.SensitiveOpen},
	}
	var out []IssueList
	for _, l := range lists {
		l.f.Unit, l.f.Limit = r.Unit, MaxIssues
		cases, next, err := b.s.Cases.FindCases(b.ctx, b.actor, l.f)
		if err != nil {
			return nil, err
		}
		il := IssueList{Kind: l.kind, Items: []Issue{}}
		for _, c := range cases[:min(len(cases), MaxIssues)] {
			unit, err := b.unitName(cmp.Or(c.AssignedUnit, c.HoldingUnit, c.Unit))
			if err != nil {
				return nil, err
			}
			il.Items = append(il.Items, Issue{Number: c.Number, Title: c.Title, Unit: unit, Reported: c.ReportedAt,
				DaysOverdue: daysOverdue(c, now)})
		}
		if next != "" || len(cases) > MaxIssues {
			il.More = -1
			total := l.total
			if cn, ok := b.s.Cases.(counter); ok && total < 0 {
				f := l.f
				f.Limit = 0
				if n, _, err := cn.CountCases(b.ctx, b.actor, f); err == nil {
					total = int64(n)
				}
			}
			if total >= 0 {
				il.More = max(int(total)-len(il.Items), 0)
			}
		}
		out = append(out, il)
	}
	return out, nil
}

// daysOverdue answers the whole days (a part counting whole) since the
// first deadline c must meet now passed (签收, 办结 or 督办: what makes it
// 超期, pingan.Case.OverdueAt), 0 when none has.
func daysOverdue(c *pingan.Case, now time.Time) int {
	days := 0
	for _, d := range c.Dues() {
		if !d.PassedAt(now) {
			continue
		}
		end := now
		if d.Stopped != nil {
			end = *d.Stopped
		}
		days = max(days, int(math.Ceil(end.Sub(d.At).Hours()/24)))
	}
	return days
}
