package web

import (
	"context"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// seedFigures is seedDashboard with April's work done on more cases: one
// closed and rated 基本满意, one escalated, one signed on time, the late one
// signed after its sign deadline, and the deadline watch run, so that every
// rate of the dashboard counts something.
func seedFigures(t *testing.T, e *env) {
	t.Helper()
	seedDashboard(t, e)
	fx := e.fx
	closed := e.newCase(fx.GridWorker, "0102", "四月楼道堆物纠纷")
	e.act(fx.TownshipDispatcher, closed.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(fx.TownshipDispatcher, closed.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	e.act(fx.TownshipHandler, closed.ID, pingan.ActionInput{Action: pingan.ActSign})
	e.act(fx.TownshipHandler, closed.ID, pingan.ActionInput{Action: pingan.ActResolve, Result: "经调解双方达成协议"})
	e.act(fx.TownshipDispatcher, closed.ID, pingan.ActionInput{Action: pingan.ActClose})
	e.act(fx.TownshipDispatcher, closed.ID, pingan.ActionInput{Action: pingan.ActRate, Satisfaction: pingan.BasicallySatisfied})
	up := e.newCase(fx.GridWorker, "0102", "四月宅基地纠纷")
	e.act(fx.TownshipDispatcher, up.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(fx.TownshipDispatcher, up.ID, pingan.ActionInput{Action: pingan.ActEscalate, Reason: "需区级协调"})
	signed := e.newCase(fx.GridWorker, "0102", "四月噪音扰民")
	e.act(fx.TownshipDispatcher, signed.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(fx.TownshipDispatcher, signed.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	e.act(fx.TownshipHandler, signed.ID, pingan.ActionInput{Action: pingan.ActSign})
	// 四月噪音纠纷, dispatched on the 7th, is signed after its sign deadline.
	cs, _, err := e.db.Cases.FindCases(context.Background(), fx.Admin, pingan.CaseFilter{Q: "四月噪音纠纷"})
	if err != nil || len(cs) != 1 {
		t.Fatalf("四月噪音纠纷: %v %d", err, len(cs))
	}
	e.act(fx.TownshipHandler, cs[0].ID, pingan.ActionInput{Action: pingan.ActSign})
	if _, err := e.db.Cases.EscalateDue(context.Background(), e.clock.Now(), 100); err != nil {
		t.Fatal(err)
	}
}

var (
	metricRe = regexp.MustCompile(`(?s)<div class="metric" title="([^"]*)" id="metric-([a-z_]+)">(.*?)\n</div>`)
	// A rate's numerator: <a class="num" href="…">12</a>; a count's value.
	numRe   = regexp.MustCompile(`<a class="num" href="([^"]+)">(\d+)</a>`)
	countRe = regexp.MustCompile(`<a class="value-link" href="([^"]+)"><div class="value">(\d+)</div></a>`)
	cellRe  = regexp.MustCompile(`<td class="n ([a-z_-]+)"[^>]*><a href="([^"]+)">(\d+)\+?</a></td>`)
	rowRe   = regexp.MustCompile(`<td class="num"><a href="/cases/([^"]+)">`)
)

// listedCases answers how many cases the list at href shows, reading every page.
func listedCases(t *testing.T, c *client, href string) int {
	t.Helper()
	seen := map[string]bool{}
	for page := 0; href != "" && page < 20; page++ {
		res := c.get(href)
		if res.status != http.StatusOK {
			t.Fatalf("%s: %d", href, res.status)
		}
		for _, m := range rowRe.FindAllStringSubmatch(res.body, -1) {
			seen[m[1]] = true
		}
		href = ""
		if m := regexp.MustCompile(`<a[^>]*href="(/inbox\?[^"]*cursor=[^"]*)"`).FindStringSubmatch(res.body); m != nil {
			href = html.UnescapeString(m[1])
		}
	}
	return len(seen)
}

// Every figure of the dashboard links to the list of the cases it counts:
// the count, each rate's numerator and the figures of the tables, the
// same number on both sides; each shows its formula on hover.
func TestDashboardFiguresOpenTheirCases(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	storetest.SeedGrids(t, e.db, e.fx)
	seedFigures(t, e)
	c := e.login(e.fx.CountyDispatcher)
	for _, path := range []string{
		"/dashboard?unit=" + e.fx.County.Code + "&period=month&at=2026-04",
		"/dashboard?unit=" + e.fx.Township.Code + "&period=month&at=2026-04&kind=dispute",
		"/dashboard?unit=" + e.fx.Village.Code + "&period=quarter&at=2026-04&source=grid_worker",
	} {
		res := c.get(path)
		if res.status != http.StatusOK {
			t.Fatalf("%s: %d %s", path, res.status, res.body)
		}
		figures, nonzero := 0, 0
		check := func(name, href string, n int) {
			t.Helper()
			href = html.UnescapeString(href)
			figures++
			if n > 0 {
				nonzero++
			}
			if got := listedCases(t, c, href); got != n {
				t.Errorf("%s: %s counts %d, the list it opens (%s) %d", path, name, n, href, got)
			}
		}
		metrics := metricRe.FindAllStringSubmatch(res.body, -1)
		if len(metrics) < 1+len(shownRates) {
			t.Fatalf("%s: %d figures", path, len(metrics))
		}
		rates := map[string]bool{}
		for _, m := range metrics {
			formula, id, inner := html.UnescapeString(m[1]), m[2], m[3]
			switch {
			case id == "received":
				if formula != pingan.Text(pingan.ZH, "dash.formula.received") {
					t.Errorf("received: formula %q", formula)
				}
				v := countRe.FindStringSubmatch(inner)
				if v == nil {
					t.Fatalf("received: no count in %s", inner)
				}
				n, _ := strconv.Atoi(v[2])
				check(id, v[1], n)
			case id != "sensitive_open":
				rates[id] = true
				if formula != pingan.Text(pingan.ZH, "rate."+id+".formula") {
					t.Errorf("%s: formula %q", id, formula)
				}
				if strings.Contains(inner, `class="value none"`) {
					continue // nothing to count: "—" with its reason
				}
				v := numRe.FindStringSubmatch(inner)
				if v == nil {
					t.Fatalf("%s: no numerator in %s", id, inner)
				}
				n, _ := strconv.Atoi(v[2])
				check(id, v[1], n)
			}
		}
		for _, r := range pingan.Rates {
			if !rates[r.ID] && r.Kind != pingan.KindPetition { // those of petitions are their section's
				t.Errorf("%s: no figure of %s", path, r.ID)
			}
		}
		// The tables: units or grids, categories and sources.
		for _, m := range cellRe.FindAllStringSubmatch(res.body, -1) {
			if m[1] == "open-overdue" {
				continue // overdue now, whenever reported: the browser test's
			}
			n, _ := strconv.Atoi(m[3])
			check(m[1], m[2], n)
		}
		if figures < 8 || nonzero < 5 {
			t.Errorf("%s: %d figures checked, %d of them count something", path, figures, nonzero)
		}
	}
}

// The filters are applied to every figure and carried by every link; a
// bad one is named on the page.
func TestDashboardFilters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	storetest.SeedGrids(t, e.db, e.fx)
	seedFigures(t, e)
	c := e.login(e.fx.CountyDispatcher)
	base := "/dashboard?unit=" + e.fx.County.Code + "&period=month&at=2026-04"
	all := c.get(base).body
	service := c.get(base + "&kind=service").body
	received := func(body string) string {
		m := regexp.MustCompile(`(?s)id="metric-received">.*?<div class="value">([^<]*)</div>`).FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no count")
		}
		return m[1]
	}
	if received(all) == received(service) || received(service) != "1" {
		t.Errorf("received: %s in all, %s of services", received(all), received(service))
	}
	clear := "/dashboard?at=2026-04&period=month&unit=" + e.fx.County.Code
	links := 0
	for _, m := range regexp.MustCompile(`href="(/(?:dashboard|inbox)\?[^"]*)"`).FindAllStringSubmatch(service, -1) {
		href := html.UnescapeString(m[1])
		links++
		if href != clear && !strings.Contains(href, "kind=") {
			t.Errorf("a link drops the filter: %s", href)
		}
	}
	if links < 20 {
		t.Errorf("%d links", links)
	}
	// The category select lists the subcategories indented.
	mustContain(t, all, `<option value="0102">&#12288;`, `<select name="source">`)
	// A figure's list keeps the figure's filters in its own filter form.
	list := c.get("/inbox?tab=all&unit=" + e.fx.County.Code + "&status=closed&overdue_ever=no&reworked=yes").body
	mustContain(t, list, `<input type="hidden" name="overdue_ever" value="no">`, `<input type="hidden" name="reworked" value="yes">`)
	// At a community, the grid filter and the table of grids.
	village := c.get("/dashboard?unit=" + e.fx.Village.Code + "&period=month&at=2026-04").body
	mustContain(t, village, `<select name="grid">`, `id="grid-620902001001-01"`)
	for _, bad := range []struct{ query, field, value string }{
		{"&category=9999", "类别", "9999"},
		{"&source=pigeon", "来源", "pigeon"},
		{"&kind=weather", "种类", "weather"},
		{"&grid=620921100001-01", "网格", "620921100001-01"},
	} {
		res := c.get(base + bad.query)
		if res.status != http.StatusBadRequest {
			t.Errorf("%s: %d", bad.query, res.status)
			continue
		}
		m := regexp.MustCompile(`<p class="error" role="alert" id="dash-error">([^<]*)</p>`).FindStringSubmatch(res.body)
		if m == nil || !strings.Contains(m[1], bad.field) || !strings.Contains(m[1], bad.value) {
			t.Errorf("%s: the page says %v", bad.query, m)
		}
	}
}

// The breakdowns by category and by source read only the measures of
// their rates: each row's rates are those of the full statistics of the
// row's own filter.
func TestDashboardBreakdownRates(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	seedFigures(t, e)
	c := e.login(e.fx.CountyDispatcher)
	body := c.get("/dashboard?unit=" + e.fx.County.Code + "&period=month&at=2026-04").body
	from := time.Date(2026, 4, 1, 0, 0, 0, 0, pingan.CST)
	rowRe := regexp.MustCompile(`(?s)<tr id="(category|source)-([^"]+)">(.*?)</tr>`)
	rateRe := regexp.MustCompile(`<td class="n rate-([a-z_]+)"[^>]*>(?:<span class="none"[^>]*>)?([^<]*)`)
	rows, shown := 0, 0
	for _, m := range rowRe.FindAllStringSubmatch(body, -1) {
		q := pingan.StatsQuery{Unit: e.fx.County.Code, From: from, To: from.AddDate(0, 1, 0)}
		if m[1] == "category" {
			q.Category = m[2]
		} else {
			q.Source = pingan.Source(m[2])
		}
		want, err := e.db.Stats.Stats(context.Background(), e.fx.CountyDispatcher, q)
		if err != nil {
			t.Fatal(err)
		}
		rows++
		cells := rateRe.FindAllStringSubmatch(m[3], -1)
		if len(cells) != len(breakdownRates) {
			t.Fatalf("%s %s: %d rates in %s", m[1], m[2], len(cells), m[3])
		}
		for _, cell := range cells {
			w := rateOf(want, cell[1], pingan.ZH)
			if cell[2] != w.Text {
				t.Errorf("%s %s: %s %q, the full statistics %q", m[1], m[2], cell[1], cell[2], w.Text)
			}
			if !w.None {
				shown++
			}
		}
	}
	if rows < 3 || shown < 3 {
		t.Errorf("%d rows, %d rates that count something", rows, shown)
	}
}

// TestGridLinks: a grid's link made from the one link with the mark is
// the link made for the grid alone, whatever the other filters and the
// code hold.
func TestGridLinks(t *testing.T) {
	p := period{Kind: "month", From: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}
	for _, more := range []url.Values{nil, {"kind": {"dispute"}, "category": {"0102"}}, {"source": {"a&grid=%00"}, "zz": {"grid="}}} {
		link := func(grid string) string {
			q := url.Values{"grid": {grid}}
			for k, v := range more {
				q[k] = v
			}
			return casesLink("620902", p, q)
		}
		href := gridLinks(link(gridMark))
		for _, code := range []string{"620902001001005", "620902001001-01", "网格 1&2", "a=b?c"} {
			if got, want := href(code), link(code); got != want {
				t.Errorf("grid %q with %v: %s, want %s", code, more, got, want)
			}
		}
	}
}

// TestCellsHTML: the cells write themselves as html/template wrote them
// through a template, for figures, labels, reasons and links with every
// character the template escapes, links of other schemes and of
// non-ASCII text.
func TestCellsHTML(t *testing.T) {
	tmpl := template.Must(template.New("cells").Parse(`{{range .}}<td class="{{.Class}}" data-label="{{.Label}}">` +
		`{{if .Href}}<a href="{{.Href}}">{{.Text}}</a>{{else if .None}}<span class="none" title="{{.Why}}">{{.Text}}</span>` +
		`{{else}}{{.Text}}{{end}}</td>{{end}}`))
	cs := cells{
		{Class: "n received", Label: "受理量", Text: "1,234", Href: "/inbox?tab=all&unit=620900&from=2026-01-01&q=a+b%20c"},
		{Class: "n rate-satisfied", Label: `满意率 "<率>" & 'x' +1`, Text: "95.3%"},
		{Class: "n rate-x", Label: "x", Text: "—", None: true, Why: `无基数：应结案 0 件 <b>"'&+` + "\x00"},
		{Class: "n", Label: "y", Text: "<3 & 'ok'", Href: "/inbox?grid=网格 1&x=<'\"()>"},
		{Class: "n", Label: "z", Text: "7", Href: "javascript:alert(1)"},
		{Class: "n", Label: "z", Text: "8", Href: "HTTPS://example.org/a b"},
		{Class: "n", Label: "z", Text: "9", Href: "mailto:x@example.org"},
		{Class: "n", Label: "z", Text: "10", Href: "data:text/html,x"},
		{Class: "n", Label: "z", Text: "11", Href: "/a:b"},
	}
	var want strings.Builder
	if err := tmpl.Execute(&want, cs); err != nil {
		t.Fatal(err)
	}
	if got := string(cs.HTML()); got != want.String() {
		t.Errorf("cells\n got %s\nwant %s", got, want.String())
	}
}
