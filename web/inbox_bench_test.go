package web

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// The server-side time of the pages a centre works from — every tab of the
// inbox with its queues (docs/queues.md), the search and the case page —
// for the city dispatcher over a database of PINGAN_BENCH_CASES cases (2000
// unless set), seeded as BenchmarkDashboardInbox seeds it, and 200 cases
// more through the store's methods: returned (退回) with a reason, closed and
// rated dissatisfied, closed and not rated. It reports the median and the
// 95th percentile of each page. With PINGAN_TEST_POSTGRES set the store is
// PostgreSQL.
//
//	go test -run '^$' -bench InboxQueues ./web/
//	PINGAN_BENCH_CASES=1000000 go test -run '^$' -bench InboxQueues -benchtime 20x -timeout 60m ./web/
func BenchmarkInboxQueues(b *testing.B) {
	n := 2000
	if s := os.Getenv("PINGAN_BENCH_CASES"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	e := newBenchEnv(b)
	storetest.SeedGrids(b, e.db, e.fx)
	if n > bulkFrom {
		storetest.BulkCases(b, e.db, e.fx, n, storetest.BulkOptions{Now: e.clock.Now()})
	} else {
		seedCases(b, e, n)
	}
	returned := seedQueues(b, e, 200)
	c := e.login(e.fx.CityDispatcher)
	var pages []struct{ name, path string }
	for _, t := range tabsFor(e.fx.CityDispatcher) {
		pages = append(pages, struct{ name, path string }{"inbox-" + t.ID, "/inbox?tab=" + t.ID})
	}
	pages = append(pages, []struct{ name, path string }{
		{"inbox-register-own", "/inbox?tab=register&holding=own"},
		{"inbox-register-below", "/inbox?tab=register&holding=below"},
		{"search-text", "/search?q=" + url.QueryEscape("基准测试")},
		{"search-status", "/search?status=accepted"},
		{"case", "/cases/" + returned},
	}...)
	for _, page := range pages {
		b.Run(page.name, func(b *testing.B) { benchPage(b, c, page.path, n) })
	}
}

// seedQueues reports m cases in 肃州区 through the store and sends them along
// the loop into the centre's queues: a third returned by the department with
// a reason, a third closed and rated dissatisfied, a third closed and not
// rated. It answers the id of a returned case.
func seedQueues(b *testing.B, e *env, m int) string {
	b.Helper()
	ctx := context.Background()
	d, h := e.fx.CountyDispatcher, e.fx.CountyHandler
	act := func(u *pingan.User, id string, in pingan.ActionInput) {
		if _, err := e.db.Cases.Act(ctx, u, id, in); err != nil {
			b.Fatalf("%s: %v", in.Action, err)
		}
	}
	var returned string
	for i := range m {
		c, err := e.db.Cases.CreateCase(ctx, e.fx.GridWorker, &pingan.NewCase{Kind: pingan.KindService, Category: "FW01",
			Title: fmt.Sprintf("队列事件 %d", i), Description: "基准测试数据", Reporter: &pingan.Person{Name: "李四", Phone: "13900000000"}})
		if err != nil {
			b.Fatal(err)
		}
		act(d, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
		act(d, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: e.fx.CountyHousing.Code})
		if i%3 == 0 {
			act(h, c.ID, pingan.ActionInput{Action: pingan.ActReturn, Reason: "不属于本单位职责"})
			returned = c.ID
			continue
		}
		act(h, c.ID, pingan.ActionInput{Action: pingan.ActSign})
		act(h, c.ID, pingan.ActionInput{Action: pingan.ActResolve, Result: "已处理"})
		act(d, c.ID, pingan.ActionInput{Action: pingan.ActClose})
		if i%3 == 1 {
			act(d, c.ID, pingan.ActionInput{Action: pingan.ActRate, Satisfaction: pingan.Dissatisfied})
		}
	}
	return returned
}
