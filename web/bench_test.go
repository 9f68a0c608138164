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
)

// The server-side time to render the dashboard and the inbox of a city
// dispatcher over a database of PINGAN_BENCH_CASES cases (2000 unless
// set), spread over the thirteen months before the clock, in every
// status. It reports the median and the 95th percentile.
//
//	go test -run '^$' -bench 'Dashboard|Inbox' ./web/
//	PINGAN_BENCH_CASES=100000 go test -run '^$' -bench 'Dashboard|Inbox' -benchtime 50x ./web/
func BenchmarkDashboard(b *testing.B) { benchPage(b, "/dashboard") }

func BenchmarkInbox(b *testing.B) { benchPage(b, "/inbox") }

func BenchmarkInboxAll(b *testing.B) { benchPage(b, "/inbox?tab=all") }

func benchPage(b *testing.B, path string) {
	n := 2000
	if s := os.Getenv("PINGAN_BENCH_CASES"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	e := newEnv(b)
	seedCases(b, e, n)
	c := e.login(e.fx.CityDispatcher)
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		res := c.get(path)
		times = append(times, time.Since(start))
		if res.status != http.StatusOK {
			b.Fatalf("GET %s: %d", path, res.status)
		}
	}
	b.StopTimer()
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(times[len(times)/2]), "p50-ms")
	b.ReportMetric(ms(times[min(len(times)-1, len(times)*95/100)]), "p95-ms")
	b.ReportMetric(float64(n), "cases")
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
		c, err := e.db.CreateCase(ctx, u, &pingan.NewCase{Kind: cat.kind, Category: cat.code,
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
			if _, err := e.db.Act(ctx, actor, c.ID, in); err != nil {
				b.Fatalf("%s: %v", in.Action, err)
			}
		}
	}
}
