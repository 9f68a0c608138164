package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// rowsOn counts the cases a list page shows.
var caseRowRe = regexp.MustCompile(`<td class="num"><a href="/cases/`)

func rowsOn(body string) int { return len(caseRowRe.FindAllStringIndex(body, -1)) }

// TestSearchCountsAndPages: the search page says how many cases match and
// lists them twenty to a page with page numbers, each page's links
// keeping the search.
func TestSearchCountsAndPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for i := range 45 {
		e.clock.Set(e.clock.Now().Add(time.Minute))
		title := "邻里纠纷"
		if i%3 == 0 {
			title = "楼道堆物"
		}
		e.newCase(e.fx.GridWorker, "0102", title)
	}
	c := e.login(e.fx.CountyDispatcher)

	res := c.get("/search")
	if res.status != http.StatusOK {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	mustContain(t, res.body, "共 45 件", "第 1 / 3 页", `href="/search?page=2"`, `href="/search?page=3"`, `rel="next"`)
	if n := rowsOn(res.body); n != 20 {
		t.Errorf("first page lists %d cases, want 20", n)
	}
	res = c.get("/search?page=3")
	mustContain(t, res.body, "第 3 / 3 页", `aria-current="page" class="current">3<`, `href="/search?page=2"`)
	if n := rowsOn(res.body); n != 5 {
		t.Errorf("last page lists %d cases, want 5", n)
	}
	if strings.Contains(res.body, `rel="next"`) {
		t.Error("the last page links to a next one")
	}

	// The words of a title narrow it; the page links keep them.
	res = c.get("/search?q=" + url.QueryEscape("楼道堆物"))
	mustContain(t, res.body, "共 15 件")
	if n := rowsOn(res.body); n != 15 {
		t.Errorf("a search by title lists %d cases, want 15", n)
	}
	res = c.get("/search?q=" + url.QueryEscape("邻里") + "&status=reported")
	mustContain(t, res.body, "共 30 件", "第 1 / 2 页", `href="/search?page=2&amp;q=%E9%82%BB%E9%87%8C&amp;status=reported"`)

	// Another county counts none of them.
	res = e.login(e.fx.OtherDispatcher).get("/search")
	mustContain(t, res.body, "共 0 件", "没有符合条件的事件")

	// Bad input names the field.
	for _, tc := range []struct{ query, field string }{
		{"page=0", "页码无效"},
		{"from=2026-13-01", "日期格式应为"},
		{"from=2026-03-05&to=2026-03-01", "结束日期早于开始日期"},
		{"status=lost", "lost"},
	} {
		res := c.get("/search?" + tc.query)
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, tc.field) {
			t.Errorf("%s: status %d, want 400 saying %q", tc.query, res.status, tc.field)
		}
	}
}

// TestSearchByPersonMasked: a name or phone number finds its cases; the
// list shows no personal data, not even of the person found; a role that
// reads personal data masked may not search by a person.
func TestSearchByPersonMasked(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	found, err := e.db.Cases.CreateCase(ctx, e.fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102",
		Title: "宅基地边界纠纷", Description: "两户因院墙位置发生争执", Address: "富康路 3 号",
		Reporter: &pingan.Person{Name: "王小明", Phone: "13700001111"},
		Parties:  []pingan.Person{{Role: "respondent", Name: "赵大海", Phone: "13900002222", IDNumber: "620902198001011234"}}})
	if err != nil {
		t.Fatal(err)
	}
	e.newCase(e.fx.GridWorker, "0102", "噪音扰民")

	c := e.login(e.fx.CountyDispatcher)
	for _, person := range []string{"137-0000-1111", "赵大海"} {
		res := c.get("/search?person=" + url.QueryEscape(person))
		if res.status != http.StatusOK {
			t.Fatalf("%s: status %d", person, res.status)
		}
		mustContain(t, res.body, "共 1 件", found.Number, "宅基地边界纠纷")
		mustNotContain(t, res.body, "噪音扰民", "王小明", "13700001111", "13900002222", "620902198001011234")
		if person == "赵大海" {
			mustNotContain(t, strings.Replace(res.body, `value="赵大海"`, "", 1), "赵大海")
		}
		mustContain(t, res.body, "每次查询记入审计日志")
	}
	// Exact, never a part of a name.
	res := c.get("/search?person=" + url.QueryEscape("赵大"))
	mustContain(t, res.body, "共 0 件")

	res = e.login(e.fx.Viewer).get("/search?person=" + url.QueryEscape("赵大海"))
	if res.status != http.StatusForbidden || !strings.Contains(res.body, "不能按人员姓名或电话查询") {
		t.Errorf("a viewer searching by person: status %d", res.status)
	}
	mustNotContain(t, res.body, "宅基地边界纠纷")
}

// TestSearchByDateAndGridName: the date range counts whole days; a grid is
// found by part of its name.
func TestSearchByDateAndGridName(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.db.Grids.ImportGrids(ctx, []*pingan.Grid{{Code: "620902001001-01", Name: "富康社区第一网格", Type: pingan.GridCommunity,
		Unit: "620902001001", Geometry: []byte(`{"type":"Polygon","coordinates":[[[98.5,39.75],[98.51,39.75],[98.51,39.76],[98.5,39.76],[98.5,39.75]]]}`)}}); err != nil {
		t.Fatal(err)
	}
	day := func(d int) time.Time { return time.Date(2026, 3, d, 10, 0, 0, 0, pingan.CST) }
	for _, d := range []int{2, 3, 3, 5} {
		e.clock.Set(day(d))
		in := &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102", Title: "纠纷", Description: "纠纷", Address: "富康路"}
		if d == 3 {
			in.Location = &pingan.Location{Lat: 39.755, Lng: 98.505}
		}
		if _, err := e.db.Cases.CreateCase(ctx, e.fx.GridWorker, in); err != nil {
			t.Fatal(err)
		}
	}
	c := e.login(e.fx.CountyDispatcher)
	for query, want := range map[string]string{
		"from=2026-03-03&to=2026-03-03":   "共 2 件",
		"from=2026-03-03":                 "共 3 件",
		"to=2026-03-04":                   "共 3 件",
		"grid=" + url.QueryEscape("第一网格"): "共 2 件",
		"grid=" + url.QueryEscape("南苑"):   "共 0 件",
	} {
		res := c.get("/search?" + query)
		if res.status != http.StatusOK || !strings.Contains(res.body, want) {
			t.Errorf("%s: status %d, want %q", query, res.status, want)
		}
	}
}
