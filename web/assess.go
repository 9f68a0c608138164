package web

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pingan-gov/pingan"
)

// The assessment's pages (考核, docs/assessment.md): the schemes a reader
// sees with their periods (/assess); the assessor's scheme editor
// (assess_scheme.go); a period's page — the draft results with the forms
// that score, deduct and veto, the 发布 button, then the published board
// (排名晾晒) with its bands and rank changes, the 通报/约谈 records and the
// objections' answers — and one unit's result in full with the numbers
// each score came from (assess_board.go). The services decide who sees
// what: an assessed unit sees the published board only, its own result
// whole and the others' totals.

// routesAssess registers the pages when the assessment's services are
// configured.
func (s *Server) routesAssess(h func(pattern string, handler http.HandlerFunc)) {
	if s.schemes == nil || s.assess == nil {
		return
	}
	read := func(f http.HandlerFunc) http.HandlerFunc { return s.signedIn(s.may(pingan.CapStatistics, f)) }
	assess := func(f http.HandlerFunc) http.HandlerFunc { return s.signedIn(s.may(pingan.CapAssess, f)) }
	h("GET /assess", read(s.assessPage))
	h("GET /assess/schemes/new", assess(s.newSchemePage))
	h("POST /assess/schemes", assess(s.form(s.saveScheme)))
	h("GET /assess/schemes/{scheme}", assess(s.schemePage))
	h("POST /assess/schemes/{scheme}", assess(s.form(s.saveScheme)))
	h("GET /assess/schemes/{scheme}/{period}", read(s.periodPage))
	h("GET /assess/schemes/{scheme}/{period}/board.xlsx", read(s.periodXLSX))
	h("POST /assess/schemes/{scheme}/{period}/inputs", assess(s.form(s.enterInput)))
	h("POST /assess/schemes/{scheme}/{period}/withdraw", assess(s.form(s.withdrawInput)))
	h("POST /assess/schemes/{scheme}/{period}/publish", assess(s.form(s.publishPeriod)))
	h("GET /assess/schemes/{scheme}/{period}/{unit}", read(s.resultPage))
	h("POST /assess/schemes/{scheme}/{period}/{unit}/notices", assess(s.form(s.addNotice)))
	h("POST /assess/schemes/{scheme}/{period}/{unit}/answer", assess(s.form(s.answerObjection)))
	h("POST /assess/schemes/{scheme}/{period}/{unit}/objections", read(s.form(s.fileObjection)))
	h("GET /assess/schemes/{scheme}/{period}/{unit}/evidence/{sum}", read(s.assessEvidence))
}

// AssessReady reports whether the assessment's pages are served.
func (v *view) AssessReady() bool { return v.s != nil && v.s.schemes != nil && v.s.assess != nil }

// AssessNav reports whether the menu shows 考核: to assessors, to leaders,
// and to the users of a unit with a published board to read.
func (v *view) AssessNav() bool {
	if !v.AssessReady() || v.User == nil {
		return false
	}
	if v.User.May(pingan.CapAssess) || v.User.Has(pingan.RoleLeader) {
		return true
	}
	ctx := v.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	return v.s.boards.sees(ctx, v.s, v.User, v.now)
}

// boardCache remembers for a while whether a user has a published board
// to read, so that the menu does not ask the store on every page.
type boardCache struct {
	mu sync.Mutex
	m  map[int64]boardEntry
}

type boardEntry struct {
	ok bool
	at time.Time
}

const boardTTL = 5 * time.Minute

func (c *boardCache) sees(ctx context.Context, s *Server, u *pingan.User, now time.Time) bool {
	c.mu.Lock()
	e, ok := c.m[u.ID]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < boardTTL && now.Sub(e.at) >= 0 {
		return e.ok
	}
	seen := false
	if schemes, err := s.schemes.Schemes(ctx, u, 0); err == nil {
		for _, sc := range schemes {
			if ps, err := s.assess.Periods(ctx, u, sc.ID); err == nil && len(ps) > 0 {
				seen = true
				break
			}
		}
	}
	c.mu.Lock()
	if len(c.m) > 10000 {
		clear(c.m)
	}
	c.m[u.ID] = boardEntry{seen, now}
	c.mu.Unlock()
	return seen
}

// AssessLevel names the level of the units a scheme assesses.
func (v *view) AssessLevel(l pingan.Level) string { return v.T("aw.level." + string(l)) }

// AssessLevels lists the levels a scheme may assess.
func (v *view) AssessLevels() []pingan.Level { return pingan.AssessLevels }

// Band names a band (红黄绿).
func (v *view) Band(b pingan.Band) string {
	if b == "" {
		return ""
	}
	return v.T("assess.band." + string(b))
}

// AssessPeriodName names a period: 2026年11月, 2026年第4季度, 2026年度.
func (v *view) AssessPeriodName(period string) string {
	p, ok := pingan.ParseAssessPeriod(period)
	if !ok {
		return period
	}
	switch p.Kind {
	case pingan.PeriodMonth:
		return v.T("aw.period.month", p.Year, p.N)
	case pingan.PeriodQuarter:
		return v.T("aw.period.quarter", p.Year, p.N)
	}
	return v.T("aw.period.year", p.Year)
}

// Points writes a score with at most two decimals.
func (v *view) Points(x float64) string { return pointsText(x) }

func pointsText(x float64) string { return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64) }

// schemeID reads the {scheme} of the path; 0 when it is no number.
func schemeID(r *http.Request) int64 { return formID(r.PathValue("scheme")) }

// schemeLink is the editor of a scheme; periodLink a period's page,
// resultLink a unit's result.
func schemeLink(id int64) string { return "/assess/schemes/" + strconv.FormatInt(id, 10) }

func periodLink(id int64, period string) string { return schemeLink(id) + "/" + period }

func resultLink(id int64, period, unit string) string { return periodLink(id, period) + "/" + unit }

// ---- /assess: the schemes and their periods ----

// assessPeriodRow is a period of a scheme's year on the list: its status,
// whether it has ended (a draft that has not is still running).
type assessPeriodRow struct {
	Period, Name string
	Status       string // 已发布, 未发布 or 进行中
	Published    bool
	Ended        bool
	Href         string
}

type assessSchemeRow struct {
	S       *pingan.Scheme
	Months  []assessPeriodRow
	Quarter []assessPeriodRow
	Year    []assessPeriodRow
}

type assessYear struct {
	Year    int
	Schemes []*assessSchemeRow
}

type assessListData struct {
	Years     []*assessYear
	CanAssess bool
}

// assessPage lists the schemes the reader sees by year, newest first,
// each with the months, quarters and the year of its year: published or
// not, and for an assessor the drafts of the periods begun.
func (s *Server) assessPage(w http.ResponseWriter, r *http.Request) {
	ctx, u := r.Context(), userOf(r)
	v := s.newView(r, "assess")
	v.Title, v.Nav = v.T("aw.title"), "assess"
	schemes, err := s.schemes.Schemes(ctx, u, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.clock.Now()
	d := &assessListData{CanAssess: u.May(pingan.CapAssess)}
	years := map[int]*assessYear{}
	for _, sc := range schemes {
		published, err := s.assess.Periods(ctx, u, sc.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		pub := map[string]bool{}
		for _, p := range published {
			pub[p] = true
		}
		row := &assessSchemeRow{S: sc}
		add := func(list *[]assessPeriodRow, p pingan.AssessPeriod) {
			from, _ := p.Bounds()
			if now.Before(from) && !pub[p.String()] {
				return // not begun
			}
			if !pub[p.String()] && !d.CanAssess && !u.Has(pingan.RoleLeader) {
				return // an assessed unit reads published periods only
			}
			status := "assess.status.draft"
			switch {
			case pub[p.String()]:
				status = "assess.status.published"
			case !p.Ended(now):
				status = "aw.status.running"
			}
			*list = append(*list, assessPeriodRow{Period: p.String(), Name: v.AssessPeriodName(p.String()), Status: v.T(status),
				Published: pub[p.String()], Ended: p.Ended(now), Href: periodLink(sc.ID, p.String())})
		}
		for m := 1; m <= 12; m++ {
			add(&row.Months, pingan.AssessPeriod{Kind: pingan.PeriodMonth, Year: sc.Year, N: m})
		}
		for q := 1; q <= 4; q++ {
			add(&row.Quarter, pingan.AssessPeriod{Kind: pingan.PeriodQuarter, Year: sc.Year, N: q})
		}
		add(&row.Year, pingan.AssessPeriod{Kind: pingan.PeriodYear, Year: sc.Year})
		y := years[sc.Year]
		if y == nil {
			y = &assessYear{Year: sc.Year}
			years[sc.Year] = y
			d.Years = append(d.Years, y)
		}
		y.Schemes = append(y.Schemes, row)
	}
	if q := r.URL.Query(); q.Get("saved") != "" {
		v.Notice = v.T("aw.scheme.saved")
	}
	v.D = d
	s.render(w, r, v)
}

// trimmed answers the form's value without spaces around it.
func trimmed(r *http.Request, name string) string { return strings.TrimSpace(r.PostForm.Get(name)) }
