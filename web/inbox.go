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
}

// row is a case in a list.
type row struct {
	C            *pingan.Case
	CategoryName string
	UnitName     string
	AssignedName string
	Due          *Deadline
	DueLabel     string
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
}

func (s *Server) inbox(w http.ResponseWriter, r *http.Request) {
	ctx, u, q := r.Context(), userOf(r), r.URL.Query()
	v := s.newView(r, "inbox")
	v.Title, v.Nav = v.T("nav.inbox"), "inbox"
	s.noticeBanner(v)
	tabs := tabsFor(u)
	cur := tabs[0]
	for _, t := range tabs {
		if t.ID == q.Get("tab") {
			cur = t
		}
	}
	fl := inboxFilter{Kind: q.Get("kind"), Category: q.Get("category"), Status: q.Get("status"),
		Q: strings.TrimSpace(q.Get("q")), Grid: strings.TrimSpace(q.Get("grid"))}
	base := pingan.CaseFilter{Kind: pingan.Kind(fl.Kind), Category: fl.Category, Q: fl.Q, Grid: fl.Grid}
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

	// The counts of every tab, with the same filters.
	for _, t := range tabs {
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
		if allOpen {
			if cursor == "" {
				fo := f
				yes := true
				fo.Overdue = &yes
				cs, _, err := s.collect(ctx, u, fo, cur.keep(u), 100)
				if err != nil {
					d.Error = v.Message(err)
				}
				d.Overdue = s.rows(ctx, u, cs, catIndex, now, v.Lang)
			}
			no := false
			f.Overdue = &no
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
	for k, val := range map[string]string{"kind": f.Kind, "category": f.Category, "q": f.Q, "grid": f.Grid, "cursor": cursor} {
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
// many of them are overdue.
func (s *Server) count(ctx context.Context, u *pingan.User, f pingan.CaseFilter, keep func(*pingan.Case) bool) (n, overdue int, capped bool, err error) {
	f.Limit = countPage
	for n < countCap {
		cs, next, err := s.cases.FindCases(ctx, u, f)
		if err != nil {
			return 0, 0, false, err
		}
		for _, c := range cs {
			if keep == nil || keep(c) {
				n++
				if c.Overdue && c.Status.Open() {
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
		rw.Due, rw.DueLabel = s.dueOf(c, cat, now, lang)
		out = append(out, rw)
	}
	return out
}

// dueOf answers the deadline that matters now: the time to sign while a
// case waits to be signed, the time to resolve while it is open otherwise.
func (s *Server) dueOf(c *pingan.Case, cat *pingan.Category, now time.Time, lang pingan.Lang) (*Deadline, string) {
	var signUnit, resolveUnit string
	if cat != nil {
		signUnit, resolveUnit = cat.Policy.Sign.Unit, cat.Policy.Resolve.Unit
	}
	switch {
	case c.Status == pingan.StatusDispatched && c.SignBy != nil:
		d := s.deadline(now, c.SignBy, signUnit, lang)
		d.Provisional = c.SignByProvisional
		return d, "due.sign"
	case c.Status.Open() && c.Status != pingan.StatusResolved && c.ResolveBy != nil:
		d := s.deadline(now, c.ResolveBy, resolveUnit, lang)
		d.Provisional = c.ResolveByProvisional
		if c.Overdue {
			d.Overdue = true
		}
		if c.Suspended {
			d.Soon, d.Overdue = false, false
			d.Words = pingan.Text(lang, "due.suspended")
		}
		return d, "due.resolve"
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
