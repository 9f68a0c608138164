package web

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// caseExport is a 12345 export with a title row: two work orders placed by
// their addresses.
const caseExport = "\ufeff市民服务热线工单\n工单编号,来电时间,诉求类别,诉求地址,诉求内容,来电人,联系电话\n" +
	"GD1,2026-03-01 09:00,邻里纠纷,东北街街道富康社区,楼上漏水,张三丰,13812345678\n" +
	"GD2,2026/3/1 10:00,物业纠纷,南苑社区,停水三天,李四,13900001111\n"

var draftRe = regexp.MustCompile(`name="draft" value="([0-9a-f]+)"`)

// TestCaseImportPages: a dispatcher finds the import from the inbox,
// uploads a file, reads the preview (callers masked), confirms, and reads
// the result with links to the cases; the same file again has nothing to
// import; a file with an unknown category names the row and keeps nothing.
func TestCaseImportPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.login(e.fx.CountyDispatcher)
	if inbox := d.get("/inbox"); !strings.Contains(inbox.body, `id="inbox-import" href="/admin/import-cases"`) {
		t.Error("the inbox has no link to the import")
	}
	if h := e.login(e.fx.CountyHandler).get("/inbox"); strings.Contains(h.body, "inbox-import") {
		t.Error("a handler is offered the import")
	}
	if res := d.get("/admin/import-cases"); res.status != http.StatusOK || !strings.Contains(res.body, `id="import-form"`) {
		t.Fatalf("page %d", res.status)
	}
	up := func(name, body string) response {
		return d.postMultipart("/admin/import-cases", nil, []upload{{field: "file", name: name, data: []byte(body)}})
	}
	res := up("12345.csv", caseExport)
	if res.status != http.StatusOK {
		t.Fatalf("preview %d: %s", res.status, res.body)
	}
	for _, want := range []string{`id="import-row-3"`, `id="import-row-4"`, "新增 2 · 已导入 0 · 有误 0", "南苑社区", "物业纠纷", "138****5678", "确认导入 2 件"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	for _, whole := range []string{"13812345678", "13900001111", "张三丰"} {
		if strings.Contains(res.body, whole) {
			t.Errorf("the preview shows %q whole", whole)
		}
	}
	m := draftRe.FindStringSubmatch(res.body)
	if m == nil {
		t.Fatal("no confirmation form")
	}
	// Another dispatcher cannot confirm it.
	if other := e.login(e.fx.CityDispatcher).post("/admin/import-cases/confirm", url.Values{"draft": {m[1]}}); other.status != http.StatusNotFound {
		t.Errorf("another user's confirmation: %d", other.status)
	}
	res = d.post("/admin/import-cases/confirm", url.Values{"draft": {m[1]}})
	if res.status != http.StatusOK || !strings.Contains(res.body, "新增 2 件 · 已导入 0 件") {
		t.Fatalf("confirm %d: %s", res.status, res.body)
	}
	links := regexp.MustCompile(`<a href="/cases/(2026-620902-\d+)">`).FindAllStringSubmatch(res.body, -1)
	if len(links) != 2 {
		t.Fatalf("%d links to the cases made", len(links))
	}
	if c := d.get("/cases/" + links[0][1]); c.status != http.StatusOK || !strings.Contains(c.body, "楼上漏水") {
		t.Errorf("case %s: %d", links[0][1], c.status)
	}
	if again := d.post("/admin/import-cases/confirm", url.Values{"draft": {m[1]}}); again.status != http.StatusNotFound {
		t.Errorf("a draft confirmed twice: %d", again.status)
	}

	// The same file again: every row 已导入, nothing to confirm.
	res = up("12345.csv", caseExport)
	if !strings.Contains(res.body, "新增 0 · 已导入 2 · 有误 0") || !strings.Contains(res.body, `id="import-nothing"`) || draftRe.MatchString(res.body) {
		t.Errorf("second upload:\n%s", res.body)
	}

	// An unknown category: 第 4 行 named, no confirmation.
	bad := strings.Replace(strings.Replace(caseExport, "物业纠纷", "外星人入侵", 1), "GD", "XX", -1)
	res = up("bad.csv", bad)
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, "第 4 行「诉求类别」：未知的诉求类别「外星人入侵」") || draftRe.MatchString(res.body) {
		t.Errorf("a bad file %d:\n%s", res.status, res.body)
	}
	// A file without the column 诉求类别 is refused whole, naming it.
	res = up("x.csv", "工单号,来电时间,诉求地址,诉求内容\nA,2026-03-01 09:00,富康社区,x\n")
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, "表头缺少列「诉求类别」") {
		t.Errorf("a file without 诉求类别 %d:\n%s", res.status, res.body)
	}
	if res := up("x.txt", "x"); res.status != http.StatusBadRequest {
		t.Errorf("a text file: %d", res.status)
	}
}

// TestBrowserCaseImport: from the inbox to the import page, a file up, the
// preview read, the import confirmed, and a case made opened.
func TestBrowserCaseImport(t *testing.T) {
	ctx := newBrowser(t, 1280, 900)
	e := newEnv(t)
	base, dir := e.ts.URL, shots(t)
	file := filepath.Join(t.TempDir(), "12345.csv")
	if err := os.WriteFile(file, []byte(caseExport), 0o644); err != nil {
		t.Fatal(err)
	}
	browserLogin(t, ctx, base, e.fx.CountyDispatcher.Username)
	do(t, ctx, "the inbox's link", chromedp.Navigate(base+"/inbox"), chromedp.WaitVisible(chromedp.ID("inbox-import")),
		chromedp.Click(chromedp.ID("inbox-import")), chromedp.WaitVisible(chromedp.ID("import-form")))
	do(t, ctx, "upload", chromedp.SetUploadFiles(chromedp.ID("ci-file"), []string{file}),
		chromedp.Click(chromedp.CSS(`#import-form button[type="submit"]`)), chromedp.WaitVisible(chromedp.ID("import-preview")))
	if got := text(t, ctx, "#import-summary"); got != "新增 2 · 已导入 0 · 有误 0" {
		t.Errorf("summary %q", got)
	}
	if got := text(t, ctx, "#import-row-4"); !strings.Contains(got, "南苑社区") || !strings.Contains(got, "139****1111") {
		t.Errorf("row 4: %q", got)
	}
	shot(t, ctx, dir, "caseimport-1-preview")
	do(t, ctx, "confirm", chromedp.Click(chromedp.CSS(`#import-confirm button`)), chromedp.WaitVisible(chromedp.ID("import-result")))
	if got := text(t, ctx, "#import-counts"); got != "新增 2 件 · 已导入 0 件" {
		t.Errorf("result %q", got)
	}
	shot(t, ctx, dir, "caseimport-2-result")
	do(t, ctx, "a case made", chromedp.Click(chromedp.CSS(`#import-cases a`)), chromedp.WaitVisible(chromedp.ID("logout")))
	waitFor(t, ctx, "the case page", `document.body.textContent.indexOf('楼上漏水') >= 0 || document.body.textContent.indexOf('停水三天') >= 0`)
}
