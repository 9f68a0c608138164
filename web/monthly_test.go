package web

import (
	"bytes"
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/paper"
)

// The handling units judged (处置单位评价): each centre and department of
// the reader's unit with the cases handled, the rates with their formulas
// on hover and the average handling time; the download holds the same
// numbers as numbers. The monthly reports' archive: a leader generates a
// past month's report, which the archive lists with its files; a month not
// ended is refused naming the month; a viewer reads and downloads but has
// no form and is refused the generation.
func TestHandlersAndMonthlyPages(t *testing.T) {
	e := newEnv(t)
	fx, ctx := e.fx, context.Background()
	act := func(u *pingan.User, id string, in pingan.ActionInput) {
		t.Helper()
		if _, err := e.db.Cases.Act(ctx, u, id, in); err != nil {
			t.Fatalf("%s: %v", in.Action, err)
		}
	}
	c, err := e.db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102",
		Title: "楼上漏水邻里纠纷", Description: "楼上住户卫生间漏水，双方协商未果"})
	if err != nil {
		t.Fatal(err)
	}
	act(fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	act(fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	act(fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActSign})
	e.clock.Advance(60 * time.Hour)
	act(fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActResolve, Result: "经调解双方达成协议"})
	act(fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActClose})

	leader := e.login(fx.CountyLeader)
	page := leader.get("/stats/handlers?period=month&at=2026-03")
	if page.status != http.StatusOK {
		t.Fatalf("/stats/handlers: %d %s", page.status, page.body)
	}
	row := handlerRowOf(t, page.body, fx.TownshipCentre.Code)
	for _, want := range []string{fx.TownshipCentre.Name, `data-m="handled">1<`, "2.5 天", `data-m="on_time" title="1 / 1">100.0%`} {
		if !strings.Contains(row, want) {
			t.Errorf("the township centre's line lacks %q: %s", want, row)
		}
	}
	for _, want := range []string{pingan.Text(pingan.ZH, "rate.rework.formula"), pingan.Text(pingan.ZH, "ha.formula.hours"),
		fx.CountyHousing.Name, `<strong id="ha-period">` + pingan.Text(pingan.ZH, "dash.label.month", 2026, 3), `id="ha-export" href="/stats/handlers.xlsx?`} {
		if !strings.Contains(html.UnescapeString(page.body), want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page.body, fx.OtherCountyCentre.Name) {
		t.Error("another county's centre is listed")
	}
	x := leader.get("/stats/handlers.xlsx?period=month&at=2026-03")
	book, err := excelize.OpenReader(strings.NewReader(x.body))
	if err != nil {
		t.Fatalf("the download: %d %v", x.status, err)
	}
	rows, err := book.GetRows(book.GetSheetName(0), excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		if len(r) >= 7 && r[0] == fx.TownshipCentre.Name {
			found = true
			if r[2] != "1" || r[3] != "1" || r[6] != "60" {
				t.Errorf("the township centre in the download: %q", r)
			}
		}
	}
	if !found {
		t.Errorf("the township centre is not in the download: %q", rows)
	}

	if _, err := paper.New(""); err != nil {
		t.Skipf("no font for the PDF: %v", err)
	}
	archive := leader.get("/reports/monthly")
	if archive.status != http.StatusOK || !strings.Contains(archive.body, `id="monthly-form"`) || !strings.Contains(archive.body, `id="monthly-none"`) {
		t.Fatalf("the archive: %d %s", archive.status, archive.body)
	}
	res := leader.post("/reports/monthly", url.Values{"unit": {fx.County.Code}, "month": {"2026-03"}})
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, "2026-03 尚未结束") {
		t.Errorf("a month not ended: %d", res.status)
	}
	res = leader.post("/reports/monthly", url.Values{"unit": {fx.County.Code}, "month": {"2026-02"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("generate: %d %s", res.status, res.body)
	}
	viewer := e.login(fx.Viewer)
	archive = viewer.get("/reports/monthly")
	if !strings.Contains(archive.body, `data-unit="`+fx.County.Code+`" data-month="2026-02"`) || strings.Contains(archive.body, `id="monthly-form"`) ||
		!strings.Contains(archive.body, fx.CountyLeader.Name) {
		t.Errorf("the viewer's archive: %s", archive.body)
	}
	pdf := viewer.get("/reports/monthly/" + fx.County.Code + "/2026-02.pdf")
	if pdf.status != http.StatusOK || !bytes.HasPrefix([]byte(pdf.body), []byte("%PDF")) {
		t.Errorf("the PDF: %d", pdf.status)
	}
	if res := viewer.post("/reports/monthly", url.Values{"unit": {fx.County.Code}, "month": {"2026-02"}}); res.status != http.StatusForbidden {
		t.Errorf("a viewer generates: %d", res.status)
	}
}

// handlerRowOf answers the table row of the page whose data-unit is code.
func handlerRowOf(t *testing.T, body, code string) string {
	t.Helper()
	i := strings.Index(body, `data-unit="`+code+`"`)
	if i < 0 {
		t.Fatalf("no line of %s", code)
	}
	j := strings.Index(body[i:], "</tr>")
	return body[i : i+j]
}
