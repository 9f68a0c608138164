package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/paper"
)

// printReady skips the test when the font to print with or pdftotext is
// not installed, and fails it on CI (CI=true), where both must be.
func printReady(t *testing.T) {
	t.Helper()
	var missing []string
	if _, err := paper.New(""); err != nil {
		missing = append(missing, err.Error())
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		missing = append(missing, "pdftotext")
	}
	if len(missing) == 0 {
		return
	}
	msg := "printing needs " + strings.Join(missing, "; ") + " (Debian: apt-get install " + paper.FontPackage + " " +
		paper.LatinFontPackage + " poppler-utils)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// unprintable answers, for the tests that walk every route, whether path
// is a printed document this machine has no font to make: without the
// font they answer the error that says what to install, a 500; skipped
// there with a note, except on CI (CI=true), where the font must be.
func unprintable(t *testing.T, path string) bool {
	t.Helper()
	if !strings.Contains(path, "/print/") || os.Getenv("CI") == "true" {
		return false
	}
	if _, err := paper.New(""); err != nil {
		t.Logf("%s not checked: %v", path, err)
		return true
	}
	return false
}

// pdfText answers the text of a PDF as pdftotext reads it, without spaces.
func pdfText(t *testing.T, pdf string) string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = strings.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return regexp.MustCompile(`\s+`).ReplaceAllString(string(out), "")
}

// The printed orders and summary of a case: a PDF for a reader in the
// case's jurisdiction, saying what the order says, with the people masked
// even for a dispatcher who reads them whole on screen; 404 for another
// county's reader, exactly as for a case that does not exist; the sign-in
// page for nobody.
func TestPrintCase(t *testing.T) {
	printReady(t)
	e := newEnv(t)
	fx := e.fx
	c := e.newCase(fx.GridWorker, "0102", "富康路楼上漏水纠纷")
	e.act(fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.CountyHousing.Code,
		Note: "请会同物业上门查看并组织调解"})
	e.act(fx.CountyHandler, c.ID, pingan.ActionInput{Action: pingan.ActSign})
	by := e.clock.Now().Add(72 * time.Hour)
	e.act(fx.CountyLeader, c.ID, pingan.ActionInput{Action: pingan.ActSupervise, Deadline: &by, Note: "务必限期化解"})

	d := e.login(fx.CountyDispatcher)
	if page := d.get("/cases/" + c.ID); !strings.Contains(page.body, "13812345678") {
		t.Fatalf("the dispatcher does not read the reporter whole on the case page: the masking below proves nothing")
	}
	docs := []struct {
		path string
		want []string
	}{
		{"assign.pdf", []string{"事件交办单", c.Number, "承办单位", "肃州区住房和城乡建设局", "事项", "富康路楼上漏水纠纷",
			"时限", "签收：", "办结：", "要求", "请会同物业上门查看并组织调解", "承办人签字：", "日期：", "肃州区派遣员"}},
		{"supervise.pdf", []string{"事件督办单", c.Number, "督办单位/人", "肃州区领导", "被督办单位", "肃州区住房和城乡建设局",
			"督办时限", "务必限期化解", "督办人签字：", "签收人签字："}},
		{"summary.pdf", []string{"案件摘要", c.Number, "富康路楼上漏水纠纷", "张**", "138****5678", "办理过程", "派遣", "签收", "督办"}},
	}
	for _, doc := range docs {
		path := "/cases/" + c.ID + "/print/" + doc.path
		res := d.get(path)
		if res.status != http.StatusOK || res.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(res.body, "%PDF-") {
			t.Errorf("GET %s: %d %s %.80q", path, res.status, res.header.Get("Content-Type"), res.body)
			continue
		}
		if cd := res.header.Get("Content-Disposition"); !strings.Contains(cd, c.Number+".pdf") {
			t.Errorf("GET %s: Content-Disposition %q", path, cd)
		}
		got := pdfText(t, res.body)
		for _, w := range doc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s lacks %q:\n%s", doc.path, w, got)
			}
		}
		for _, whole := range []string{"张三丰", "13812345678"} {
			if strings.Contains(got, whole) {
				t.Errorf("%s prints %q whole", doc.path, whole)
			}
		}

		missing := "/cases/" + c.ID[:len(c.ID)-6] + "999999/print/" + doc.path
		o := e.login(fx.OtherDispatcher)
		got404, none := o.get(path), o.get(missing)
		if got404.status != http.StatusNotFound || none.status != http.StatusNotFound ||
			strings.ReplaceAll(got404.body, c.ID, "") != strings.ReplaceAll(none.body, c.ID[:len(c.ID)-6]+"999999", "") {
			t.Errorf("GET %s by another county: %d, want the 404 of no case (%d)", path, got404.status, none.status)
		}
		if strings.Contains(got404.body, "富康路楼上漏水纠纷") || strings.HasPrefix(got404.body, "%PDF") {
			t.Errorf("GET %s by another county shows the case", path)
		}
		if res := e.anon().get(path); res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/login") {
			t.Errorf("GET %s signed out: %d %s", path, res.status, res.location)
		}
	}
}

// A server whose font is missing answers the printed pages with an error
// page that names the font and the package to install, and logs it; it
// does not crash, and the case page still works.
func TestPrintWithoutFont(t *testing.T) {
	e := newEnv(t)
	fx := e.fx
	c := e.newCase(fx.GridWorker, "0102", "无字体时的打印")
	bad := filepath.Join(t.TempDir(), "none.ttf")
	var log bytes.Buffer
	srv := New(Config{Units: e.db.Units, Users: e.db.Users, Categories: e.db.Categories, Cases: e.db.Cases, Stats: e.db.Stats,
		Calendar: e.db.Calendar, Clock: e.clock, Logger: slog.New(slog.NewTextHandler(&log, nil)), DataDir: e.dataDir, Font: bad})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	other := *e
	other.srv, other.ts = srv, ts
	d := other.login(fx.CountyDispatcher)
	res := d.get("/cases/" + c.ID + "/print/assign.pdf")
	if res.status != http.StatusInternalServerError || !strings.Contains(res.body, bad) || !strings.Contains(res.body, paper.FontPackage) ||
		!strings.Contains(res.body, "PINGAN_FONT") {
		t.Errorf("printing without the font: %d %s", res.status, textOf(res.body))
	}
	if !strings.Contains(log.String(), bad) {
		t.Errorf("the missing font is not logged: %s", log.String())
	}
	if res := d.get("/cases/" + c.ID); res.status != http.StatusOK {
		t.Errorf("the case page without the font: %d", res.status)
	}
}
