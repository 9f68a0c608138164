package web

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// bulkFrom is the most cases seeded through CreateCase and Act.
const bulkFrom = 5000

// The server-side time to render the dashboard and the inbox of a city
// dispatcher over a database of PINGAN_BENCH_CASES cases (2000 unless
// set), spread over the thirteen months before the clock and the
// fixture's grids, in every status. It reports the median and the 95th
// percentile. Up to bulkFrom cases are reported and moved along the loop
// through the store's methods; more are written in bulk
// (storetest.BulkCases). With PINGAN_TEST_POSTGRES set the store is
// PostgreSQL.
//
//	go test -run '^$' -bench 'Dashboard|Inbox' ./web/
//	PINGAN_BENCH_CASES=1000000 go test -run '^$' -bench 'Dashboard|Inbox' -benchtime 20x -timeout 60m ./web/
//
// The database is seeded once, by the parent benchmark, for the three
// pages.
func BenchmarkDashboardInbox(b *testing.B) {
	n := 2000
	if s := os.Getenv("PINGAN_BENCH_CASES"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	// Seeded once for the pages: at a million cases it takes minutes.
	e := newBenchEnv(b)
	storetest.SeedGrids(b, e.db, e.fx)
	if n > bulkFrom {
		storetest.BulkCases(b, e.db, e.fx, n, storetest.BulkOptions{Now: e.clock.Now()})
	} else {
		seedCases(b, e, n)
	}
	c := e.login(e.fx.CityDispatcher)
	for _, page := range []struct{ name, path string }{
		{"dashboard", "/dashboard"}, {"inbox", "/inbox"}, {"inbox-all", "/inbox?tab=all"},
	} {
		b.Run(page.name, func(b *testing.B) { benchPage(b, c, page.path, n) })
	}
}

func benchPage(b *testing.B, c *client, path string, n int) {
	c.t = b
	times := make([]time.Duration, 0, b.N)
	for b.Loop() {
		start := time.Now()
		res := c.get(path)
		times = append(times, time.Since(start))
		if res.status != http.StatusOK {
			b.Fatalf("GET %s: %d", path, res.status)
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(times[len(times)/2]), "p50-ms")
	b.ReportMetric(ms(times[min(len(times)-1, len(times)*95/100)]), "p95-ms")
	b.ReportMetric(float64(n), "cases")
}

// newBenchEnv is newEnv over PostgreSQL when PINGAN_TEST_POSTGRES is set.
func newBenchEnv(b *testing.B) *env {
	clock := storetest.NewClock(storetest.Epoch)
	o := store.Options{Clock: clock}
	if os.Getenv(storetest.PostgresEnv) != "" {
		o.DSN = storetest.PostgresDSN(b)
	}
	return newEnvOn(b, storetest.OpenWith(b, o), clock)
}

// seedCases reports n cases in the fixture's villages and moves some of
// them along the loop.
func seedCases(b *testing.B, e *env, n int) {
	b.Helper()
	ctx := context.Background()
	cats := []struct {
		kind pingan.Kind
		code string
	}{{pingan.KindDispute, "0102"}, {pingan.KindService, "FW01"}, {pingan.KindHazard, "AQ03"}, {pingan.KindService, "FW03"}}
	reporters := []*pingan.User{e.fx.GridWorker, e.fx.OtherGridWorker}
	now := e.clock.Now()
	for i := range n {
		cat := cats[i%len(cats)]
		u := reporters[i%len(reporters)]
		at := now.Add(-(395 * 24 * time.Hour / time.Duration(n)) * time.Duration(n-i))
		c, err := e.db.Cases.CreateCase(ctx, u, &pingan.NewCase{Kind: cat.kind, Category: cat.code,
			Title: fmt.Sprintf("事件 %d", i), Description: "基准测试数据", ReportedAt: at,
			Reporter: &pingan.Person{Name: "张三", Phone: "13800000000"}})
		if err != nil {
			b.Fatal(err)
		}
		d, h := e.fx.CountyDispatcher, e.fx.CountyHandler
		to := "620902-zjj"
		if u == e.fx.OtherGridWorker {
			d, h, to = e.fx.OtherDispatcher, e.fx.OtherHandler, "620921100000"
		}
		steps := []pingan.ActionInput{{Action: pingan.ActAccept}, {Action: pingan.ActDispatch, ToUnit: to},
			{Action: pingan.ActSign}, {Action: pingan.ActResolve, Result: "已处理"}, {Action: pingan.ActClose},
			{Action: pingan.ActRate, Satisfaction: pingan.Satisfied}}
		for j, in := range steps[:i%(len(steps)+1)] {
			actor := d
			if j == 2 || j == 3 {
				actor = h
			}
			if _, err := e.db.Cases.Act(ctx, actor, c.ID, in); err != nil {
				b.Fatalf("%s: %v", in.Action, err)
			}
		}
	}
}
