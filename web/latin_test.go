package web

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// A page in Chinese says everything in Chinese: no English word is left in
// the text a person reads (the text of the page and the titles, labels and
// placeholders of its elements), on every page of a city like the demo's,
// as every role. Codes (AQ01, 2026-620902-000001), units of measure and the
// few names that are written in Latin letters in Chinese too are allowed.

// latinAllowed are the Latin words a Chinese page may hold, each for a
// reason.
var latinAllowed = map[string]string{
	"English": "the language switch names the other language in its own words",
	"GB":      "a standard's number, GB/T 31000",
	"T":       "a standard's number, GB/T 31000",
	"XLSX":    "a file format",
	"CSV":     "a file format",
	"PDF":     "a file format",
	"GeoJSON": "a file format",
	"JSON":    "a file format",
	"API":     "the interface's name",
	"km":      "a unit",
	"m":       "a unit",
	"h":       "a unit",
	"pingan":  "the software's name",
	"PNG":     "a file format",
	"JPEG":    "a file format",
	"WebP":    "a file format",
	"UTF":     "an encoding's name, UTF-8",
	"GBK":     "an encoding's name",
	"MB":      "a unit",
	"WGS":     "a coordinate system's name, WGS84",
	"A":       "a grade of an assessment (pingan.DefaultGrades, A to E)",
	"B":       "a grade of an assessment",
	"C":       "a grade of an assessment",
	"D":       "a grade of an assessment",
	"E":       "a grade of an assessment",
}

// latinFormat are the words of the import files' formats, which the
// administration pages quote because an administrator types them into the
// file (a CSV header, a GeoJSON type or property, a level's value).
var latinFormat = strings.Fields(`code name level parent_code province city county township village centre department
	Feature FeatureCollection Polygon MultiPolygon type community dedicated unit households population workers`)

func init() {
	for _, w := range latinFormat {
		latinAllowed[w] = "a word of an import file's format"
	}
}

var (
	latinDrop = regexp.MustCompile(`(?is)<(script|style)\b.*?</(script|style)>|<svg\b.*?</svg>|<!--.*?-->`)
	latinMono = regexp.MustCompile(`<(\w+)[^>]*\sclass="[^"]*\bmono\b[^"]*"[^>]*>[^<]*</(\w+)>`)
	latinAttr = regexp.MustCompile(`(?i)\s(?:title|aria-label|placeholder|alt)="([^"]*)"`)
	latinTag  = regexp.MustCompile(`(?s)<[^>]*>`)
	latinWord = regexp.MustCompile(`[A-Za-z0-9_\-]*[A-Za-z][A-Za-z0-9_\-]*`)
	latinCode = regexp.MustCompile(`[0-9_\-]`)
)

// latinWords answers the Latin words a person reads on the page that are
// not allowed: a word with a digit, a hyphen or an underscore is a code
// (620902-zz, AQ01, an account's name such as sz-dispatcher), and is
// allowed, as is any text of an element set in monospace (class mono).
func latinWords(page string) []string {
	page = latinDrop.ReplaceAllString(page, " ")
	// A value set in monospace is a machine's value: a code, an account's
	// name, a query code.
	page = latinMono.ReplaceAllString(page, " ")
	var text strings.Builder
	for _, m := range latinAttr.FindAllStringSubmatch(page, -1) {
		text.WriteString(" " + m[1])
	}
	// The <option> values and other attributes are not read; the text is.
	text.WriteString(" " + latinTag.ReplaceAllString(page, " "))
	var out []string
	for _, w := range latinWord.FindAllString(html.UnescapeString(text.String()), -1) {
		if latinCode.MatchString(w) {
			continue
		}
		if _, ok := latinAllowed[w]; ok {
			continue
		}
		out = append(out, w)
	}
	return out
}

func TestNoLatinWordsOnChinesePages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	fx := e.fx
	storetest.SeedGrids(t, e.db, fx)
	// A little history like the demo's: every status, a party, a citizen's
	// report, an automatic escalation, a rating, a rejection.
	report := func(u *pingan.User, cat, title string) *pingan.Case {
		kind := map[byte]pingan.Kind{'0': pingan.KindDispute, 'X': pingan.KindPetition, 'A': pingan.KindHazard, 'F': pingan.KindService}[cat[0]]
		c, err := e.db.Cases.CreateCase(ctx, u, &pingan.NewCase{Kind: kind, Category: cat, Title: title, Description: title + "，请处理。",
			Location: &pingan.Location{Lat: 39.755, Lng: 98.505}, Address: "富康社区3号楼",
			Parties: []pingan.Person{{Role: "applicant", Name: "李四", Phone: "13812345678"}, {Role: "respondent", Name: "王五"}}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	var cases []*pingan.Case
	cases = append(cases, report(fx.GridWorker, "0102", "楼上漏水引发邻里纠纷"))
	rejected := report(fx.GridWorker, "FW01", "路灯不亮")
	e.act(fx.TownshipDispatcher, rejected.ID, pingan.ActionInput{Action: pingan.ActReject, Reason: "重复反映"})
	dispatched := report(fx.GridWorker, "AQ01", "商铺私拉电线")
	e.act(fx.CountyDispatcher, dispatched.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(fx.CountyDispatcher, dispatched.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.CountyHousing.Code})
	inProgress := report(fx.GridWorker, "0102", "邻里噪音纠纷")
	e.act(fx.TownshipDispatcher, inProgress.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(fx.TownshipDispatcher, inProgress.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	e.act(fx.TownshipHandler, inProgress.ID, pingan.ActionInput{Action: pingan.ActSign})
	e.act(fx.CountyLeader, inProgress.ID, pingan.ActionInput{Action: pingan.ActSupervise, Note: "请加快办理",
		Deadline: ptrTime(e.clock.Now().Add(72 * time.Hour))})
	closed := report(fx.GridWorker, "FW03", "垃圾清运不及时")
	e.act(fx.TownshipDispatcher, closed.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(fx.TownshipDispatcher, closed.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	e.act(fx.TownshipHandler, closed.ID, pingan.ActionInput{Action: pingan.ActSign})
	e.act(fx.TownshipHandler, closed.ID, pingan.ActionInput{Action: pingan.ActResolve, Result: "已清运垃圾"})
	e.act(fx.TownshipDispatcher, closed.ID, pingan.ActionInput{Action: pingan.ActClose})
	e.act(fx.GridWorker, closed.ID, pingan.ActionInput{Action: pingan.ActRate, Satisfaction: pingan.Satisfied})
	cases = append(cases, rejected, dispatched, inProgress, closed)
	receipt, err := e.db.Public.FileCase(ctx, &pingan.NewCase{Kind: pingan.KindService, Category: "FW02", Title: "停水未通知",
		Description: "小区突然停水", Unit: fx.Village.Code})
	if err != nil {
		t.Fatal(err)
	}
	// A month on: the deadline watch escalates what is late.
	e.clock.Advance(30 * 24 * time.Hour)
	if _, err := e.db.Cases.EscalateDue(ctx, e.clock.Now(), 100); err != nil {
		t.Fatal(err)
	}
	// And a case this month, so that the dashboard compares its rates
	// with last month's (环比, in 个百分点).
	now := report(fx.GridWorker, "FW03", "下水道堵塞")
	e.act(fx.TownshipDispatcher, now.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(fx.TownshipDispatcher, now.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	e.act(fx.TownshipHandler, now.ID, pingan.ActionInput{Action: pingan.ActSign})
	e.act(fx.TownshipHandler, now.ID, pingan.ActionInput{Action: pingan.ActResolve, Result: "已疏通"})
	e.act(fx.TownshipDispatcher, now.ID, pingan.ActionInput{Action: pingan.ActClose})
	cases = append(cases, now)
	citizen, err := e.db.Cases.FindCase(ctx, fx.Admin, receipt.Number)
	if err != nil {
		t.Fatal(err)
	}
	cases = append(cases, citizen)

	// The pages: every page without a wildcard, each case's page, the
	// citizens' pages.
	var paths []string
	for _, p := range e.srv.patterns {
		method, path, _ := strings.Cut(p, " ")
		if method != http.MethodGet || strings.Contains(path, "{") || path == "/" || strings.HasPrefix(path, "/static/") ||
			strings.HasPrefix(path, "/lang/") || strings.HasSuffix(path, ".geojson") || path == "/logout" {
			continue
		}
		paths = append(paths, strings.TrimSuffix(path, "{$}"))
	}
	for _, c := range cases {
		paths = append(paths, "/cases/"+c.ID)
	}
	paths = append(paths, statusLink(receipt.Number, receipt.QueryCode), "/dashboard?period=year")

	found := map[string][]string{} // word → where
	users := []*pingan.User{fx.Admin, fx.CityDispatcher, fx.CityLeader, fx.Assessor, fx.CountyDispatcher, fx.CountyHandler,
		fx.CountyLeader, fx.Viewer, fx.TownshipDispatcher, fx.TownshipHandler, fx.Mediator, fx.GridWorker}
	for _, u := range users {
		cl := e.login(u)
		cl.get("/lang/zh?next=/inbox")
		for _, p := range paths {
			res := cl.get(p)
			if res.status >= 500 {
				t.Errorf("%s as %s: %d", p, u.Username, res.status)
			}
			if res.status >= 300 && res.status < 400 || !strings.Contains(res.header.Get("Content-Type"), "text/html") {
				continue
			}
			for _, w := range latinWords(res.body) {
				if len(found[w]) < 3 {
					found[w] = append(found[w], p+" ("+u.Username+")")
				}
			}
		}
	}
	var words []string
	for w := range found {
		words = append(words, w)
	}
	sort.Strings(words)
	for _, w := range words {
		t.Errorf("Latin word %q on a Chinese page: %s", w, strings.Join(found[w], ", "))
	}
}

func ptrTime(t time.Time) *time.Time { return &t }

// The check itself: words are found in text and in what is read aloud,
// codes are not.
func TestLatinWords(t *testing.T) {
	t.Parallel()
	page := `<html><head><style>a{}</style><script>var x</script></head><body title="Hello">
		<p>系统 (system) AQ01 2026-620902-000001 个百分点 pp</p><option value="dispute">矛盾纠纷</option>
		<a href="/lang/en">English</a><input placeholder="Name"><td class="mono">admin</td></body></html>`
	got := strings.Join(latinWords(page), " ")
	if got != "Hello Name system pp" {
		t.Errorf("found %q", got)
	}
}
