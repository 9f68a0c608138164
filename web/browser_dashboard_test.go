package web

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// seedDashboard files cases over two months and two townships of 肃州区,
// and one in 金塔县, and leaves the clock in April 2026: March has two
// cases, April four (three disputes in 富康社区, a service request in 银达村).
// Two cases of 东北街街道 are overdue now: March's dispute on its resolve
// deadline, one of April's on its sign deadline.
func seedDashboard(t *testing.T, e *env) {
	t.Helper()
	fx := e.fx
	report := func(u *pingan.User, unit, category, title string) *pingan.Case {
		t.Helper()
		kind := map[byte]pingan.Kind{'0': pingan.KindDispute, 'F': pingan.KindService}[category[0]]
		c, err := e.db.Cases.CreateCase(context.Background(), u, &pingan.NewCase{Kind: kind, Category: category, Title: title,
			Description: title + "，请尽快处理。", Address: "富康路 12 号", Unit: unit})
		if err != nil {
			t.Fatalf("report %s: %v", title, err)
		}
		return c
	}
	report(fx.GridWorker, "", "0102", "三月漏水纠纷")
	report(fx.CountyDispatcher, fx.Village3.Code, "FW01", "三月路灯不亮")
	report(fx.OtherGridWorker, "", "0102", "金塔县的纠纷")
	e.clock.Set(time.Date(2026, 4, 7, 9, 0, 0, 0, pingan.CST))
	late := report(fx.GridWorker, "", "0102", "四月噪音纠纷")
	e.act(fx.TownshipDispatcher, late.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(fx.TownshipDispatcher, late.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	report(fx.GridWorker, "", "0102", "四月停车纠纷")
	report(fx.GridWorker, "", "0101", "四月婚姻家庭纠纷")
	report(fx.CountyDispatcher, fx.Village3.Code, "FW01", "四月井盖缺失")
	e.clock.Set(time.Date(2026, 4, 20, 9, 0, 0, 0, pingan.CST)) // the sign deadline of 四月噪音纠纷 has passed
}

var trailingInt = regexp.MustCompile(`(\d+)\+?$`)

// Clicking a figure of the dashboard opens the inbox on exactly the cases
// it counts: the same number on both sides, for the period and the unit
// the dashboard shows.
func TestBrowserDashboardFigures(t *testing.T) {
	ctx := newBrowser(t, 1280, 900)
	e := newEnv(t)
	storetest.SeedGrids(t, e.db, e.fx)
	seedDashboard(t, e)
	base := e.ts.URL
	browserLogin(t, ctx, base, e.fx.CountyDispatcher.Username)
	dash := base + "/dashboard?unit=" + e.fx.County.Code + "&period=month&at=2026-04"

	for _, tc := range []struct {
		name string
		// figure is the element whose number is the count; click the
		// element to follow; tab the inbox tab that shows the count.
		figure, click, tab string
		want               int
	}{
		{"received", "#metric-received .value", "#metric-received a.value-link .value", "all", 4},
		{"disputes", "", `svg a[href*="kind=dispute"] rect`, "all", 3},
		{"township received", "#unit-620902001000 td.received", "#unit-620902001000 td.received a", "all", 3},
		{"township overdue now", "#unit-620902001000 td.open-overdue", "#unit-620902001000 td.open-overdue a", "open", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			do(t, ctx, "dashboard", chromedp.Navigate(dash), chromedp.WaitVisible(chromedp.ID("metric-received")))
			var shown string
			if tc.figure != "" {
				shown = text(t, ctx, tc.figure)
			} else {
				// A bar's count is in its tooltip: "纠纷: 3".
				title, err := chromedp.Run(ctx, chromedp.Evaluate[string](
					fmt.Sprintf(`document.querySelector(%q).querySelector('title').textContent`, tc.click)))
				if err != nil {
					t.Fatalf("bar title: %v", err)
				}
				shown = title
			}
			m := trailingInt.FindStringSubmatch(strings.TrimSpace(shown))
			if m == nil {
				t.Fatalf("figure %q holds no count", shown)
			}
			n, _ := strconv.Atoi(m[1])
			if n != tc.want {
				t.Errorf("the dashboard counts %d, want %d", n, tc.want)
			}
			do(t, ctx, "follow", chromedp.Click(chromedp.CSS(tc.click)), chromedp.WaitVisible(chromedp.ID("tab-"+tc.tab)))
			got := text(t, ctx, "#tab-"+tc.tab+" .count")
			if got != strconv.Itoa(n) {
				url, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
				t.Errorf("the dashboard shows %d, the inbox it opens (%s) %s", n, url, got)
			}
			rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('table.cases tbody tr').length`))
			if err != nil {
				t.Fatal(err)
			}
			if rows != n {
				t.Errorf("the inbox lists %d cases, the dashboard counted %d", rows, n)
			}
		})
	}
}

// The dashboard on a 390 px phone: no element wider than the screen.
func TestBrowserDashboardPhone(t *testing.T) {
	ctx := newBrowser(t, 390, 844)
	e := newEnv(t)
	storetest.SeedGrids(t, e.db, e.fx)
	seedDashboard(t, e)
	base := e.ts.URL
	browserLogin(t, ctx, base, e.fx.CountyDispatcher.Username)
	for _, path := range []string{"/dashboard?unit=" + e.fx.County.Code + "&period=month&at=2026-04",
		"/dashboard?unit=" + e.fx.County.Code + "&period=year&at=2026-04"} {
		do(t, ctx, "dashboard", chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.ID("metric-received")))
		wide, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
			const w = document.documentElement.clientWidth, out = [];
			if (document.documentElement.scrollWidth > w) out.push('page ' + document.documentElement.scrollWidth + ' px');
			for (const el of document.querySelectorAll('body *')) {
				const r = el.getBoundingClientRect();
				if (r.width > 0 && r.right > w + 0.5) {
					out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && el.className.baseVal === undefined ? '.' + el.className : '') +
						' ' + Math.round(r.left) + '…' + Math.round(r.right) + ' px');
				}
			}
			return out.slice(0, 12);
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		if len(wide) > 0 {
			t.Errorf("%s at 390 px: wider than the screen: %s", path, strings.Join(wide, "; "))
		}
	}
	shot(t, ctx, shots(t), "dashboard-390")
}
