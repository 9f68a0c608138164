package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
)

// A quick report the server refuses, sent as a plain form, comes back with
// everything typed and each bad field marked at its place with its message.
func TestPhoneRefusedFormKeepsInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	g := e.login(e.fx.GridWorker)
	form := url.Values{"description": {"楼道堆放杂物<堵塞>通道"}, "address": {"富康小区 5 栋"}, "lat": {"39.7551"}, "lng": {"98.5052"},
		"resolved_on_site": {"1"}, "source": {"grid_worker"}, "key": {"k-keep"}}
	res := g.postMultipart("/m/report", form, []upload{{"photos", "p.png", pngBytes}})
	if res.status != http.StatusBadRequest {
		t.Fatalf("report without a category: %d", res.status)
	}
	body := res.body
	mustContain(t, body,
		`>楼道堆放杂物&lt;堵塞&gt;通道</textarea>`, `value="富康小区 5 栋"`, `value="39.7551"`, `value="98.5052"`,
		`id="m-onsite" checked`, `name="key" value="k-keep"`,
		`id="m-category" name="category" aria-invalid="true" aria-describedby="m-err-category"`,
		`id="m-result" name="result" rows="2" aria-invalid="true" aria-describedby="m-err-result"`,
		`id="m-err-category" data-for="category kind" data-control="m-category">`+pingan.Text(pingan.ZH, "field.required")+`<`,
		`data-control="m-result">`+pingan.Text(pingan.ZH, "report.result.required")+`<`,
		`data-control="m-photo">`+pingan.Text(pingan.ZH, "m.photo.again")+`<`)
	// The places without an error stay empty and the controls unmarked.
	mustContain(t, body, `data-control="m-description" hidden></span>`, `data-control="m-address" hidden></span>`)
	mustNotContain(t, body, `id="m-description" name="description" rows="3" aria-invalid`)
	if n := strings.Count(body, `aria-invalid="true"`); n != 3 {
		t.Errorf("%d controls marked, want 3 (category, photo, result)", n)
	}

	// With the category chosen, only the result is missing; the chosen
	// category stays chosen.
	form.Set("category", "FW03")
	body = g.postMultipart("/m/report", form, nil).body
	mustContain(t, body, `<option value="FW03" selected>`, `data-control="m-category" hidden></span>`,
		`data-control="m-result">`+pingan.Text(pingan.ZH, "report.result.required")+`<`)
	mustNotContain(t, body, pingan.Text(pingan.ZH, "m.photo.again"))

	// An error of a field the form has no place for is said above it with
	// the error's message; a bad position at the position's place.
	form.Set("result", "已清理")
	form.Set("lat", "北纬")
	body = g.postMultipart("/m/report", form, nil).body
	mustContain(t, body, `id="m-geo-button"`, `aria-describedby="m-err-position"`,
		`data-control="m-geo-button">`+pingan.Text(pingan.ZH, "report.lat.number")+`<`)
	if n := casesLike(t, e, "楼道堆放杂物"); n != 0 {
		t.Fatalf("%d cases from refused reports", n)
	}

	form.Set("lat", "39.7551")
	res = g.postMultipart("/m/report", form, nil)
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/m?sent=") {
		t.Fatalf("corrected report: %d %s", res.status, res.location)
	}
	if n := casesLike(t, e, "楼道堆放杂物"); n != 1 {
		t.Errorf("%d cases after the correction, want 1", n)
	}
}

// Every field the report's validation may name has a place on the phone
// form or is said above it; the places the page draws are those of
// phonePlaces, so the script (which reads data-for) and the server mark
// the same control.
func TestPhonePlaces(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	g := e.login(e.fx.GridWorker)
	body := g.get("/m").body
	re := regexp.MustCompile(`id="m-err-([a-z]+)" data-for="([^"]*)" data-control="([^"]+)"`)
	seen := map[string]bool{}
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		place, control := m[1], m[3]
		for _, f := range strings.Fields(m[2]) {
			if phonePlaces[f] != place {
				t.Errorf("field %s shown at %s, phonePlaces says %q", f, place, phonePlaces[f])
			}
			seen[f] = true
		}
		if !strings.Contains(body, `id="`+control+`"`) {
			t.Errorf("place %s marks %s, which the page lacks", place, control)
		}
	}
	for f := range phonePlaces {
		if !seen[f] {
			t.Errorf("field %s has no place on the page", f)
		}
	}
	if !strings.Contains(body, `id="m-error" class="error" role="alert" hidden>`) {
		t.Error("the box for errors without a place is missing or shown")
	}
}

// The service worker is served under /m, to anyone (the browser fetches
// it to update it), with the scope /m allowed and without being cached
// for long; every asset it keeps is served, and every asset the phone page
// loads is one it keeps, so the page opens offline whole.
func TestPhoneServiceWorker(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	res := e.anon().get("/m/sw.js")
	if res.status != http.StatusOK {
		t.Fatalf("GET /m/sw.js: %d", res.status)
	}
	if got := res.header.Get("Service-Worker-Allowed"); got != "/m" {
		t.Errorf("Service-Worker-Allowed %q", got)
	}
	if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := res.header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("Cache-Control %q", cc)
	}
	sw := res.body
	page := regexp.MustCompile(`var PAGE = '([^']+)';`).FindStringSubmatch(sw)
	list := regexp.MustCompile(`var ASSETS = \[([^\]]*)\];`).FindStringSubmatch(sw)
	if page == nil || list == nil {
		t.Fatalf("sw.js names no PAGE or ASSETS:\n%s", sw)
	}
	var kept []string
	for _, m := range regexp.MustCompile(`'([^']+)'`).FindAllStringSubmatch(list[1], -1) {
		kept = append(kept, m[1])
	}
	if page[1] != "/m" || len(kept) == 0 {
		t.Fatalf("sw.js keeps %q and %q", page[1], kept)
	}
	g := e.login(e.fx.GridWorker)
	for _, p := range append([]string{page[1]}, kept...) {
		if res := g.get(p); res.status != http.StatusOK {
			t.Errorf("GET %s, which the service worker keeps: %d", p, res.status)
		}
	}
	body := g.get("/m").body
	for _, m := range regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`).FindAllStringSubmatch(body, -1) {
		if !slices.Contains(kept, m[1]) {
			t.Errorf("the phone page loads %s, which the service worker does not keep", m[1])
		}
	}
	// The page registers it with that scope.
	js := g.get("/static/app.js").body
	if !strings.Contains(js, `register('/m/sw.js', { scope: '/m' })`) {
		t.Error("app.js does not register /m/sw.js with the scope /m")
	}
}

// casesLike counts the cases whose text holds q, as the county's dispatcher
// sees them.
func casesLike(t *testing.T, e *env, q string) int {
	t.Helper()
	cs, _, err := e.db.Cases.FindCases(context.Background(), e.fx.CountyDispatcher, pingan.CaseFilter{Q: q})
	if err != nil {
		t.Fatal(err)
	}
	return len(cs)
}
