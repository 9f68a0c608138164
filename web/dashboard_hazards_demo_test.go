package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/demo"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// TestDashboardHazardsDemo builds a small demo city (黔江区, six weeks of
// history, its hazards through 整改 and 复查) and opens the dashboard as
// its leader: the section 安全隐患 shows 整改率, 按期整改率 and 复查合格率
// with the numerators and bases of the statistics, none of them empty, and
// the open listed major hazards (挂牌督办), one row each.
func TestDashboardHazardsDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a demo city")
	}
	ctx := context.Background()
	clock := demo.NewClock()
	db := storetest.OpenWith(t, store.Options{Clock: clock})
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, pingan.CST)
	c, err := demo.Seed(ctx, demo.Services{Units: db.Units, Users: db.Users, Categories: db.Categories, Grids: db.Grids,
		Cases: db.Cases, Stats: db.Stats, Escalator: db.Cases}, clock, demo.Options{City: "500114", Seed: 11, Days: 45, Cases: 520, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	srv := New(Config{Units: db.Units, Users: db.Users, Categories: db.Categories, Cases: db.Cases, Stats: db.Stats, Public: db.Public,
		Grids: db.Grids, Holidays: db.Calendar, Calendar: db.Calendar, Clock: clock, Logger: slog.New(slog.DiscardHandler), DataDir: t.TempDir()})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	e := &env{t: t, db: db, srv: srv, ts: ts}
	leader := ""
	for _, a := range c.Accounts {
		if a.Unit == c.Code && strings.HasSuffix(a.Username, "_leader") {
			leader = a.Username
		}
	}
	u, err := db.Users.UserByUsername(ctx, leader)
	if err != nil {
		t.Fatalf("the city leader %q: %v", leader, err)
	}
	cl := e.anon()
	if res := cl.post("/login", url.Values{"username": {leader}, "password": {demo.Password}}); res.status != http.StatusSeeOther {
		t.Fatalf("login %s: %d", leader, res.status)
	}
	page := cl.get("/dashboard?period=year&at=2026-11")
	if page.status != http.StatusOK {
		t.Fatalf("dashboard: %d", page.status)
	}
	i := strings.Index(page.body, `id="dash-hazards"`)
	if i < 0 {
		t.Fatal("no section 安全隐患 on the dashboard")
	}
	sec := page.body[i:]
	sec = sec[:strings.Index(sec, "</section>")]
	st, err := db.Stats.Stats(ctx, u, pingan.StatsQuery{Unit: c.Code, From: time.Date(2026, 1, 1, 0, 0, 0, 0, pingan.CST),
		To: time.Date(2027, 1, 1, 0, 0, 0, 0, pingan.CST), Kind: pingan.KindHazard})
	if err != nil {
		t.Fatal(err)
	}
	var shown []string
	for _, id := range pingan.HazardRates {
		re := regexp.MustCompile(`id="metric-h_` + id + `"[\s\S]*?<div class="value">([^<]*)</div>[\s\S]*?<a class="num"[^>]*>(\d+)</a> / <span class="base">(\d+)</span>`)
		m := re.FindStringSubmatch(sec)
		if m == nil {
			t.Errorf("%s: no figure with its base in the section", id)
			continue
		}
		num, _ := strconv.ParseInt(m[2], 10, 64)
		base, _ := strconv.ParseInt(m[3], 10, 64)
		if num == 0 || base == 0 || base != st.Bases[id] || num != int64(st.Rates[id]*float64(base)+0.5) {
			t.Errorf("%s: %s/%s shown, the statistics %.3f of %d", id, m[2], m[3], st.Rates[id], st.Bases[id])
		}
		shown = append(shown, id+" "+m[1]+" ("+m[2]+"/"+m[3]+")")
	}
	_, total, err := db.Cases.ListedHazards(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Count(sec, `<tr id="listed-`)
	if total == 0 || rows != min(total, store.MaxListedHazards) {
		t.Errorf("%d listed hazards on the dashboard, %d open", rows, total)
	}
	t.Logf("安全隐患 for %s: found %d, major %d (%d open), listed %d, late %d; %s; %d listed open",
		leader, st.Counts["reported"], st.Counts["hz_major"], st.Counts["hz_major_open"], st.Counts["hz_listed"], st.Counts["hz_late"],
		strings.Join(shown, ", "), rows)
}
