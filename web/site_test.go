package web

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/sheet"
	"github.com/pingan-gov/pingan/store/storetest"
)

// The register's pages (site.go): the register lists the jurisdiction's
// sites with the contact masked and the overdue in red; the site's page
// reveals the contact on a POST (audited by the store); the inspection
// form refuses a failed item without its photo naming the item, and with
// it files a hazard shown on the site's page; the workbook downloads and,
// read back through the import page, previews and imports; the Chinese
// pages hold no English word.
func TestSitePages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	storetest.SeedGrids(t, e.db, e.fx)
	site, err := e.db.Sites.AddSite(ctx, e.fx.CountyDispatcher, &pingan.NewSite{Name: "富康燃气储配站", Type: pingan.SiteHazardSource,
		Level: 2, Location: &pingan.Location{Lat: 39.755, Lng: 98.505}, Department: e.fx.CountyHousing.Code,
		Contact: &pingan.SiteContact{Name: "王建国", Phone: "13812345678"}})
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(site.ID, 10)
	cl := e.login(e.fx.CountyDispatcher)
	cl.get("/lang/zh?next=/sites")

	list := cl.get("/sites")
	mustContain(t, list.body, "富康燃气储配站", "王**", "138****5678", "二级")
	mustNotContain(t, list.body, "王建国", "13812345678")
	noLatin(t, "/sites", list.body)

	page := cl.get("/sites/" + id)
	mustContain(t, page.body, `id="site-reveal"`, `href="/sites/`+id+`/inspect"`, "每 14 天")
	mustNotContain(t, page.body, "王建国")
	noLatin(t, "/sites/"+id, page.body)
	revealed := cl.post("/sites/"+id+"/contact", url.Values{})
	mustContain(t, revealed.body, "王建国 13812345678")
	// A viewer reads it masked and is offered no reveal.
	viewer := e.login(e.fx.Viewer)
	mustNotContain(t, viewer.get("/sites/"+id).body, `id="site-reveal"`, "王建国")

	// The inspection form: one item per line of the checklist.
	form := cl.get("/sites/" + id + "/inspect")
	mustContain(t, form.body, "危化品储存符合规定", `name="photos_1"`)
	noLatin(t, "/sites/"+id+"/inspect", form.body)
	vals := url.Values{"items": {"5"}, "item_1": {"fail"}, "note_1": {"储罐区堆放杂物"}, "major_1": {"1"}}
	for i := 2; i <= 5; i++ {
		vals.Set("item_"+strconv.Itoa(i), "ok")
	}
	refused := cl.postMultipart("/sites/"+id+"/inspect", vals, nil)
	if refused.status != http.StatusBadRequest {
		t.Fatalf("a failed item without a photo: %d", refused.status)
	}
	mustContain(t, refused.body, `id="item-1-err"`, "不合格项须附照片")
	done := cl.postMultipart("/sites/"+id+"/inspect", vals, []upload{{field: "photos_1", name: "a.png", data: pngBytes}})
	if done.status != http.StatusSeeOther {
		t.Fatalf("the inspection: %d %s", done.status, regexpError(done.body))
	}
	page = cl.get(done.header.Get("Location"))
	mustContain(t, page.body, "1 项不合格", "储罐区堆放杂物", "重大隐患", `href="/cases/`)
	noLatin(t, "/sites/"+id, page.body)

	// The dashboard's section: the month's inspections by department.
	dash := cl.get("/dashboard")
	mustContain(t, dash.body, `id="dash-sites"`, `id="dash-sites-620902-zjj"`, "按期检查率")
	noLatin(t, "/dashboard", dash.body)

	// The workbook, read back through the import page: a preview, then the
	// import, which changes the one site.
	x := cl.get("/sites.xlsx")
	if x.status != http.StatusOK || x.header.Get("Content-Type") != sheet.MediaType {
		t.Fatalf("the workbook: %d %s", x.status, x.header.Get("Content-Type"))
	}
	// The contact is masked in the workbook: read back, its cells are
	// dropped as masked (a contact whole would come back).
	types, err := e.db.Sites.SiteTypes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	back, err := sheet.ReadSites(strings.NewReader(x.body), types)
	if err != nil || len(back) != 1 || back[0].Site.Contact != nil || back[0].Site.Name != "富康燃气储配站" {
		t.Fatalf("the workbook read back: %+v %v", back, err)
	}
	preview := cl.postMultipart("/sites/import", url.Values{}, []upload{{field: "workbook", name: "sites.xlsx", data: []byte(x.body)}})
	if preview.status != http.StatusOK {
		t.Fatalf("preview: %d %s", preview.status, preview.body)
	}
	mustContain(t, preview.body, `id="import-preview"`, "将新增 0 个、更新 1 个场所")
	noLatin(t, "/sites/import", preview.body)
	rows := regexpValue(t, preview.body, `name="rows" value="`)
	confirmed := cl.post("/sites/import", url.Values{"confirm": {"1"}, "rows": {rows}})
	if confirmed.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d %s", confirmed.status, confirmed.body)
	}
	// A bad row is named by its number and nothing is written.
	var b bytes.Buffer
	if err := sheet.Write(&b, sheet.Sheet{Header: []string{"名称", "类型", "纬度", "经度", "主管部门编码"},
		Rows: [][]sheet.Cell{{sheet.Text("新场所"), sheet.Text("城堡"), sheet.Float(39.755), sheet.Float(98.505), sheet.Text("620902-zjj")}}}); err != nil {
		t.Fatal(err)
	}
	bad := cl.postMultipart("/sites/import", url.Values{}, []upload{{field: "workbook", name: "bad.xlsx", data: b.Bytes()}})
	if bad.status != http.StatusBadRequest {
		t.Fatalf("a bad workbook: %d", bad.status)
	}
	mustContain(t, bad.body, "第 2 行「类型」")
	if got, _ := e.db.Sites.FindSites(ctx, e.fx.CountyDispatcher, pingan.SiteFilter{}); len(got) != 1 {
		t.Errorf("%d sites after the imports, want 1", len(got))
	}

	// The types' page: a dispatcher changes a checklist.
	noLatin(t, "/sites/types", cl.get("/sites/types").body)
	saved := cl.post("/sites/types", url.Values{"code": {"other"}, "name": {"其他"}, "months_0": {"2"}, "checklist": {"消防通道畅通\n疏散指示完好"}})
	if saved.status != http.StatusSeeOther {
		t.Fatalf("saving a type: %d %s", saved.status, saved.body)
	}
	mustContain(t, cl.get("/sites/types").body, "疏散指示完好")
	ts, err := e.db.Sites.SiteTypes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range ts {
		if st.Code == pingan.SiteOther && (len(st.Checklist) != 2 || st.Schedules[0].Months != 2) {
			t.Errorf("the type saved: %+v", st)
		}
	}
	// Viewers read the types in words.
	mustContain(t, viewer.get("/sites/types").body, "每 2 个月", "疏散指示完好")

	// The form to add a site names a position outside every grid.
	add := cl.post("/sites", url.Values{"name": {"某学校"}, "type": {"school"}, "lat": {"39.74"}, "lng": {"98.51"}, "department": {"620902-zjj"}})
	if add.status != http.StatusBadRequest {
		t.Fatalf("a site in no grid: %d", add.status)
	}
	mustContain(t, add.body, `id="s-location-err"`, "位置不在任何网格内")
	noLatin(t, "/sites/new", cl.get("/sites/new").body)
}

// regexpValue answers the HTML-unescaped attribute value that follows
// prefix in body.
func regexpValue(t *testing.T, body, prefix string) string {
	t.Helper()
	i := strings.Index(body, prefix)
	if i < 0 {
		t.Fatalf("no %s in the page", prefix)
	}
	rest := body[i+len(prefix):]
	j := strings.IndexByte(rest, '"')
	return html.UnescapeString(rest[:j])
}

// regexpError answers the error box of a page, for a failure's message.
func regexpError(body string) string {
	i := strings.Index(body, `role="alert"`)
	if i < 0 {
		return body
	}
	return body[i:min(len(body), i+600)]
}

// TestSortRowErrors: an import's refusals read in the workbook's order,
// 第 3 行 before 第 10 行, the file's own first.
func TestSortRowErrors(t *testing.T) {
	es := []rowError{{Row: importRow("rows[10].name"), Field: "b"}, {Row: importRow("rows[3].type"), Field: "c"},
		{Row: importRow("workbook"), Field: "z"}, {Row: importRow("rows[3].level"), Field: "a"}}
	sortRowErrors(es)
	var got []int
	for _, e := range es {
		got = append(got, e.Row)
	}
	if fmt.Sprint(got) != "[0 3 3 10]" || es[1].Field != "a" {
		t.Errorf("sorted %v %+v", got, es)
	}
}
