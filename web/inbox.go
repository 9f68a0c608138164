package web

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// An inbox tab (工作台) is a list of cases waiting for one kind of work.
type tab struct {
	ID       string
	Statuses []pingan.Status
	// Mine keeps only the cases assigned to the user's own unit (a
	// handler signs and handles only those).
	Mine bool
}

var openStatuses = []pingan.Status{pingan.StatusReported, pingan.StatusAccepted, pingan.StatusDispatched,
	pingan.StatusInProgress, pingan.StatusResolved}

// tabsFor answers the tabs of a user's inbox by role: what to register and
// dispatch and verify for a dispatcher, what to sign and handle for a
// handler, then every open case and every case.
func tabsFor(u *pingan.User) []tab {
	var out []tab
	if u.Has(pingan.RoleDispatcher) {
		out = append(out,
			tab{ID: "register", Statuses: []pingan.Status{pingan.StatusReported}},
			tab{ID: "dispatch", Statuses: []pingan.Status{pingan.StatusAccepted}},
			tab{ID: "verify", Statuses: []pingan.Status{pingan.StatusResolved}},
			tab{ID: "watch", Statuses: []pingan.Status{pingan.StatusDispatched, pingan.StatusInProgress}})
	}
	if u.Has(pingan.RoleHandler) {
		out = append(out,
			tab{ID: "sign", Statuses: []pingan.Status{pingan.StatusDispatched}, Mine: true},
			tab{ID: "handle", Statuses: []pingan.Status{pingan.StatusInProgress}, Mine: true})
	}
	return append(out, tab{ID: "open", Statuses: openStatuses}, tab{ID: "all"})
}

func (t tab) keep(u *pingan.User) func(*pingan.Case) bool {
	if !t.Mine {
		return nil
	}
	return func(c *pingan.Case) bool { return c.AssignedUnit == u.UnitCode }
}

// Counting stops after countCap cases: "1000+".
const (
	countPage = 200
	countCap  = 1000
	inboxPage = 30
)

type tabView struct {
	ID, Href, Count string
	Overdue         int
	Active          bool
}

type inboxFilter struct {
	Kind, Category, Status, Q, Grid string
	// Unit (a subtree), From and To (report dates, both inclusive,
	// 2006-01-02) and Overdue ("now": 超期 now) are set by the dashboard's
	// links, so that a figure opens exactly the cases it counts.
	Unit, From, To, Overdue string
	UnitName                string
}

// caseFilter reads the filter into f: the unit, the dates of report and
// whether overdue now; EINVALID names a bad date.
func (fl inboxFilter) caseFilter(f *pingan.CaseFilter) error {
	var v pingan.Invalid
	day := func(field, s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation(time.DateOnly, s, pingan.CST)
		if err != nil {
			v.Add(field, "deadline.date.bad", s)
		}
		return t
	}
	f.Unit = fl.Unit
	f.From = day("from", fl.From)
	if to := day("to", fl.To); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1) // the whole last day
		if !f.From.IsZero() && !f.From.Before(f.To) {
			v.Add("to", "deadline.dates.order")
		}
	}
	if fl.Overdue == "now" {
		yes := true
		f.OverdueNow = &yes
	}
	return v.Err()
}

// row is a case in a list.
type row struct {
	C            *pingan.Case
	CategoryName string
	UnitName     string
	AssignedName string
	// Dues are the deadlines the case must meet now; Due the most urgent
	// of them, by which the list is ordered.
	Dues []*Deadline
	Due  *Deadline
	// OverdueNow: one of Dues has passed (超期); Missed: a deadline was
	// missed before (曾超期).
	OverdueNow, Missed bool
	Passed             []pingan.DueKind
}

type inboxData struct {
	Tabs       []tabView
	Tab        string
	Filter     inboxFilter
	Kinds      []pingan.Kind
	Categories []*pingan.Category
	Statuses   []pingan.Status
	Overdue    []*row
	Rows       []*row
	Next       string
	Paged      bool
	Error      string
	GridWorker bool
	// UnitClear is this list without its unit filter.
	UnitClear string
}

func (s *Server) inbox(w http.ResponseWriter, r *http.Request) {
	ctx, u, q := r.Context(), userOf(r), r.URL.Query()
	v := s.newView(r, "inbox")
	v.Title, v.Nav = v.T("nav.inbox"), "inbox"
	v.Notice = s.movedNotice(r, v) // after an action took a case out of reach (case.go)
	s.noticeBanner(v)
	tabs := tabsFor(u)
	cur := tabs[0]
	for _, t := range tabs {
		if t.ID == q.Get("tab") {
			cur = t
		}
	}
	fl := inboxFilter{Kind: q.Get("kind"), Category: q.Get("category"), Status: q.Get("status"),
		Q: strings.TrimSpace(q.Get("q")), Grid: strings.TrimSpace(q.Get("grid")),
		Unit: strings.TrimSpace(q.Get("unit")), From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	if q.Get("overdue") == "now" {
		fl.Overdue = "now"
	}
	if fl.Unit != "" {
		fl.UnitName = s.unitName(ctx, u, fl.Unit)
	}
	base := pingan.CaseFilter{Kind: pingan.Kind(fl.Kind), Category: fl.Category, Q: fl.Q, Grid: fl.Grid}
	badFilter := fl.caseFilter(&base)
	cats, err := s.categories.Categories(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	catIndex := indexCategories(cats)
	d := &inboxData{Tab: cur.ID, Filter: fl, Categories: cats, Statuses: pingan.Statuses,
		GridWorker: u.Has(pingan.RoleGridWorker)}
	for _, k := range pingan.Kinds {
		d.Kinds = append(d.Kinds, k.Kind)
	}
	noUnit := fl
	noUnit.Unit = ""
	d.UnitClear = "/inbox?" + filterQuery(cur.ID, noUnit, "")
	if badFilter != nil {
		d.Error = filterError(v, badFilter)
	}

	// The counts of every tab, with the same filters.
	for _, t := range tabs {
		if d.Error != "" {
			break
		}
		f := base
		f.Status = t.Statuses
		n, overdue, capped, err := s.count(ctx, u, f, t.keep(u))
		if err != nil {
			d.Error = v.Message(err)
			break
		}
		c := strconv.Itoa(n)
		if capped {
			c += "+"
		}
		d.Tabs = append(d.Tabs, tabView{ID: t.ID, Count: c, Overdue: overdue, Active: t.ID == cur.ID,
			Href: "/inbox?" + filterQuery(t.ID, fl, "")})
	}

	// The list: on the first page the overdue cases come first, then the
	// others newest first, each part ordered by urgency.
	f := base
	f.Status = cur.Statuses
	if cur.ID == "all" && fl.Status != "" {
		f.Status = []pingan.Status{pingan.Status(fl.Status)}
	}
	cursor := q.Get("cursor")
	d.Paged = cursor != ""
	allOpen := len(f.Status) > 0
	for _, st := range f.Status {
		allOpen = allOpen && st.Open()
	}
	now := s.clock.Now()
	if d.Error == "" {
		if allOpen && base.OverdueNow == nil {
			if cursor == "" {
				fo := f
				yes := true
				fo.OverdueNow = &yes
				cs, _, err := s.collect(ctx, u, fo, cur.keep(u), 100)
				if err != nil {
					d.Error = v.Message(err)
				}
				d.Overdue = s.rows(ctx, u, cs, catIndex, now, v.Lang)
			}
			no := false
			f.OverdueNow = &no
		}
		f.Cursor = cursor
		cs, next, err := s.collect(ctx, u, f, cur.keep(u), inboxPage)
		if err != nil {
			d.Error = v.Message(err)
		}
		d.Rows = s.rows(ctx, u, cs, catIndex, now, v.Lang)
		if next != "" {
			d.Next = "/inbox?" + filterQuery(cur.ID, fl, next)
		}
	}
	sortUrgent(d.Overdue)
	sortUrgent(d.Rows)
	v.D = d
	status := http.StatusOK
	if d.Error != "" {
		status = http.StatusBadRequest
	}
	s.renderStatus(w, r, v, status)
}

func filterQuery(tabID string, f inboxFilter, cursor string) string {
	q := url.Values{}
	q.Set("tab", tabID)
	for k, val := range map[string]string{"kind": f.Kind, "category": f.Category, "q": f.Q, "grid": f.Grid, "cursor": cursor,
		"unit": f.Unit, "from": f.From, "to": f.To, "overdue": f.Overdue} {
		if val != "" {
			q.Set(k, val)
		}
	}
	if tabID == "all" && f.Status != "" {
		q.Set("status", f.Status)
	}
	return q.Encode()
}

// collect answers at least want cases of f that keep accepts (fewer at the
// end), reading at most five pages, and the cursor after the last page read.
func (s *Server) collect(ctx context.Context, u *pingan.User, f pingan.CaseFilter, keep func(*pingan.Case) bool, want int) ([]*pingan.Case, string, error) {
	var out []*pingan.Case
	f.Limit = want
	for range 5 {
		cs, next, err := s.cases.FindCases(ctx, u, f)
		if err != nil {
			return nil, "", err
		}
		for _, c := range cs {
			if keep == nil || keep(c) {
				out = append(out, c)
			}
		}
		f.Cursor = next
		if len(out) >= want || next == "" {
			break
		}
	}
	return out, f.Cursor, nil
}

// count counts the cases of f that keep accepts, up to countCap, and how
// many of them are overdue now (超期, pingan.Case.OverdueAt).
func (s *Server) count(ctx context.Context, u *pingan.User, f pingan.CaseFilter, keep func(*pingan.Case) bool) (n, overdue int, capped bool, err error) {
	f.Limit = countPage
	now := s.clock.Now()
	for n < countCap {
		cs, next, err := s.cases.FindCases(ctx, u, f)
		if err != nil {
			return 0, 0, false, err
		}
		for _, c := range cs {
			if keep == nil || keep(c) {
				n++
				if c.OverdueAt(now) {
					overdue++
				}
			}
		}
		if next == "" {
			return n, overdue, false, nil
		}
		f.Cursor = next
	}
	return n, overdue, true, nil
}

func indexCategories(cats []*pingan.Category) map[string]*pingan.Category {
	m := make(map[string]*pingan.Category, len(cats))
	for _, c := range cats {
		m[c.Code] = c
	}
	return m
}

// rows dresses cases for a list.
func (s *Server) rows(ctx context.Context, u *pingan.User, cs []*pingan.Case, cats map[string]*pingan.Category, now time.Time, lang pingan.Lang) []*row {
	out := make([]*row, 0, len(cs))
	for _, c := range cs {
		rw := &row{C: c, UnitName: s.unitName(ctx, u, c.Unit), AssignedName: s.unitName(ctx, u, c.AssignedUnit)}
		cat := cats[c.Category]
		if cat != nil {
			rw.CategoryName = cat.Name
		}
		card := newDeadlineCard(s.dues(c, cat, now, lang), c)
		rw.Dues, rw.OverdueNow, rw.Missed, rw.Passed = card.Dues, card.OverdueNow, card.Missed, card.Passed
		rw.Due = mostUrgent(rw.Dues)
		out = append(out, rw)
	}
	return out
}

// mostUrgent answers the deadline passed first, or else the next one.
func mostUrgent(ds []*Deadline) *Deadline {
	var best *Deadline
	for _, d := range ds {
		switch {
		case best == nil, d.Overdue && !best.Overdue:
			best = d
		case d.Overdue == best.Overdue && d.At.Before(best.At):
			best = d
		}
	}
	return best
}

// dueOf answers the deadline of the step the case is at: the time to sign
// while it waits to be signed, the time to resolve while it is open
// otherwise; its state is its own (a deadline missed before does not make
// this one overdue).
func (s *Server) dueOf(c *pingan.Case, cat *pingan.Category, now time.Time, lang pingan.Lang) (*Deadline, string) {
	for _, d := range s.dues(c, cat, now, lang) {
		if d.Kind == pingan.DueSign || d.Kind == pingan.DueResolve {
			return d, d.Label
		}
	}
	return nil, ""
}

// sortUrgent puts overdue cases first, then those due within a day, each
// by deadline; the rest keep their order (newest first).
func sortUrgent(rs []*row) {
	rank := func(r *row) int {
		switch {
		case r.Due == nil:
			return 0
		case r.Due.Overdue:
			return 2
		case r.Due.Soon:
			return 1
		}
		return 0
	}
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rank(rs[i]), rank(rs[j])
		if a != b {
			return a > b
		}
		if a > 0 {
			return rs[i].Due.At.Before(rs[j].Due.At)
		}
		return false
	})
}

// filterError says what is wrong with the filter, naming its fields.
func filterError(v *view, err error) string {
	var parts []string
	for _, field := range []string{"from", "to"} {
		if msg, ok := v.fields(err)[field]; ok {
			parts = append(parts, v.T("deadline.filter."+field)+": "+msg)
		}
	}
	if len(parts) == 0 {
		return v.Message(err)
	}
	return strings.Join(parts, "; ")
}
