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
	"golang.org/x/sync/errgroup"
)

// An inbox tab (工作台) is a list of cases waiting for one kind of work.
type tab struct {
	ID       string
	Statuses []pingan.Status
	// Mine keeps only the cases assigned to the user's own unit (a
	// handler signs and handles only those).
	Mine bool
	// queue narrows the filter to a queue of what came back
	// (docs/queues.md); now is the server's clock.
	queue func(f *pingan.CaseFilter, now time.Time)
	// Assists lists the cases the user's own unit assists now (协办), not
	// by jurisdiction: assistTab (cohandle.go).
	Assists bool
	// pick keeps only the disputes whose mediation is in the tab's state,
	// counted page by page; soonest orders them by the day they are due
	// by, soonest first (a mediator's tabs, mediation_inbox.go).
	pick    func(*pingan.Case) bool
	soonest func(*pingan.Case) *time.Time
}

// The windows of the queues of closed cases (docs/queues.md): a case closed
// longer ago than that has left them.
const (
	revisitDays      = 30 // 待回访: closed, not rated yet
	dissatisfiedDays = 90 // 不满意: closed, rated dissatisfied
)

// The queues of what came back to a centre (docs/queues.md): cases sent
// back by the unit they were dispatched to (被退回), closed cases rated
// dissatisfied (不满意) and closed cases not yet rated (待回访). Each keeps the
// cases a dispatcher of the user's jurisdiction acts on (Held).
var (
	returnedTab = tab{ID: "returned", Statuses: []pingan.Status{pingan.StatusAccepted},
		queue: func(f *pingan.CaseFilter, _ time.Time) { f.Returned, f.Held = true, true }}
	dissatisfiedTab = tab{ID: "dissatisfied", Statuses: []pingan.Status{pingan.StatusClosed},
		queue: func(f *pingan.CaseFilter, now time.Time) {
			f.Satisfaction, f.Held = pingan.Dissatisfied, true
			f.ClosedFrom = now.AddDate(0, 0, -dissatisfiedDays)
		}}
	revisitTab = tab{ID: "revisit", Statuses: []pingan.Status{pingan.StatusClosed},
		queue: func(f *pingan.CaseFilter, now time.Time) {
			f.Unrated, f.Held = true, true
			f.ClosedFrom = now.AddDate(0, 0, -revisitDays)
		}}
)

// filter answers base narrowed to the tab: its statuses and its queue.
func (t tab) filter(base pingan.CaseFilter, now time.Time) pingan.CaseFilter {
	f := base
	f.Status = t.Statuses
	if t.queue != nil {
		t.queue(&f, now)
	}
	return f
}

// Holding levels of the 待受理 tab: the cases held by the user's own level
// (本级) apart from those held below it (下级), which a lower centre may
// accept first (docs/design.md, "The loop").
var holdingLevels = []string{"own", "below"}

var openStatuses = []pingan.Status{pingan.StatusReported, pingan.StatusAccepted, pingan.StatusDispatched,
	pingan.StatusInProgress, pingan.StatusResolved}

// tabsFor answers the tabs of a user's inbox by role: what to register and
// dispatch and verify for a dispatcher, what to sign and handle for a
// handler, then every open case and every case. A dispatcher's queues of
// what came back (被退回, 不满意, 待回访) follow the work they return to.
func tabsFor(u *pingan.User) []tab {
	var out []tab
	if u.Has(pingan.RoleDispatcher) {
		out = append(out,
			tab{ID: "register", Statuses: []pingan.Status{pingan.StatusReported}},
			tab{ID: "dispatch", Statuses: []pingan.Status{pingan.StatusAccepted}},
			returnedTab,
			tab{ID: "verify", Statuses: []pingan.Status{pingan.StatusResolved}},
			tab{ID: "watch", Statuses: []pingan.Status{pingan.StatusDispatched, pingan.StatusInProgress}},
			dissatisfiedTab, revisitTab)
	}
	if u.Has(pingan.RoleHandler) {
		out = append(out,
			tab{ID: "sign", Statuses: []pingan.Status{pingan.StatusDispatched}, Mine: true},
			tab{ID: "handle", Statuses: []pingan.Status{pingan.StatusInProgress}, Mine: true},
			assistTab)
	}
	if u.Has(pingan.RoleMediator) {
		out = append(out, mediatorTabs(u)...) // mediation_inbox.go
	}
	out = append(out, petitionTabs(u)...) // petition_inbox.go
	return append(out, tab{ID: "open", Statuses: openStatuses}, tab{ID: "all"})
}

func (t tab) keep(u *pingan.User) func(*pingan.Case) bool {
	if !t.Mine && t.pick == nil {
		return nil
	}
	return func(c *pingan.Case) bool {
		return (!t.Mine || c.AssignedUnit == u.UnitCode) && (t.pick == nil || t.pick(c))
	}
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
	// Holding is the level of the 待受理 tab shown alone: "own" (本级) or
	// "below" (下级); "" shows both, apart.
	Holding string
	// Urgency is the least urgency of the cases listed: "urgent"
	// (紧急及以上), "critical" (特急) or "" (any); Sensitive "1" lists the
	// 重大敏感 cases only (docs/urgency.md).
	Urgency, Sensitive string
	// Figure is the filters of the lists the dashboard's figures open
	// (caseFigure, dashboard.go).
	Figure caseFigure
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
	fl.Figure.apply(f, &v)
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
	// Return is the latest return (退回) of a case in the 被退回 queue.
	Return *returnNote
}

// returnNote says who sent a case back, when and why.
type returnNote struct {
	UnitName, Reason string
	At               time.Time
}

// holdingSection is one level of the 待受理 tab: its count and, when both
// are shown, its first cases and the link to the rest.
type holdingSection struct {
	Holding, Href, Count string
	Active               bool
	Rows                 []*row
	More                 string
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
	// First is the first page of this list.
	First      string
	Error      string
	GridWorker bool
	// UnitClear is this list without its unit filter.
	UnitClear string
	// Levels are the 本级 and 下级 parts of the 待受理 tab; when Filter.Holding
	// is "", each lists its first cases (Sections).
	Levels   []*holdingSection
	Sections bool
	// Window is the days of the queue of closed cases shown (0 otherwise).
	Window int
	// More is the other kinds of work waiting for the user's unit
	// (inbox_more.go).
	More []inboxMore
}

// inboxQuery reads the tab (the first of tabs unless named) and the filters
// of an inbox request: the page's, and its download's (export.go).
func inboxQuery(tabs []tab, q url.Values) (tab, inboxFilter) {
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
	fl.Urgency, fl.Sensitive = fieldFilter(q)
	fl.Figure = readFigure(q)
	if cur.ID == "register" {
		fl.Holding = q.Get("holding")
	}
	return cur, fl
}

// base is the case filter of fl's plain fields; caseFilter adds the rest.
func (fl inboxFilter) base() pingan.CaseFilter {
	return pingan.CaseFilter{Kind: pingan.Kind(fl.Kind), Category: fl.Category, Q: fl.Q, Grid: fl.Grid,
		MinUrgency: pingan.Urgency(fl.Urgency), Sensitive: fl.Sensitive != ""}
}

func (s *Server) inbox(w http.ResponseWriter, r *http.Request) {
	ctx, u, q := r.Context(), userOf(r), r.URL.Query()
	v := s.newView(r, "inbox")
	v.Title, v.Nav = v.T("nav.inbox"), "inbox"
	v.Notice = s.movedNotice(r, v) // after an action took a case out of reach (case.go)
	s.noticeBanner(v)
	tabs := tabsFor(u)
	cur, fl := inboxQuery(tabs, q)
	if fl.Unit != "" {
		fl.UnitName = s.unitName(ctx, u, fl.Unit)
	}
	base := fl.base()
	badFilter := fl.caseFilter(&base)
	cats, err := s.categories.Categories(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	catIndex := indexCategories(cats)
	d := &inboxData{Tab: cur.ID, Filter: fl, Categories: cats, Statuses: pingan.Statuses,
		GridWorker: u.Has(pingan.RoleGridWorker), More: s.inboxMores(r, u)}
	for _, k := range pingan.Kinds {
		d.Kinds = append(d.Kinds, k.Kind)
	}
	noUnit := fl
	noUnit.Unit = ""
	d.UnitClear = "/inbox?" + filterQuery(cur.ID, noUnit, "")
	if badFilter != nil {
		d.Error = filterError(v, badFilter)
	}

	now := s.clock.Now()
	switch cur.ID {
	case "revisit":
		d.Window = revisitDays
	case "dissatisfied":
		d.Window = dissatisfiedDays
	}

	// The counts of every tab, with the same filters, read at once as the
	// dashboard's sections are (dashReaders at a time): the page waits for
	// the slowest count rather than their sum. The tabs before the first
	// that failed are shown, with its error.
	if d.Error == "" {
		counts, errs := make([]tabView, len(tabs)), make([]error, len(tabs))
		var g errgroup.Group
		g.SetLimit(dashReaders)
		for i, t := range tabs {
			g.Go(func() error {
				var n, overdue int
				var capped bool
				var err error
				if t.Assists {
					n, overdue, err = s.countAssists(ctx, u)
				} else if t.pick != nil {
					n, overdue, capped, err = s.countPaged(ctx, u, t.filter(base, now), t.keep(u))
				} else {
					n, overdue, capped, err = s.count(ctx, u, t.filter(base, now), t.keep(u))
				}
				counts[i] = tabView{ID: t.ID, Count: countText(n, capped), Overdue: overdue, Active: t.ID == cur.ID,
					Href: "/inbox?" + filterQuery(t.ID, fl, "")}
				errs[i] = err
				return nil
			})
		}
		g.Wait()
		for i := range tabs {
			if errs[i] != nil {
				d.Error = v.Message(errs[i])
				break
			}
			d.Tabs = append(d.Tabs, counts[i])
		}
	}

	// 待受理: the user's own level apart from the levels below (本级, 下级),
	// each counted; without a level chosen, each lists its first cases.
	if cur.ID == "register" && d.Error == "" {
		d.Sections = fl.Holding == ""
		for _, level := range holdingLevels {
			f := cur.filter(base, now)
			f.Holding = level
			n, _, capped, err := s.count(ctx, u, f, nil)
			if err != nil {
				d.Error = v.Message(err)
				break
			}
			at := fl
			at.Holding = level
			sec := &holdingSection{Holding: level, Count: countText(n, capped), Active: fl.Holding == level,
				Href: "/inbox?" + filterQuery(cur.ID, at, "")}
			if d.Sections && n > 0 {
				cs, next, err := s.collect(ctx, u, f, nil, inboxPage)
				if err != nil {
					d.Error = v.Message(err)
					break
				}
				sec.Rows = s.rows(ctx, u, cs, catIndex, now, v.Lang)
				sortUrgent(sec.Rows)
				if next != "" {
					sec.More = sec.Href
				}
			}
			d.Levels = append(d.Levels, sec)
		}
	}

	// The list: on the first page the overdue cases come first, then the
	// others newest first, each part ordered by urgency.
	f := cur.filter(base, now)
	f.Holding = fl.Holding
	if cur.ID == "all" && fl.Status != "" {
		f.Status = statusList(fl.Status) // one, or several apart by commas
	}
	cursor := q.Get("cursor")
	d.Paged = cursor != ""
	d.First = "/inbox?" + filterQuery(cur.ID, fl, "")
	allOpen := len(f.Status) > 0
	for _, st := range f.Status {
		allOpen = allOpen && st.Open()
	}
	if cur.Assists && d.Error == "" {
		if d.Rows, err = s.assistRows(ctx, u, catIndex, now, v.Lang); err != nil {
			d.Error = v.Message(err)
		}
	} else if d.Error == "" && !d.Sections {
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
		want := inboxPage
		if cur.soonest != nil {
			want = pickPage // ordered soonest first over more than a page
		}
		cs, next, err := s.collect(ctx, u, f, cur.keep(u), want)
		if err != nil {
			d.Error = v.Message(err)
		}
		d.Rows = s.rows(ctx, u, cs, catIndex, now, v.Lang)
		if next != "" {
			d.Next = "/inbox?" + filterQuery(cur.ID, fl, next)
		}
	}
	if cur.ID == returnedTab.ID && d.Error == "" {
		if err := s.returnNotes(ctx, u, append(d.Overdue, d.Rows...)); err != nil {
			d.Error = v.Message(err)
		}
	}
	sortUrgent(d.Overdue)
	sortUrgent(d.Rows)
	if cur.soonest != nil {
		sortSoonest(d.Rows, cur.soonest)
	}
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
		"unit": f.Unit, "from": f.From, "to": f.To, "overdue": f.Overdue, "urgency": f.Urgency, "sensitive": f.Sensitive} {
		if val != "" {
			q.Set(k, val)
		}
	}
	f.Figure.set(q)
	if tabID == "all" && f.Status != "" {
		q.Set("status", f.Status)
	}
	if tabID == "register" && f.Holding != "" {
		q.Set("holding", f.Holding)
	}
	return q.Encode()
}

// fieldFilter reads the filters of the fields of the trade from a query
// (docs/urgency.md): the least urgency, "urgent" (紧急及以上) or "critical"
// (特急), anything else any; and "1" when only 重大敏感 cases are listed.
func fieldFilter(q url.Values) (urgency, sensitive string) {
	switch u := q.Get("urgency"); pingan.Urgency(u) {
	case pingan.UrgencyUrgent, pingan.UrgencyCritical:
		urgency = u
	}
	if q.Get("sensitive") != "" {
		sensitive = "1"
	}
	return urgency, sensitive
}

// countText is a count as the tabs show it: "1000+" when counting stopped.
func countText(n int, capped bool) string {
	c := strconv.Itoa(n)
	if capped {
		c += "+"
	}
	return c
}

// returnNotes fills each row's latest return (退回) from the case's
// timeline: the unit that sent it back, when, and its reason.
func (s *Server) returnNotes(ctx context.Context, u *pingan.User, rs []*row) error {
	for _, r := range rs {
		tl, err := s.cases.Timeline(ctx, u, r.C.ID)
		if err != nil {
			return err
		}
		for i := len(tl) - 1; i >= 0; i-- {
			if a := tl[i]; a.Action == pingan.ActReturn {
				r.Return = &returnNote{UnitName: s.unitName(ctx, u, a.FromUnit), Reason: a.Note, At: a.At}
				break
			}
		}
	}
	return nil
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

// caseCounter counts in the store the cases FindCases lists (the store's
// Cases.CountCases and CountAssigned), each count capped at f.Limit+1.
// Without it the cases are counted page by page.
type caseCounter interface {
	CountCases(ctx context.Context, actor *pingan.User, f pingan.CaseFilter) (n, overdueNow int, err error)
	CountAssigned(ctx context.Context, actor *pingan.User, f pingan.CaseFilter) (n, overdueNow int, err error)
}

// count counts the cases of f that keep accepts, up to countCap (capped:
// there are more), and how many of them are overdue now (超期,
// pingan.Case.OverdueAt), up to countCap too. keep is nil or a tab's own
// (tab.keep: assigned to the user's own unit).
func (s *Server) count(ctx context.Context, u *pingan.User, f pingan.CaseFilter, keep func(*pingan.Case) bool) (n, overdue int, capped bool, err error) {
	if cc, ok := s.cases.(caseCounter); ok {
		f.Limit = countCap
		by := cc.CountCases
		if keep != nil {
			by = cc.CountAssigned
		}
		if n, overdue, err = by(ctx, u, f); err != nil {
			return 0, 0, false, err
		}
		return min(n, countCap), min(overdue, countCap), n > countCap, nil
	}
	return s.countPaged(ctx, u, f, keep)
}

// countPaged is count by reading the cases page by page.
func (s *Server) countPaged(ctx context.Context, u *pingan.User, f pingan.CaseFilter, keep func(*pingan.Case) bool) (n, overdue int, capped bool, err error) {
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
