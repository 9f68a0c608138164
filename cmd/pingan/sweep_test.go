package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/api"
	"github.com/pingan-gov/pingan/open311"
	"github.com/pingan-gov/pingan/secret"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
	"github.com/pingan-gov/pingan/web"
)

// The jurisdiction sweep (辖区隔离): the other county, 金塔县, holds data
// marked with strings found nowhere else; every account of 肃州区 then
// sends generated requests to every route the pages and the API register
// — paths filled with the ids of both counties, queries naming the other
// county's units, grids and cases, forms and JSON bodies naming them too —
// and no answer may carry a marker, nor be a 500. Routes are read from the
// servers as pingan serve wires them, so a route added later is swept too.

// sweepMarks are the strings planted in 金塔县's data only.
type sweepMarks struct {
	marks []string
	ids   map[string][]string // wildcard name → values, both counties
}

func (m *sweepMarks) add(s ...string) {
	for _, v := range s {
		if v != "" && !slices.Contains(m.marks, v) {
			m.marks = append(m.marks, v)
		}
	}
}

func (m *sweepMarks) id(names []string, v ...string) {
	for _, n := range names {
		for _, s := range v {
			if !slices.Contains(m.ids[n], s) {
				m.ids[n] = append(m.ids[n], s)
			}
		}
	}
}

// sweepPerson adds a person's name and phone as marks, whole and masked.
func (m *sweepMarks) person(p pingan.Person) {
	mp := p.Masked()
	m.add(p.Name, p.Phone, mp.Phone)
	if len([]rune(mp.Name)) >= 2 {
		m.add(mp.Name)
	}
}

// sweepPlant writes the data of both counties; 金塔县's carries the marks.
func sweepPlant(t *testing.T, db *store.DB, fx *storetest.Fixture) *sweepMarks {
	t.Helper()
	ctx := context.Background()
	m := &sweepMarks{ids: map[string][]string{}}

	// A village and a grid of 金塔县 with marked names.
	far := &pingan.Unit{Code: "620921100002", Name: "泄漏标记庄村", Level: pingan.LevelVillage, ParentCode: "620921100000"}
	dept := &pingan.Unit{Code: "620921-yjj", Name: "泄漏标记应急局", Level: pingan.LevelDepartment, ParentCode: "620921"}
	if _, err := db.Units.ImportUnits(ctx, []*pingan.Unit{far, dept}); err != nil {
		t.Fatalf("plant units: %v", err)
	}
	m.add(far.Name, dept.Name)
	grids := storetest.FixtureGrids(fx)
	grids[4].Name = "泄漏标记网格"
	grids = append(grids, &pingan.Grid{Code: "620921100002-01", Name: "泄漏标记庄网格", Type: pingan.GridVillage, Unit: far.Code,
		Geometry: storetest.Rect(98.93, 40.00, 98.95, 40.02), Households: 77, Population: 201})
	if _, err := db.Grids.ImportGrids(ctx, grids); err != nil {
		t.Fatalf("plant grids: %v", err)
	}
	m.add(grids[4].Name, "泄漏标记庄网格")
	units := []string{"620921", "620921-zz", dept.Code, "620921100000", "620921100001", far.Code, "620902", "620902001001", "620902-zjj"}
	m.id([]string{"unit", "code"}, units...)
	m.id([]string{"code", "grid", "id"}, "620921100001-01", "620921100002-01", "620902001001-01")

	// Cases of 金塔县 with marked words and people, and one of 肃州区.
	for i, c := range []struct {
		title, desc, addr string
		reporter, party   pingan.Person
		lat, lng          float64
	}{
		{"泄漏标记灌溉纠纷", "泄漏标记上下游争水", "泄漏标记渠首九号",
			pingan.Person{Role: "reporter", Name: "鞠泄漏", Phone: "13977775501"},
			pingan.Person{Role: "applicant", Name: "巫泄密", Phone: "13977775502"}, 40.01, 98.91},
		{"泄漏标记宅基地纠纷", "泄漏标记两户争地", "泄漏标记东街三号",
			pingan.Person{Role: "reporter", Name: "訾漏标", Phone: "13977775503"},
			pingan.Person{Role: "applicant", Name: "亓漏记", Phone: "13977775504"}, 40.01, 98.94},
	} {
		in := &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102", Title: c.title, Description: c.desc, Address: c.addr,
			Source: pingan.SourceHotline, Reporter: &c.reporter, Parties: []pingan.Person{c.party},
			Location: &pingan.Location{Lat: c.lat, Lng: c.lng}}
		actor := fx.OtherGridWorker
		if i == 1 {
			actor, in.Unit = fx.OtherDispatcher, far.Code
		}
		created, err := db.Cases.CreateCase(ctx, actor, in)
		if err != nil {
			t.Fatalf("plant case %d: %v", i, err)
		}
		m.add(c.title, c.desc, c.addr)
		m.person(c.reporter)
		m.person(c.party)
		m.id([]string{"id", "case", "number"}, created.ID)
	}
	near, err := db.Cases.CreateCase(ctx, fx.CountyDispatcher, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102",
		Title: "楼道堆物纠纷", Description: "三楼住户堆放杂物", Unit: "620902001001", Source: pingan.SourceHotline,
		Reporter: &pingan.Person{Role: "reporter", Name: "欧阳青山", Phone: "13911110001"}})
	if err != nil {
		t.Fatalf("plant near case: %v", err)
	}
	m.id([]string{"id", "case", "number"}, near.ID)

	// A key site, a risk and a task of 金塔县.
	site, err := db.Sites.AddSite(ctx, fx.OtherDispatcher, &pingan.NewSite{Name: "泄漏标记加油站", Type: pingan.SiteHazardSource, Level: 2,
		Location: &pingan.Location{Lat: 40.01, Lng: 98.91}, Address: "泄漏标记站前路", Department: dept.Code,
		Contact: &pingan.SiteContact{Name: "卜泄露", Phone: "13977775505"}})
	if err != nil {
		t.Fatalf("plant site: %v", err)
	}
	m.add(site.Name, "泄漏标记站前路")
	m.person(pingan.Person{Name: "卜泄露", Phone: "13977775505"})
	m.id([]string{"site", "id"}, fmt.Sprint(site.ID))
	leader := &pingan.User{Username: "jt-leader", Name: "泄漏标记县领导", UnitCode: "620921", Roles: []pingan.Role{pingan.RoleLeader}}
	if err := db.Users.CreateUser(ctx, leader, storetest.Password); err != nil {
		t.Fatalf("plant leader: %v", err)
	}
	m.add(leader.Name)
	m.id([]string{"id", "user"}, fmt.Sprint(leader.ID))
	risk, err := db.Risks.RegisterRisk(ctx, fx.OtherDispatcher, &pingan.NewRisk{Title: "泄漏标记风险", Description: "泄漏标记风险描述",
		Field: "housing_delivery", Unit: "620921100000", Level: pingan.RiskRed, Leader: leader.ID, Responsible: dept.Code})
	if err != nil {
		t.Fatalf("plant risk: %v", err)
	}
	m.add(risk.Title, "泄漏标记风险描述")
	m.id([]string{"risk", "id"}, fmt.Sprint(risk.ID))
	task, err := db.Tasks.IssueTask(ctx, fx.OtherDispatcher, &pingan.NewTask{Title: "泄漏标记督办", Content: "泄漏标记督办内容",
		Source: pingan.TaskFromMeeting, LeadUnit: "620921100000"})
	if err != nil {
		t.Fatalf("plant task: %v", err)
	}
	m.add(task.Title, "泄漏标记督办内容")
	m.id([]string{"task", "id"}, fmt.Sprint(task.ID))

	// The accounts of both counties, by id and username.
	for _, u := range fx.Users {
		m.id([]string{"id", "user"}, fmt.Sprint(u.ID))
		m.id([]string{"username"}, u.Username)
	}
	return m
}

// sweepPatterns reads the patterns a server registers (its unexported
// list, kept for the tests that sweep every route).
func sweepPatterns(t *testing.T, srv any) []string {
	t.Helper()
	v := reflect.ValueOf(srv).Elem().FieldByName("patterns")
	if !v.IsValid() || v.Len() == 0 {
		t.Fatalf("%T registers no patterns", srv)
	}
	out := make([]string, v.Len())
	for i := range v.Len() {
		out[i] = v.Index(i).String()
	}
	return out
}

var sweepWildcardRe = regexp.MustCompile(`\{([^}]*)\}`)

// sweepFills answers the paths of pattern's path with its wildcards
// filled from ids (a generic value for a name without any), at most max.
func sweepFills(path string, ids map[string][]string, max int) []string {
	out := []string{""}
	rest := path
	for {
		loc := sweepWildcardRe.FindStringIndex(rest)
		if loc == nil {
			break
		}
		name := strings.TrimSuffix(rest[loc[0]+1:loc[1]-1], "...")
		vals := ids[name]
		if name == "$" {
			vals = []string{""}
		} else if len(vals) == 0 {
			vals = sweepGeneric(name)
		}
		var next []string
		for _, p := range out {
			for _, v := range vals {
				if len(next) < max {
					esc := url.PathEscape(v)
					if strings.HasSuffix(rest[loc[0]:loc[1]], "...}") {
						esc = v
					}
					next = append(next, p+rest[:loc[0]]+esc)
				}
			}
		}
		out, rest = next, rest[loc[1]:]
	}
	for i := range out {
		out[i] += rest
	}
	return out
}

// sweepGeneric answers values for a wildcard the fixture has no ids for.
func sweepGeneric(name string) []string {
	switch name {
	case "year":
		return []string{"2026"}
	case "month", "period":
		return []string{"2026-11", "2026"}
	case "week":
		return []string{"2026-W48"}
	case "kind":
		return []string{"dispute", "summary"}
	case "lang":
		return []string{"zh"}
	}
	return []string{"1", "2"}
}

// sweepClient is one account's way into one server: a cookie and an
// anti-forgery token for the pages, a bearer token for the API.
type sweepClient struct {
	name   string
	cookie string
	csrf   string
	token  string
	addr   string
}

func (c *sweepClient) send(h http.Handler, method, target string, body io.Reader, ctype string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, body)
	req.RemoteAddr = c.addr
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.cookie != "" {
		req.Header.Set("Cookie", c.cookie)
	}
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	if c.token != "" && strings.HasPrefix(target, "/api/") {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

var sweepCSRFRe = regexp.MustCompile(`<meta name="csrf" content="([^"]+)">`)

// sweepSignIn signs u in on the pages and on the API.
func sweepSignIn(t *testing.T, h http.Handler, u *pingan.User, n int) *sweepClient {
	t.Helper()
	c := &sweepClient{name: u.Username, addr: fmt.Sprintf("192.0.2.%d:1234", n+10)}
	form := url.Values{"username": {u.Username}, "password": {storetest.Password}}
	rec := c.send(h, "POST", "/login", strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
	var cookies []string
	for _, ck := range rec.Result().Cookies() {
		cookies = append(cookies, ck.Name+"="+ck.Value)
	}
	if rec.Code != http.StatusSeeOther || len(cookies) == 0 {
		t.Fatalf("sign in %s on the pages: %d %s", u.Username, rec.Code, rec.Body)
	}
	c.cookie = strings.Join(cookies, "; ")
	rec = c.send(h, "GET", "/inbox", nil, "")
	m := sweepCSRFRe.FindStringSubmatch(rec.Body.String())
	if m == nil {
		t.Fatalf("sign in %s: no anti-forgery token on /inbox (%d)", u.Username, rec.Code)
	}
	c.csrf = m[1]
	rec = c.send(h, "POST", "/api/v1/session", strings.NewReader(fmt.Sprintf(`{"username":%q,"password":%q}`, u.Username, storetest.Password)), "application/json")
	var tok struct{ Token string }
	if rec.Code != http.StatusCreated || json.Unmarshal(rec.Body.Bytes(), &tok) != nil || tok.Token == "" {
		t.Fatalf("sign in %s on the API: %d %s", u.Username, rec.Code, rec.Body)
	}
	c.token = tok.Token
	return c
}

// sweepText answers the text of an answer, the cells of a workbook
// (a zip) read out of it.
func sweepText(b []byte) string {
	if !bytes.HasPrefix(b, []byte("PK")) {
		return string(b)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return string(b)
	}
	var sb strings.Builder
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			continue
		}
		io.Copy(&sb, rc)
		rc.Close()
	}
	return sb.String()
}

// sweepSkip are the routes that end the session a sweep runs in: they
// are not sent (their own tests cover them).
func sweepSkip(method, path string) bool {
	return strings.Contains(path, "logout") || path == "/api/v1/session" && method != "GET" ||
		strings.HasPrefix(path, "/static/")
}

// TestJurisdictionSweep plants marked data in 金塔县 and sends at least
// 10,000 requests across every route of the pages and the API as every
// account of 肃州区: none may answer with a mark, none may be a 500.
func TestJurisdictionSweep(t *testing.T) {
	if testing.Short() {
		t.Skip("the sweep sends 16,000 requests: not under -short (the race run)")
	}
	start := time.Now()
	f := dbFlags{data: t.TempDir(), passwords: secret.TestParams}
	clock := storetest.NewClock(storetest.Epoch)
	db, err := f.open(context.Background(), clock, true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fx := storetest.Seed(t, db)
	if err := db.Users.SetTOTPPolicy(context.Background(), nil, &pingan.TOTPPolicy{}); err != nil {
		t.Fatal(err)
	}
	marks := sweepPlant(t, db, fx)

	// The servers as pingan serve wires them.
	logger := slog.New(slog.DiscardHandler)
	sf := serveFlags{dbFlags: f}
	apiServer := api.New(apiConfig(db, sf, clock, logger))
	webServer := web.New(webConfig(db, sf, clock, logger, false, apiServer.ForgetSession))
	mux := http.NewServeMux()
	mux.Handle("/api/v1/", apiServer.Handler())
	mux.Handle(open311.Prefix, open311.New(open311Config(db, sf, clock, logger)).Handler())
	mux.Handle("/", webServer.Handler())

	var patterns []string
	for _, p := range append(sweepPatterns(t, webServer), sweepPatterns(t, apiServer)...) {
		if !slices.Contains(patterns, p) {
			patterns = append(patterns, p)
		}
	}

	// Every account of 肃州区.
	var clients []*sweepClient
	for i, name := range slices.Sorted(maps.Keys(fx.Users)) {
		if u := fx.Users[name]; strings.HasPrefix(u.ScopePath, fx.County.Path) {
			clients = append(clients, sweepSignIn(t, mux, u, i))
		}
	}
	if len(clients) < 5 {
		t.Fatalf("only %d accounts in 肃州区", len(clients))
	}

	// Queries and bodies naming the other county's things.
	queries := []string{"", "?unit=620921&grid=620921100001-01&case=" + url.QueryEscape(marks.ids["case"][0]),
		"?unit=620921100002&scope=620921&site=" + marks.ids["site"][0] + "&tab=all&q=" + url.QueryEscape(marks.ids["case"][1])}
	form := url.Values{"unit": {"620921"}, "grid": {"620921100001-01"}, "case": {marks.ids["case"][0]},
		"site": {marks.ids["site"][0]}, "risk": {marks.ids["risk"][0]}, "task": {marks.ids["task"][0]}}
	jsonBody := fmt.Sprintf(`{"unit":"620921","grid":"620921100001-01","case":%q,"cases":[%q],"site":%s}`,
		marks.ids["case"][0], marks.ids["case"][1], marks.ids["site"][0])

	requests, routes := 0, 0
	leaks, fives := map[string]bool{}, map[string]bool{}
	anon := &sweepClient{name: "anonymous", addr: "192.0.2.200:1234"}
	check := func(c *sweepClient, method, target, text string, code int) {
		if code >= 500 {
			if k := method + " " + target; !fives[k] && len(fives) < 40 {
				fives[k] = true
				t.Errorf("%s: %s %s: %d %.200s", c.name, method, target, code, text)
			}
		}
		for _, mk := range marks.marks {
			if !strings.Contains(text, mk) {
				continue
			}
			// What a signed-out visitor reads at the same address is
			// public, not a leak (the citizens' pages name the units).
			if strings.Contains(sweepText(anon.send(mux, "GET", target, nil, "").Body.Bytes()), mk) {
				continue
			}
			if k := method + " " + target + " " + mk; !leaks[k] && len(leaks) < 60 {
				leaks[k] = true
				t.Errorf("%s: %s %s shows %q of 金塔县", c.name, method, target, mk)
			}
		}
	}
	for _, p := range patterns {
		method, path, ok := strings.Cut(p, " ")
		if !ok {
			method, path = "GET", p
		}
		path = strings.TrimSpace(path)
		if i := strings.Index(path, "/"); i > 0 { // a host in the pattern
			path = path[i:]
		}
		if sweepSkip(method, path) {
			continue
		}
		routes++
		for _, target := range sweepFills(path, marks.ids, 10) {
			for qi, q := range queries {
				if method != "GET" && qi > 0 {
					break
				}
				for _, c := range clients {
					var body io.Reader
					ctype := ""
					switch {
					case method == "GET" || method == "HEAD" || method == "DELETE":
					case strings.HasPrefix(target, "/api/"):
						body, ctype = strings.NewReader(jsonBody), "application/json"
					default:
						fm := maps.Clone(form)
						fm.Set("csrf", c.csrf)
						body, ctype = strings.NewReader(fm.Encode()), "application/x-www-form-urlencoded"
					}
					rec := c.send(mux, method, target+q, body, ctype)
					requests++
					check(c, method, target+q, sweepText(rec.Body.Bytes()), rec.Code)
				}
			}
		}
	}
	// The sessions lived through the sweep: it did not check sign-in pages.
	for _, c := range clients {
		if rec := c.send(mux, "GET", "/inbox", nil, ""); rec.Code != http.StatusOK {
			t.Errorf("%s: signed out by the sweep (/inbox %d)", c.name, rec.Code)
		}
		if rec := c.send(mux, "GET", "/api/v1/cases", nil, ""); rec.Code != http.StatusOK {
			t.Errorf("%s: the API token ended in the sweep (/api/v1/cases %d)", c.name, rec.Code)
		}
	}
	t.Logf("jurisdiction sweep: %d requests, %d routes, %d accounts, %d marks, %s",
		requests, routes, len(clients), len(marks.marks), time.Since(start).Round(time.Millisecond))
	if requests < 10000 {
		t.Errorf("only %d requests: the sweep must send at least 10,000", requests)
	}
}
