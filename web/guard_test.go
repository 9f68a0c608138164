package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// Guards against the two regressions that leak the most: personal data
// shown whole where it must be masked, and a case shown to a user outside
// its jurisdiction. Both sweep the pages the server registers, so that a
// page added later is swept too.

// guardCase is a case filed for the sweep, with the personal data it
// holds whole.
type guardCase struct {
	id     string
	title  string
	people []pingan.Person
}

// whole answers the names, phone numbers and ID numbers of the case as
// they were filed.
func (g *guardCase) whole() []string {
	var out []string
	for _, p := range g.people {
		for _, s := range []string{p.Name, p.Phone, p.IDNumber} {
			if s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// masked answers the phone and ID numbers of the case as a masked read
// shows them.
func (g *guardCase) masked() []string {
	var out []string
	for _, p := range g.people {
		if p.Phone != "" {
			out = append(out, pingan.MaskPhone(p.Phone))
		}
		if p.IDNumber != "" {
			out = append(out, pingan.MaskID(p.IDNumber))
		}
	}
	return out
}

// guardSpy is the store as the pages see it, checking that every list
// they are handed (FindCases) carries personal data masked only: whatever
// a list template shows of a case today or tomorrow, it cannot show it
// whole. It embeds the store's case service, so that the other services
// the server finds on its case service (the files) are still there.
type guardSpy struct {
	*store.Cases
	mu    sync.Mutex
	known []*guardCase
	bad   []string
}

// add makes the spy look for the whole data of g too.
func (s *guardSpy) add(g *guardCase) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.known = append(s.known, g)
}

func (s *guardSpy) FindCases(ctx context.Context, actor *pingan.User, f pingan.CaseFilter) ([]*pingan.Case, string, error) {
	cs, next, err := s.Cases.FindCases(ctx, actor, f)
	s.mu.Lock()
	defer s.mu.Unlock()
	report := func(format string, args ...any) {
		if msg := fmt.Sprintf(format, args...); !slices.Contains(s.bad, msg) {
			s.bad = append(s.bad, msg)
		}
	}
	var whole []string
	for _, g := range s.known {
		whole = append(whole, g.whole()...)
	}
	for _, c := range cs {
		people := slices.Clone(c.Parties)
		if c.Reporter != nil {
			people = append(people, *c.Reporter)
		}
		if len(people) > 0 && !c.PersonalMasked {
			report("%s: listed with PersonalMasked false", c.ID)
		}
		for _, p := range people {
			// Masking is idempotent: a masked person masks to itself.
			if p != p.Masked() {
				report("%s: listed with %+v, not masked", c.ID, p)
			}
			for _, w := range whole {
				if p.Name == w || p.Phone == w || p.IDNumber == w {
					report("%s: listed with %q whole", c.ID, w)
				}
			}
		}
	}
	return cs, next, err
}

func (s *guardSpy) failures() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.bad)
}

var guardHrefRe = regexp.MustCompile(`href="([^"]*)"`)

// guardCrawl fetches seeds and the pages they link to, down to depth links
// from a seed, and answers them by path; of the links that differ only
// in the values of their query (the months of the dashboard, the pages of
// a list …) it follows the first perShape. Case pages (/cases/…), static
// files, the language switch and sign-out are not followed.
func guardCrawl(c *client, seeds []string, depth, perShape int) map[string]response {
	c.t.Helper()
	pages := map[string]response{}
	shapes := map[string]int{}
	level := slices.Clone(seeds)
	for d := 0; d <= depth && len(level) > 0; d++ {
		var next []string
		for _, p := range level {
			if _, done := pages[p]; done {
				continue
			}
			path, query, _ := strings.Cut(p, "?")
			q, _ := url.ParseQuery(query)
			shape := path + "?" + strings.Join(slices.Sorted(maps.Keys(q)), "&")
			if d > 0 && shapes[shape] >= perShape {
				continue
			}
			shapes[shape]++
			res := c.get(p)
			pages[p] = res
			for _, m := range guardHrefRe.FindAllStringSubmatch(res.body, -1) {
				h, _, _ := strings.Cut(html.UnescapeString(m[1]), "#")
				if !strings.HasPrefix(h, "/") || strings.HasPrefix(h, "//") {
					continue
				}
				skip := false
				for _, pre := range []string{"/static/", "/lang/", "/cases/", "/logout"} {
					skip = skip || strings.HasPrefix(h, pre)
				}
				// Spreadsheets and printed documents are compressed: a
				// name in them would not be found as text (export_test.go
				// checks the exports' masking).
				path, _, _ := strings.Cut(h, "?")
				skip = skip || strings.HasSuffix(path, ".xlsx") || strings.HasSuffix(path, ".pdf")
				if !skip {
					next = append(next, h)
				}
			}
		}
		level = next
	}
	return pages
}

// guardRoute is a page the server registers.
type guardRoute struct {
	pattern, method, path string
}

var guardWildcardRe = regexp.MustCompile(`\{([^}]*)\}`)

// guardRoutes answers the server's registered pages.
func guardRoutes(s *Server) []guardRoute {
	var out []guardRoute
	for _, p := range s.patterns {
		r := guardRoute{pattern: p, path: p}
		if m, path, ok := strings.Cut(p, " "); ok {
			r.method, r.path = m, strings.TrimSpace(path)
		}
		out = append(out, r)
	}
	return out
}

// wildcards answers the names of the path wildcards of r.
func (r guardRoute) wildcards() []string {
	var out []string
	for _, m := range guardWildcardRe.FindAllStringSubmatch(r.path, -1) {
		if name := strings.TrimSuffix(m[1], "..."); name != "$" {
			out = append(out, name)
		}
	}
	return out
}

// fill answers r's path with every wildcard given a value by vals; ok is
// false when a wildcard has none.
func (r guardRoute) fill(vals map[string]string) (string, bool) {
	ok := true
	p := guardWildcardRe.ReplaceAllStringFunc(r.path, func(w string) string {
		name := strings.TrimSuffix(w[1:len(w)-1], "...")
		if name == "$" {
			return ""
		}
		v, has := vals[name]
		ok = ok && has
		return url.PathEscape(v)
	})
	return p, ok
}

// gets reports whether r answers GET (a pattern without a method answers
// every method).
func (r guardRoute) gets() bool { return r.method == "" || r.method == http.MethodGet }

// posts reports whether r answers POST.
func (r guardRoute) posts() bool { return r.method == "" || r.method == http.MethodPost }

// guardListPages answers the pages to start a sweep of lists from: every
// GET page the server registers that takes no wildcard (so no case), but
// the static files and the catch-all.
func guardListPages(s *Server) []string {
	var out []string
	for _, r := range guardRoutes(s) {
		if r.method != http.MethodGet || len(r.wildcards()) > 0 || strings.HasPrefix(r.path, "/static/") {
			continue
		}
		p, _ := r.fill(nil)
		out = append(out, p)
	}
	return out
}

// guardUsers answers the fixture's users by username, so that a user
// added to the fixture is swept too.
func guardUsers(fx *storetest.Fixture) []*pingan.User {
	var out []*pingan.User
	for _, name := range slices.Sorted(maps.Keys(fx.Users)) {
		out = append(out, fx.Users[name])
	}
	return out
}

// guardReadsWhole is the rule of pingan.SeesPersonal written out again,
// so that a change to the rule itself is caught here: the case is in the
// user's jurisdiction, and the user reported it, or dispatches, mediates
// or leads, or handles it in the unit it is assigned to, or works the grid
// it is placed in while it is open.
func guardReadsWhole(u *pingan.User, c *pingan.Case) bool {
	in := func(path string) bool {
		return u.ScopePath != "" && path != "" && strings.HasPrefix(path, u.ScopePath)
	}
	if !in(c.UnitPath) && !in(c.HoldingPath) && !in(c.AssignedPath) {
		return false
	}
	for _, r := range u.Roles {
		switch r {
		case pingan.RoleDispatcher, pingan.RoleMediator, pingan.RoleLeader:
			return true
		case pingan.RoleHandler:
			if c.AssignedUnit != "" && c.AssignedUnit == u.UnitCode {
				return true
			}
		case pingan.RoleGridWorker:
			if c.Grid != "" && c.Status.Open() && slices.Contains(u.Grids, c.Grid) {
				return true
			}
		}
	}
	return u.ID != 0 && u.ID == c.ReportedBy
}

// TestGuardListsMaskPersonal files cases with phone and ID numbers through
// the staff form, the grid worker's phone page, the citizen form and the
// store (the forms have no ID number field), then signs in as every
// fixture user through the login page and sweeps every list page the
// server registers and what they link to (inbox tabs, searches, the
// dashboard and its drill-downs, the phone page /m, the administration
// pages, and any export added later): none may show a name, phone or ID
// number whole, and the lists are built from masked data only. The case
// page shows them whole exactly to the readers pingan.SeesPersonal names,
// and masked to everyone else who sees the case.
func TestGuardListsMaskPersonal(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	storetest.SeedGrids(t, e.db, e.fx)
	ctx := context.Background()
	var cases []*guardCase
	spy := &guardSpy{Cases: e.db.Cases}
	e.srv.cases = spy
	file := func(g *guardCase) {
		cases = append(cases, g)
		spy.add(g)
	}

	// The county's hotline files a dispute with a reporter and a party.
	a := &guardCase{title: "楼道堆物引发邻里纠纷", people: []pingan.Person{
		{Name: "欧阳青山", Phone: "13911110001"}, {Name: "司马红梅", Phone: "13911110002"}}}
	d := e.login(e.fx.CountyDispatcher)
	res := d.postMultipart("/report", url.Values{"source": {"hotline"}, "category": {"0102"}, "title": {a.title},
		"description": {"三楼住户在楼道堆放杂物，邻居多次协商未果"}, "unit": {"620902001001"}, "address": {"富康路 8 号"},
		"reporter_name": {a.people[0].Name}, "reporter_phone": {a.people[0].Phone},
		"party_name": {a.people[1].Name}, "party_phone": {a.people[1].Phone}}, nil)
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/cases/") {
		t.Fatalf("staff report: %d %s\n%s", res.status, res.location, res.body)
	}
	a.id, _, _ = strings.Cut(strings.TrimPrefix(res.location, "/cases/"), "?")
	file(a)

	// The grid worker reports from the phone page, in their grid.
	b := &guardCase{people: []pingan.Person{{Name: "上官云霞", Phone: "13911110003"}}}
	g := e.login(e.fx.GridWorker)
	res = g.postMultipart("/m/report", url.Values{"category": {"FW03"}, "description": {"小区垃圾清运不及时"},
		"lat": {"39.755"}, "lng": {"98.505"}, "key": {"guard-1"},
		"reporter_name": {b.people[0].Name}, "reporter_phone": {b.people[0].Phone}}, nil,
		"Accept", "application/json", "X-CSRF-Token", g.csrf)
	var sent struct{ ID string }
	if res.status != http.StatusOK || json.Unmarshal([]byte(res.body), &sent) != nil || sent.ID == "" {
		t.Fatalf("phone report: %d %s", res.status, res.body)
	}
	b.id, b.title = sent.ID, "小区垃圾清运不及时"
	file(b)

	// A citizen reports on the public form.
	c := &guardCase{title: "小区路灯损坏无人修", people: []pingan.Person{{Name: "诸葛明远", Phone: "13911110004"}}}
	res = e.anon().postMultipart("/public/report", url.Values{"category": {"FW01"}, "unit": {"620902001001"},
		"title": {c.title}, "description": {"五栋门前路灯不亮已有一周"},
		"reporter_name": {c.people[0].Name}, "reporter_phone": {c.people[0].Phone}}, nil)
	number := regexp.MustCompile(`id="receipt-number">([^<]+)<`).FindStringSubmatch(res.body)
	code := regexp.MustCompile(`id="receipt-code">([^<]+)<`).FindStringSubmatch(res.body)
	if res.status != http.StatusOK || number == nil || code == nil {
		t.Fatalf("public report: %d %s", res.status, res.body)
	}
	c.id = number[1]
	file(c)

	// ID numbers: the API takes them, the forms do not. Dispatched to the
	// housing bureau, whose handler then reads them whole.
	id := &guardCase{title: "宅基地边界纠纷调处", people: []pingan.Person{
		{Role: "reporter", Name: "端木静怡", Phone: "13911110005", IDNumber: "620902198807150021"},
		{Role: "applicant", Name: "公孙立强", Phone: "13911110006", IDNumber: "62090219900101003X"}}}
	created, err := e.db.Cases.CreateCase(ctx, e.fx.CountyDispatcher, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102",
		Title: id.title, Description: "两户宅基地边界不清", Unit: "620902001001", Source: pingan.SourceHotline,
		Reporter: &id.people[0], Parties: id.people[1:]})
	if err != nil {
		t.Fatal(err)
	}
	id.id = created.ID
	file(id)
	e.act(e.fx.CountyDispatcher, id.id, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(e.fx.CountyDispatcher, id.id, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: "620902-zjj"})

	// One in the other county, which 肃州区 never sees.
	far := &guardCase{title: "金塔村灌溉用水纠纷", people: []pingan.Person{
		{Role: "reporter", Name: "皇甫晓东", Phone: "13911110007", IDNumber: "620921197503120018"}}}
	created, err = e.db.Cases.CreateCase(ctx, e.fx.OtherGridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102",
		Title: far.title, Description: "上下游两组争水", Reporter: &far.people[0]})
	if err != nil {
		t.Fatal(err)
	}
	far.id = created.ID
	file(far)

	// Two weeks on, the disputes are overdue: the inbox lists them apart.
	e.clock.Advance(15 * 24 * time.Hour)
	if _, err := e.db.Cases.EscalateDue(ctx, e.clock.Now(), 100); err != nil {
		t.Fatal(err)
	}

	readsPersonal := func() map[string]int {
		n := map[string]int{}
		for _, g := range cases {
			audit, err := e.db.Audit.Audit(ctx, g.id)
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range audit {
				if row.Action == "read_personal" {
					n[g.id]++
				}
			}
		}
		return n
	}

	// Every list page, as every user, and what it links to.
	seeds := guardListPages(e.srv)
	if !slices.Contains(seeds, "/inbox") || !slices.Contains(seeds, "/m") || !slices.Contains(seeds, "/dashboard") {
		t.Fatalf("the server registers no inbox, phone page or dashboard: %v", seeds)
	}
	for _, g := range cases {
		seeds = append(seeds, "/inbox?tab=all&q="+url.QueryEscape(g.id), "/inbox?tab=all&q="+url.QueryEscape(g.title))
	}
	if placed, err := e.db.Cases.FindCase(ctx, e.fx.Admin, b.id); err == nil && placed.Grid != "" {
		seeds = append(seeds, "/inbox?tab=all&grid="+url.QueryEscape(placed.Grid))
	} else {
		t.Errorf("the phone report lies in no grid: %v", err)
	}
	before := readsPersonal() // after the store's own read just above
	shows := func(who, where, body string, skip *guardCase) {
		t.Helper()
		for _, g := range cases {
			if g == skip {
				continue
			}
			for _, w := range g.whole() {
				if strings.Contains(body, w) {
					t.Errorf("%s: %s shows %q whole (case %s)", who, where, w, g.id)
				}
			}
		}
	}
	listed := map[string]map[string]bool{} // user → case ids linked from their lists
	onPhone := map[string]bool{}           // case ids linked from the grid worker's /m
	for _, u := range guardUsers(e.fx) {
		cl := e.login(u)
		var tabs []string
		for _, tb := range tabsFor(u) {
			tabs = append(tabs, "/inbox?tab="+tb.ID)
		}
		pages := guardCrawl(cl, append(tabs, seeds...), 2, 2)
		listed[u.Username] = map[string]bool{}
		for p, res := range pages {
			if res.status >= 500 {
				t.Errorf("%s: GET %s: %d", u.Username, p, res.status)
			}
			shows(u.Username, p, res.body, nil)
			for _, g := range cases {
				if strings.Contains(res.body, `href="/cases/`+g.id+`"`) {
					listed[u.Username][g.id] = true
					onPhone[g.id] = onPhone[g.id] || u == e.fx.GridWorker && p == "/m"
				}
			}
		}
	}
	// The citizen's pages, signed out.
	pages := guardCrawl(e.anon(), append(guardListPages(e.srv), statusLink(c.id, code[1])), 1, 10)
	if res := pages[statusLink(c.id, code[1])]; res.status != http.StatusOK {
		t.Errorf("the citizen's status page: %d", res.status)
	}
	for p, res := range pages {
		shows("a citizen", p, res.body, nil)
	}
	// The sweep met the cases: the county's dispatcher has them all in
	// lists, the grid worker on the phone page.
	for _, g := range cases[:4] {
		if !listed[e.fx.CountyDispatcher.Username][g.id] {
			t.Errorf("no list of %s links case %s: the sweep checked nothing", e.fx.CountyDispatcher.Username, g.id)
		}
	}
	for _, g := range cases[:4] {
		if !onPhone[g.id] {
			t.Errorf("the phone page of %s does not list case %s: the sweep checked nothing", e.fx.GridWorker.Username, g.id)
		}
	}
	if !listed[e.fx.OtherDispatcher.Username][far.id] {
		t.Errorf("no list of %s links case %s", e.fx.OtherDispatcher.Username, far.id)
	}
	for _, f := range spy.failures() {
		t.Errorf("a list page was handed personal data whole: %s", f)
	}
	// Lists read no case whole behind the scenes either.
	if after := readsPersonal(); !maps.Equal(before, after) {
		t.Errorf("the list pages read cases with their personal data: audit rows %v, then %v", before, after)
	}

	// The case page: whole for those the rule names, masked for the rest.
	for _, u := range guardUsers(e.fx) {
		cl := e.login(u)
		for _, g := range cases {
			res := cl.get("/cases/" + g.id)
			if res.status == http.StatusNotFound {
				shows(u.Username, "the case page of "+g.id, res.body, nil)
				continue
			}
			if res.status == http.StatusForbidden && !u.May(pingan.CapReadCases) {
				// The security and the audit administrators read no case.
				shows(u.Username, "the case page of "+g.id, res.body, nil)
				continue
			}
			if res.status != http.StatusOK {
				t.Errorf("%s: GET /cases/%s: %d", u.Username, g.id, res.status)
				continue
			}
			full, err := e.db.Cases.FindCase(ctx, e.fx.Admin, g.id)
			if err != nil {
				t.Fatal(err)
			}
			want := guardReadsWhole(u, full)
			if got := pingan.SeesPersonal(u, full); got != want {
				t.Errorf("pingan.SeesPersonal(%s, %s) = %v, the rule says %v", u.Username, g.id, got, want)
			}
			where := "the case page of " + g.id
			shows(u.Username, where, res.body, g) // no other case's data
			if want {
				mustContain(t, res.body, g.whole()...)
				continue
			}
			for _, w := range g.whole() {
				if strings.Contains(res.body, w) {
					t.Errorf("%s may read %s masked only, but %s shows %q whole", u.Username, g.id, where, w)
				}
			}
			for _, m := range g.masked() {
				if !strings.Contains(res.body, m) {
					t.Errorf("%s: %s lacks the masked %q", u.Username, where, m)
				}
			}
		}
	}
}

// guardRegistrationRe finds a page registered in the package's source: through
// Server.handle (h), or straight on a mux.
var guardRegistrationRe = regexp.MustCompile(`\b(?:h|s\.handle|mux\.Handle|mux\.HandleFunc|http\.Handle|http\.HandleFunc)\(\s*"([^"]+)"`)

// TestGuardRoutesAreSwept: every page registered in the source is one the
// server lists in its patterns, which the sweeps below read; a page
// registered past Server.handle would escape them.
func TestGuardRoutesAreSwept(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range guardRegistrationRe.FindAllStringSubmatch(string(src), -1) {
			found++
			if !slices.Contains(e.srv.patterns, m[1]) {
				t.Errorf("%s registers %q outside Server.handle: the sweeps of the pages would miss it", f, m[1])
			}
		}
	}
	if found == 0 || found < len(e.srv.patterns) {
		t.Errorf("found %d registrations in the source for %d patterns", found, len(e.srv.patterns))
	}
}

// guardProbe is a case that users of the other county must not reach.
type guardProbe struct {
	c        *pingan.Case
	sum      string
	photo    string
	owner    *pingan.User
	texts    []string // its title, description, address and people, none of which may show
	outsider func(*pingan.User) bool
}

// TestGuardJurisdictionEveryRoute requests every page the server
// registers that takes a case (a {id} or {number} in its path) with a case
// of another county, as each user of the other county, by GET and, for
// the forms, by POST with every action: the answer is 404, the same page
// as for a case that does not exist, and never shows the case. Pages
// without a case in their path are requested with the case in every
// query parameter a page might read it from. A route with a wildcard this
// test does not know fails it, until the test is taught how to fill it.
func TestGuardJurisdictionEveryRoute(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	storetest.SeedGrids(t, e.db, e.fx)
	ctx := context.Background()
	mk := func(reporter, owner *pingan.User, title, desc, addr string, at pingan.Location, p pingan.Person, outsider func(*pingan.User) bool) *guardProbe {
		c, err := e.db.Cases.CreateCase(ctx, reporter, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102", Title: title,
			Description: desc, Address: addr, Location: &at, Reporter: &p})
		if err != nil {
			t.Fatal(err)
		}
		photo := string(pngBytes) + title // a PNG by its head, and of its own sum
		res := e.login(reporter).postMultipart("/cases/"+c.ID+"/act", url.Values{"action": {"comment"}, "note": {"现场照片"}},
			[]upload{{"photos", "scene.png", []byte(photo)}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("a photo for %s: %d %s", c.ID, res.status, res.body)
		}
		if c, err = e.db.Cases.FindCase(ctx, e.fx.Admin, c.ID); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(photo))
		return &guardProbe{c: c, sum: hex.EncodeToString(sum[:]), photo: photo, owner: owner,
			texts: []string{title, desc, addr, p.Name, p.Phone, p.IDNumber}, outsider: outsider}
	}
	in := func(county string) func(*pingan.User) bool {
		return func(u *pingan.User) bool { return strings.HasPrefix(u.UnitCode, county) }
	}
	probes := []*guardProbe{
		mk(e.fx.OtherGridWorker, e.fx.OtherDispatcher, "金塔村宅基地界址纠纷", "西邻院墙越界三尺，双方争执不下", "金塔村七组 9 号",
			pingan.Location{Lat: 40.01, Lng: 98.91}, pingan.Person{Name: "皇甫晓东", Phone: "13911110007", IDNumber: "620921197503120018"},
			in("620902")),
		mk(e.fx.GridWorker, e.fx.CountyDispatcher, "富康社区楼顶私搭乱建", "六栋楼顶加盖彩钢房", "富康路 21 号",
			pingan.Location{Lat: 39.755, Lng: 98.505}, pingan.Person{Name: "欧阳青山", Phone: "13911110001", IDNumber: "620902198807150021"},
			in("620921")),
	}
	routes := guardRoutes(e.srv)
	var caseRoutes []guardRoute
	for _, r := range routes {
		isCase := false
		for _, w := range r.wildcards() {
			switch w {
			case "id", "number":
				isCase = true
			case "sum", "lang", "kind", "doc": // kind, doc: a petition's document kind and document (petition.go)
			case "campaign": // a campaign, not a case: TestCampaignJurisdiction (campaign_test.go) sweeps it
			case "scheme", "period", "unit": // an assessment's result: the store's jurisdiction (TestAssessPages)
			case "risk", "stab": // a risk or a 稳评, not a case: the store's jurisdiction (store/risk_test.go)
			case "warning": // a warning, not a case: the store's jurisdiction (store/warning_test.go)
			case "task", "year": // a supervised task, a yearly list: the store's jurisdiction (store/task_test.go)
			case "week": // a unit's weekly 研判 ({unit} above): the store's jurisdiction (store/briefing_test.go)
			case "point": // a patrol point, not a case: the store's jurisdiction (store/patrol_test.go)
			case "site": // a key site, not a case: the store's jurisdiction (store/site_test.go)
			default:
				t.Errorf("route %q has the wildcard {%s}, which this test does not know how to fill: teach it, "+
					"and if it names a case, sweep it with another county's case", r.pattern, w)
			}
		}
		if isCase {
			caseRoutes = append(caseRoutes, r)
		}
	}
	for _, want := range []string{"GET /cases/{id}", "POST /cases/{id}/act", "GET /cases/{id}/files/{sum}"} {
		if !slices.ContainsFunc(caseRoutes, func(r guardRoute) bool { return r.pattern == want }) {
			t.Errorf("the server does not register %q: the sweep reads the wrong patterns", want)
		}
	}
	var actions []string
	for a := range actionFields {
		actions = append(actions, string(a))
	}
	slices.Sort(actions)

	for _, p := range probes {
		id := p.c.ID
		missing := id[:len(id)-6] + "999999" // the same year and region, no case
		valsOf := func(id string) map[string]string {
			return map[string]string{"id": id, "number": id, "sum": p.sum, "lang": "en", "kind": "accept", "doc": "1.pdf"}
		}
		tlBefore, err := e.db.Cases.Timeline(ctx, e.fx.Admin, id)
		if err != nil {
			t.Fatal(err)
		}
		// The owner reaches every page of the case that needs no query
		// code: the probes below hit the case itself.
		own := e.login(p.owner)
		for _, r := range caseRoutes {
			if !r.gets() || strings.HasPrefix(r.path, "/public/") {
				continue
			}
			path, _ := r.fill(valsOf(id))
			if unprintable(t, path) {
				continue
			}
			if res := own.get(path); res.status != http.StatusOK && !unmediated(path, res.status) && !unpetitioned(path, res.status) {
				t.Errorf("%s GET %s of their own county: %d", p.owner.Username, path, res.status)
			}
		}
		// hidden checks that the answer for the case is that for no case.
		hidden := func(who, method, path string, got, none response) {
			t.Helper()
			if got.status != http.StatusNotFound {
				t.Errorf("%s %s %s of another county: %d, want 404", who, method, path, got.status)
			}
			norm := func(body, id string) string { return strings.ReplaceAll(body, id, "{id}") }
			if norm(got.body, id) != norm(none.body, missing) || got.status != none.status {
				t.Errorf("%s %s %s of another county answers otherwise than for no case: %d vs %d", who, method, path, got.status, none.status)
			}
			if got.body == p.photo {
				t.Errorf("%s %s %s serves the photo of another county's case", who, method, path)
			}
			for _, s := range p.texts {
				if s != "" && strings.Contains(got.body, s) {
					t.Errorf("%s %s %s of another county shows %q", who, method, path, s)
				}
			}
		}
		outsiders := 0
		publicDone := false
		for _, u := range guardUsers(e.fx) {
			if !p.outsider(u) {
				continue
			}
			outsiders++
			cl := e.login(u)
			for _, r := range caseRoutes {
				public := strings.HasPrefix(r.path, "/public/")
				if public && publicDone {
					continue // failed look-ups are counted per client; once is enough
				}
				path, _ := r.fill(valsOf(id))
				none, _ := r.fill(valsOf(missing))
				if r.gets() {
					q := ""
					if public {
						q = "?code=WRONGCODE"
					}
					hidden(u.Username, "GET", path+q, cl.get(path+q), cl.get(none+q))
				}
				if !r.posts() {
					continue
				}
				forms := actions
				if public {
					forms = actions[:1]
				}
				for _, a := range forms {
					form := func() url.Values {
						return url.Values{"action": {a}, "reason": {"越权测试"}, "note": {"越权测试"}, "result": {"越权测试"},
							"to_unit": {u.UnitCode}, "category": {"0102"}, "days": {"3"}, "deadline": {"2026-12-01"},
							"satisfaction": {"satisfied"}, "code": {"WRONGCODE"}}
					}
					hidden(u.Username, "POST "+a, path, cl.post(path, form()), cl.post(none, form()))
				}
			}
			publicDone = true
			// Pages without a case in their path, with the case in every
			// query parameter they might read it from.
			q := url.Values{"id": {id}, "case": {id}, "case_id": {id}, "number": {id}, "q": {id}, "tab": {"all"},
				"unit": {p.c.Unit}, "grid": {p.c.Grid}}.Encode()
			for _, r := range routes {
				if !r.gets() || r.method == "" || len(r.wildcards()) > 0 || strings.HasPrefix(r.path, "/static/") {
					continue
				}
				path, _ := r.fill(nil)
				res := cl.get(path + "?" + q)
				if strings.Contains(res.body, `href="/cases/`+id) {
					t.Errorf("%s GET %s?%s links the case of another county", u.Username, path, q)
				}
				for _, s := range p.texts {
					if s != "" && strings.Contains(res.body, s) {
						t.Errorf("%s GET %s?%s shows %q of another county's case", u.Username, path, q, s)
					}
				}
			}
		}
		if outsiders < 3 {
			t.Errorf("case %s: only %d users of the other county to try", id, outsiders)
		}
		// Nothing the outsiders posted reached the case.
		after, err := e.db.Cases.FindCase(ctx, e.fx.Admin, id)
		if err != nil {
			t.Fatal(err)
		}
		tl, err := e.db.Cases.Timeline(ctx, e.fx.Admin, id)
		if err != nil {
			t.Fatal(err)
		}
		if after.Version != p.c.Version || after.Status != p.c.Status || len(tl) != len(tlBefore) {
			t.Errorf("case %s changed under the posts of another county: version %d → %d, %d → %d actions",
				id, p.c.Version, after.Version, len(tlBefore), len(tl))
		}
	}

	// Nor can a form carry a case across the border, which would show it
	// to the other county or theirs to us: a report filed in a unit or at
	// a position of the other county, a case handed to one of its units,
	// an account opened there, a unit of it moved under one's own.
	other, mine := probes[0], probes[1]
	e.act(e.fx.CountyDispatcher, mine.c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	d, g := e.login(e.fx.CountyDispatcher), e.login(e.fx.GridWorker)
	admin := e.login(e.addUser("sz-admin", "620902", pingan.RoleAdmin))
	report := url.Values{"source": {"hotline"}, "category": {"0102"}, "title": {"越界上报"}, "description": {"越界上报"}}
	with := func(v url.Values, kv ...string) url.Values {
		out := url.Values{}
		for k, vs := range v {
			out[k] = slices.Clone(vs)
		}
		for i := 0; i+1 < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	// Each refusal has a twin inside the county that succeeds, so that it is
	// the border that refuses, not something else about the form.
	for _, tc := range []struct {
		name           string
		across, inside func() response
	}{
		{"a report in a unit of the other county",
			func() response { return d.postMultipart("/report", with(report, "unit", other.c.Unit), nil) },
			func() response { return d.postMultipart("/report", with(report, "unit", mine.c.Unit), nil) }},
		{"a report in a grid of the other county",
			func() response { return d.postMultipart("/report", with(report, "lat", "40.01", "lng", "98.91"), nil) },
			func() response {
				return d.postMultipart("/report", with(report, "lat", "39.755", "lng", "98.505"), nil)
			}},
		{"a phone report in a grid of the other county",
			func() response {
				return g.postMultipart("/m/report", with(report, "lat", "40.01", "lng", "98.91", "key", "guard-across"),
					nil, "Accept", "application/json", "X-CSRF-Token", g.csrf)
			},
			func() response {
				return g.postMultipart("/m/report", with(report, "lat", "39.755", "lng", "98.505", "key", "guard-inside"),
					nil, "Accept", "application/json", "X-CSRF-Token", g.csrf)
			}},
		{"an account in the other county",
			func() response {
				return admin.post("/admin/users", url.Values{"username": {"sz-across"}, "name": {"越界账户"},
					"unit": {"620921-zz"}, "role": {"dispatcher"}, "password": {"a-long-password"}})
			},
			func() response {
				return admin.post("/admin/users", url.Values{"username": {"sz-inside"}, "name": {"辖区账户"},
					"unit": {"620902-zz"}, "role": {"dispatcher"}, "password": {"a-long-password"}})
			}},
		{"a unit of the other county moved under one's own",
			func() response {
				return admin.post("/admin/units", url.Values{"csv": {"code,name,level,parent_code\n620921100001,金塔村,village,620902001000\n"}})
			},
			func() response {
				return admin.post("/admin/units", url.Values{"csv": {"code,name,level,parent_code\n620902001002,南苑社区,village,620902001000\n"}})
			}},
		{"a case handed to a unit of the other county",
			func() response {
				return d.post("/cases/"+mine.c.ID+"/act", url.Values{"action": {"dispatch"}, "to_unit": {"620921100000"}})
			},
			func() response {
				return d.post("/cases/"+mine.c.ID+"/act", url.Values{"action": {"dispatch"}, "to_unit": {"620902-zjj"}})
			}},
	} {
		if res := tc.across(); res.status < 400 || res.status >= 500 {
			t.Errorf("%s: %d, want a refusal", tc.name, res.status)
		}
		if res := tc.inside(); res.status >= 400 {
			t.Errorf("%s: the same inside the county: %d, want it done\n%s", tc.name, res.status, res.body)
		}
	}
	if res := e.anon().post("/login", url.Values{"username": {"sz-across"}, "password": {"a-long-password"}}); res.status == http.StatusSeeOther {
		t.Error("an account opened in the other county signs in")
	}
	for _, tc := range []struct {
		u      *pingan.User
		region string // of the cases the user may see
	}{{e.fx.CountyDispatcher, "620902"}, {e.fx.OtherDispatcher, "620921"}, {e.fx.OtherHandler, "620921"}} {
		cs, _, err := e.db.Cases.FindCases(ctx, tc.u, pingan.CaseFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if c.Region != tc.region {
				t.Errorf("%s sees case %s of another county after the refused forms", tc.u.Username, c.ID)
			}
		}
		cl := e.login(tc.u)
		for _, p := range probes {
			res := cl.get("/cases/" + p.c.ID)
			if p.c.Region != tc.region && res.status != http.StatusNotFound {
				t.Errorf("%s GET /cases/%s of another county after the refused forms: %d", tc.u.Username, p.c.ID, res.status)
			}
		}
	}
}
