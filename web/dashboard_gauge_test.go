package web

import (
	"context"
	"html"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// The figures of what is open now — 在办超期 of each unit one level down or
// grid, and 重大敏感在办 — are read from the open-now gauges and open the
// inbox on exactly the cases they count, as deadlines pass.
func TestDashboardOpenNowOpensItsCases(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	storetest.SeedGrids(t, e.db, e.fx)
	seedFigures(t, e)
	sensitiveRe := regexp.MustCompile(`(?s)id="metric-sensitive_open">.*?href="([^"]+)".*?<div class="value">(\d+)</div>`)
	overdue := 0
	// First just after the next deadline of an open case, on its day:
	// today's cases whose deadline has come are read from the cases.
	open, _, err := e.db.Cases.FindCases(context.Background(), e.fx.Admin, pingan.CaseFilter{Status: []pingan.Status{
		pingan.StatusReported, pingan.StatusAccepted, pingan.StatusDispatched, pingan.StatusInProgress, pingan.StatusResolved}})
	if err != nil {
		t.Fatal(err)
	}
	var next time.Time
	for _, oc := range open {
		if at, ok := pingan.DueMoment(oc); ok && at.After(e.clock.Now()) && (next.IsZero() || at.Before(next)) {
			next = at
		}
	}
	if next.IsZero() {
		t.Fatal("no open case has a deadline to come")
	}
	y, mo, d := next.In(pingan.CST).Date()
	end := time.Date(y, mo, d+1, 0, 0, 0, 0, pingan.CST)
	at := next.Add(min(time.Minute, end.Sub(next)/2)).Truncate(time.Millisecond)
	if !at.After(next) || !at.Before(end) {
		t.Fatalf("no moment after the deadline %v on its day", next)
	}
	first := at.Sub(e.clock.Now())
	for _, later := range []time.Duration{first, 0, 20 * time.Hour, 5 * 24 * time.Hour, 30 * 24 * time.Hour} {
		e.clock.Advance(later)
		c := e.login(e.fx.CountyDispatcher) // a session outlived by the clock is gone
		for _, path := range []string{
			"/dashboard?unit=" + e.fx.County.Code + "&period=month&at=2026-04",
			"/dashboard?unit=" + e.fx.Township.Code + "&period=month&at=2026-04&kind=dispute",
			"/dashboard?unit=" + e.fx.Village.Code + "&period=quarter&at=2026-04",
		} {
			res := c.get(path)
			if res.status != 200 {
				t.Fatalf("%s: %d", path, res.status)
			}
			cells := 0
			for _, m := range cellRe.FindAllStringSubmatch(res.body, -1) {
				if m[1] != "open-overdue" {
					continue
				}
				cells++
				n, _ := strconv.Atoi(m[3])
				overdue += n
				if got := listedCases(t, c, html.UnescapeString(m[2])); got != n {
					t.Errorf("%s (+%v): 在办超期 %d, the list it opens (%s) %d", path, later, n, m[2], got)
				}
			}
			if cells == 0 {
				t.Errorf("%s: no figure of 在办超期", path)
			}
			m := sensitiveRe.FindStringSubmatch(res.body)
			if m == nil {
				t.Fatalf("%s: no figure 重大敏感在办", path)
			}
			n, _ := strconv.Atoi(m[2])
			if got := listedCases(t, c, html.UnescapeString(m[1])); got != n {
				t.Errorf("%s (+%v): 重大敏感在办 %d, the list it opens %d", path, later, n, got)
			}
		}
	}
	if overdue == 0 {
		t.Error("no case was overdue: the figures prove nothing")
	}
}
