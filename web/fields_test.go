package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
)

// The fields of the trade in the lists and on the phone page
// (docs/urgency.md).

// seedFields reports five cases in 肃州区 with the fields of the trade and
// one in 金塔县 that the county dispatcher never sees.
func seedFields(t *testing.T, e *env) {
	t.Helper()
	report := func(u *pingan.User, title string, in pingan.NewCase) {
		t.Helper()
		in.Kind, in.Category, in.Title, in.Description = pingan.KindDispute, "0102", title, title+"，请尽快处理。"
		if _, err := e.db.Cases.CreateCase(context.Background(), u, &in); err != nil {
			t.Fatalf("report %s: %v", title, err)
		}
	}
	fx := e.fx
	report(fx.GridWorker, "一般纠纷甲", pingan.NewCase{HotlineNo: "H1001"})
	report(fx.GridWorker, "紧急纠纷乙", pingan.NewCase{Urgency: pingan.UrgencyUrgent})
	report(fx.GridWorker, "特急纠纷丙", pingan.NewCase{Urgency: pingan.UrgencyCritical, HotlineNo: "H1003"})
	report(fx.GridWorker, "敏感纠纷丁", pingan.NewCase{Sensitive: true})
	report(fx.GridWorker, "紧急敏感戊", pingan.NewCase{Urgency: pingan.UrgencyUrgent, Sensitive: true})
	report(fx.OtherGridWorker, "金塔特急己", pingan.NewCase{Urgency: pingan.UrgencyCritical, Sensitive: true, HotlineNo: "H1009"})
}

var caseRow = regexp.MustCompile(`(?s)<tr class="[^"]*">(.*?)</tr>`)

// fieldRows answers the rows of the case tables of a page by the title they
// hold (each seeded title is unique).
func fieldRows(body string) map[string]string {
	out := map[string]string{}
	for _, m := range caseRow.FindAllStringSubmatch(body, -1) {
		for _, title := range []string{"一般纠纷甲", "紧急纠纷乙", "特急纠纷丙", "敏感纠纷丁", "紧急敏感戊", "金塔特急己"} {
			if strings.Contains(m[1], title) {
				out[title] = m[1]
			}
		}
	}
	return out
}

// checkRowTags says whether each row carries the tags of its case and
// no other, and its 12345 number where there is one.
func checkRowTags(t *testing.T, rows map[string]string) {
	t.Helper()
	urgent := `urgency-urgent">` + pingan.Text(pingan.ZH, "urgency.urgent") + `<`
	critical := `urgency-critical">` + pingan.Text(pingan.ZH, "urgency.critical") + `<`
	sensitive := `class="tag bad sensitive">` + pingan.Text(pingan.ZH, "urgency.sensitive") + `<`
	hotline := func(no string) string {
		return `hotline-no" title="` + pingan.Text(pingan.ZH, "urgency.field.hotline_no") + `">` + pingan.Text(pingan.ZH, "fields.hotline.short", no) + `<`
	}
	every := []string{urgent, critical, sensitive, hotline("H1001"), hotline("H1003"), `hotline-no"`}
	for title, tags := range map[string][]string{
		"一般纠纷甲": {hotline("H1001"), `hotline-no"`},
		"紧急纠纷乙": {urgent},
		"特急纠纷丙": {critical, hotline("H1003"), `hotline-no"`},
		"敏感纠纷丁": {sensitive},
		"紧急敏感戊": {urgent, sensitive},
	} {
		row, ok := rows[title]
		if !ok {
			continue
		}
		for _, tag := range every {
			want := slices.Contains(tags, tag)
			if got := strings.Contains(row, tag); got != want {
				t.Errorf("row %s: %q shown %v, want %v", title, tag, got, want)
			}
		}
	}
}

// The inbox and the search list the tags of each case (一般 none), its
// 12345 number, and narrow the list by the least urgency and 重大敏感,
// the filters kept in the tabs' links; an exact 12345 number typed in the
// search finds its case.
func TestFieldsInLists(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	seedFields(t, e)
	c := e.login(e.fx.CountyDispatcher)

	tabCount := func(body, tab string) string {
		m := regexp.MustCompile(`id="tab-` + tab + `"[^>]*>[^<]*<span class="count">([^<]+)<`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no tab %s", tab)
		}
		return m[1]
	}
	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"", []string{"一般纠纷甲", "紧急纠纷乙", "特急纠纷丙", "敏感纠纷丁", "紧急敏感戊"}},
		{"urgency=urgent", []string{"紧急纠纷乙", "特急纠纷丙", "紧急敏感戊"}},
		{"urgency=critical", []string{"特急纠纷丙"}},
		{"sensitive=1", []string{"敏感纠纷丁", "紧急敏感戊"}},
		{"urgency=urgent&sensitive=1", []string{"紧急敏感戊"}},
		{"urgency=critical&sensitive=1", nil},
		{"q=H1003", []string{"特急纠纷丙"}},
	} {
		res := c.get("/inbox?tab=all&" + tt.query)
		if res.status != http.StatusOK {
			t.Fatalf("inbox %s: %d", tt.query, res.status)
		}
		rows := fieldRows(res.body)
		if len(rows) != len(tt.want) || strings.Count(res.body, `<tr class="`) != len(tt.want) {
			t.Errorf("inbox %s lists %d rows (%d titles), want %d", tt.query, strings.Count(res.body, `<tr class="`), len(rows), len(tt.want))
		}
		for _, title := range tt.want {
			if _, ok := rows[title]; !ok {
				t.Errorf("inbox %s lacks %s", tt.query, title)
			}
		}
		n := strconv.Itoa(len(tt.want))
		if got := tabCount(res.body, "all"); got != n {
			t.Errorf("inbox %s: tab all counts %s, want %s", tt.query, got, n)
		}
		if got := tabCount(res.body, "open"); got != n { // every case is open
			t.Errorf("inbox %s: tab open counts %s, want %s", tt.query, got, n)
		}
		checkRowTags(t, rows)

		res = c.get("/search?" + tt.query)
		if res.status != http.StatusOK {
			t.Fatalf("search %s: %d", tt.query, res.status)
		}
		rows = fieldRows(res.body)
		if len(rows) != len(tt.want) || strings.Count(res.body, `<tr class="`) != len(tt.want) {
			t.Errorf("search %s lists %d rows, want %d", tt.query, strings.Count(res.body, `<tr class="`), len(tt.want))
		}
		mustContain(t, res.body, `id="search-total">`+pingan.Text(pingan.ZH, "search.total", len(tt.want)))
		checkRowTags(t, rows)
	}

	// The filters are kept: in the form and in the links of the tabs.
	body := c.get("/inbox?tab=open&urgency=critical&sensitive=1").body
	mustContain(t, body, `<option value="critical" selected>`, `id="filter-sensitive" checked`)
	m := regexp.MustCompile(`id="tab-all" href="([^"]+)"|href="([^"]+)" id="tab-all"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no link to the tab all")
	}
	link, _ := url.Parse(html.UnescapeString(m[1] + m[2]))
	if q := link.Query(); q.Get("urgency") != "critical" || q.Get("sensitive") != "1" {
		t.Errorf("the tab's link drops the filters: %s", link)
	}
	body = c.get("/search?urgency=urgent&sensitive=1").body
	mustContain(t, body, `<option value="urgent" selected>`, `id="filter-sensitive" checked`)
	if q, _ := url.ParseQuery((searchForm{Q: "x", Urgency: "urgent", Sensitive: "1"}).query(2)); q.Get("urgency") != "urgent" || q.Get("sensitive") != "1" {
		t.Errorf("the search's pages drop the filters: %v", q)
	}

	// The 12345 number matches exactly; another county's is not found.
	for _, q := range []string{"H100", "H1009"} {
		if rows := fieldRows(c.get("/search?q=" + q).body); len(rows) != 0 {
			t.Errorf("search %s finds %d cases", q, len(rows))
		}
	}
	// An urgency that is none filters nothing.
	if rows := fieldRows(c.get("/inbox?tab=all&urgency=asap").body); len(rows) != 5 {
		t.Errorf("inbox with an unknown urgency lists %d", len(rows))
	}
}

// The dashboard's 重大敏感在办 is the count of the open sensitive cases of
// the unit's subtree, and opens the inbox on exactly them: the same
// number on both sides.
func TestFieldsDashboardSensitive(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	seedFields(t, e)
	c := e.login(e.fx.CountyDispatcher)
	body := c.get("/dashboard?unit=" + e.fx.County.Code).body
	m := regexp.MustCompile(`(?s)id="metric-sensitive_open">.*?href="([^"]+)".*?<div class="value">(\d+)</div>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no figure 重大敏感在办")
	}
	mustContain(t, body, pingan.Text(pingan.ZH, "dash.rate.sensitive_open"))
	if m[2] != "2" {
		t.Errorf("重大敏感在办 %s, want 2", m[2])
	}
	inbox := c.get(html.UnescapeString(m[1]))
	if inbox.status != http.StatusOK {
		t.Fatalf("%s: %d", m[1], inbox.status)
	}
	cnt := regexp.MustCompile(`id="tab-open"[^>]*>[^<]*<span class="count">([^<]+)<`).FindStringSubmatch(inbox.body)
	if cnt == nil || cnt[1] != m[2] {
		t.Errorf("the dashboard counts %s, the inbox it opens (%s) %v", m[2], m[1], cnt)
	}
	if n := strings.Count(inbox.body, `<tr class="`); strconv.Itoa(n) != m[2] {
		t.Errorf("the inbox lists %d cases, the dashboard counted %s", n, m[2])
	}
}

// The phone page's plain form files the urgency and 重大敏感 (no 12345
// number on the phone); a refused report keeps them; none is 一般.
func TestFieldsPhoneForm(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	g := e.login(e.fx.GridWorker)
	body := g.get("/m").body
	mustContain(t, body, `id="m-urgency" name="urgency"`, `<option value="normal" selected>`, `id="m-sensitive"`)
	mustNotContain(t, body, `name="hotline_no"`)

	form := url.Values{"description": {"河堤出现裂缝需加固"}, "address": {"北大河东岸"}, "lat": {"39.7551"}, "lng": {"98.5052"},
		"source": {"grid_worker"}, "key": {"k-fields"}, "urgency": {"critical"}, "sensitive": {"1"}}
	// Refused (no category): the urgency and the flag are kept.
	res := g.postMultipart("/m/report", form, nil)
	if res.status != http.StatusBadRequest {
		t.Fatalf("report without a category: %d", res.status)
	}
	mustContain(t, res.body, `<option value="critical" selected>`, `id="m-sensitive" aria-describedby="m-sensitive-hint" checked`)
	mustNotContain(t, res.body, `<option value="normal" selected>`)
	// An urgency that is none is named at its place.
	form.Set("category", "FW03")
	form.Set("urgency", "asap")
	res = g.postMultipart("/m/report", form, nil)
	mustContain(t, res.body, `data-control="m-urgency">`+pingan.Text(pingan.ZH, "urgency.unknown", "asap")+`<`,
		`id="m-urgency" name="urgency" aria-invalid="true"`)

	form.Set("urgency", "critical")
	res = g.postMultipart("/m/report", form, nil)
	if res.status != http.StatusSeeOther {
		t.Fatalf("report: %d %s", res.status, res.body)
	}
	plain := url.Values{"category": {"FW03"}, "description": {"路边护栏松动"}, "address": {"北大河西岸"}, "lat": {"39.7551"}, "lng": {"98.5052"},
		"source": {"grid_worker"}, "key": {"k-fields-2"}}
	if res = g.postMultipart("/m/report", plain, nil); res.status != http.StatusSeeOther {
		t.Fatalf("plain report: %d %s", res.status, res.body)
	}
	for _, tt := range []struct {
		q         string
		urgency   pingan.Urgency
		sensitive bool
	}{{"河堤出现裂缝", pingan.UrgencyCritical, true}, {"路边护栏松动", pingan.UrgencyNormal, false}} {
		cs, _, err := e.db.Cases.FindCases(context.Background(), e.fx.CountyDispatcher, pingan.CaseFilter{Q: tt.q})
		if err != nil || len(cs) != 1 {
			t.Fatalf("%s: %d cases (%v)", tt.q, len(cs), err)
		}
		if cs[0].Urgency != tt.urgency || cs[0].Sensitive != tt.sensitive {
			t.Errorf("%s: urgency %q sensitive %v, want %q %v", tt.q, cs[0].Urgency, cs[0].Sensitive, tt.urgency, tt.sensitive)
		}
	}
	// The worker's own list shows the tags.
	body = g.get("/m").body
	mustContain(t, body, `urgency-critical">`+pingan.Text(pingan.ZH, "urgency.critical")+`<`)
}
