package web

import (
	"bytes"
	"fmt"
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

// unmediated reports whether path, answered status, is a document of a
// dispute's mediation asked of a case that has none to print (409): the
// tests that walk every route do so with cases that are not mediated;
// TestPrintMediation prints these documents.
func unmediated(path string, status int) bool {
	return status == http.StatusConflict &&
		(strings.HasSuffix(path, "/print/agreement.pdf") || strings.HasSuffix(path, "/print/dossier.pdf"))
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
	t.Parallel()
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
	t.Parallel()
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

// mediationServer answers e with a server that reads mediation records
// from the store, whatever newEnv wires.
func mediationServer(t *testing.T, e *env) *env {
	t.Helper()
	if e.db.Mediation == nil {
		t.Skip("the store has no mediation service")
	}
	srv := New(Config{Units: e.db.Units, Users: e.db.Users, Categories: e.db.Categories, Cases: e.db.Cases, Stats: e.db.Stats,
		Mediation: e.db.Mediation, Calendar: e.db.Calendar, Clock: e.clock, Logger: slog.New(slog.DiscardHandler), DataDir: e.dataDir})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	other := *e
	other.srv, other.ts = srv, ts
	return &other
}

// The printed agreement and dossier of a dispute: 409 pages saying what is
// missing while it is mediated; once agreed, the agreement and the dossier
// with the parties whole for its mediator, the terms with their days and
// the sessions in order; the dossier masked for a viewer, who may not
// print the agreement; 404 for another county's reader exactly as for no
// case.
func TestPrintMediation(t *testing.T) {
	t.Parallel()
	printReady(t)
	e := mediationServer(t, newEnv(t))
	fx := e.fx
	c, err := e.db.Cases.CreateCase(t.Context(), fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102",
		Title: "东北街楼上漏水赔偿纠纷", Description: "楼上卫生间渗水，楼下天花板霉变，双方就赔偿协商未果。", Address: "富康路 12 号",
		Reporter: &pingan.Person{Name: "张三丰", Phone: "13812345678"},
		Parties: []pingan.Person{
			{Role: pingan.PartyApplicant, Name: "张三丰", Phone: "13812345678", IDNumber: "620902198807150021", Address: "富康路12号402室"},
			{Role: pingan.PartyRespondent, Name: "李四光", Phone: "13911110001", Address: "富康路12号502室"}},
		Dispute: &pingan.DisputeFacts{AmountFen: 860000, People: 2}})
	if err != nil {
		t.Fatal(err)
	}
	e.act(fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code, Note: "请组织调解"})
	e.act(fx.Mediator, c.ID, pingan.ActionInput{Action: pingan.ActSign})
	now := e.clock.Now()
	e.act(fx.Mediator, c.ID, pingan.ActionInput{Action: pingan.ActMediate, Session: &pingan.MediationSession{HeldAt: now.Add(-time.Hour),
		Place: "天理良心调解室", Mediators: []string{"东北街调解员", "赵调解"}, Attendees: "张三丰、李四光", RightsNotified: true,
		Record: "双方陈述，李四光同意维修但对金额有异议。", Result: pingan.SessionContinue}})

	m := e.login(fx.Mediator)
	paths := map[string]string{"agreement": "/cases/" + c.ID + "/print/agreement.pdf", "dossier": "/cases/" + c.ID + "/print/dossier.pdf"}
	for name, want := range map[string]string{"agreement": "该纠纷没有调解协议", "dossier": "该纠纷的调解尚未终结"} {
		res := m.get(paths[name])
		if res.status != http.StatusConflict || !strings.Contains(res.body, want) || strings.HasPrefix(res.body, "%PDF") {
			t.Errorf("GET %s while mediating: %d %s", paths[name], res.status, textOf(res.body))
		}
	}

	day := pingan.DayOf(now)
	e.act(fx.Mediator, c.ID, pingan.ActionInput{Action: pingan.ActAgree, Agreement: &pingan.Agreement{Written: true, SignedOn: day,
		Facts: "李四光家卫生间渗水致张三丰家天花板受损，双方就赔偿数额争执。", Mediators: []string{"东北街调解员", "赵调解"},
		Terms: []pingan.Term{
			{Text: "李四光赔偿张三丰修复费用八千六百元。", By: "被申请人李四光", How: "银行转账", Due: day.AddDate(0, 0, 10)},
			{Text: "李四光重做卫生间防水层。", By: "被申请人李四光", Due: day.AddDate(0, 1, 0)},
		}}})
	date := func(t time.Time) string { return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day()) }
	docs := map[string][]string{
		"agreement": {"人民调解协议书", "编号：" + c.Number, "申请人", "姓名（名称）：张三丰（自然人）", "620902198807150021", "13812345678",
			"被申请人", "李四光（自然人）", "纠纷主要事实、争议事项：", "双方就赔偿数额争执。", "经调解，自愿达成如下协议：",
			"一、李四光赔偿张三丰修复费用八千六百元。", "履行期限：" + date(day.AddDate(0, 0, 10)) + "前",
			"二、李四光重做卫生间防水层。", "履行期限：" + date(day.AddDate(0, 1, 0)) + "前",
			"本协议一式三份，当事人、人民调解委员会各持一份。", "申请司法确认", "当事人签名（盖章）：", "申请人张三丰：",
			"调解员签名：", "东北街调解员：", "东北街街道（印）", date(day)},
		"dossier": {"东北街街道", "人民调解卷宗", c.Number, "调解结果调解成功", "卷内目录", "纠纷受理登记表", "调解笔录（第一次）",
			"人民调解协议书", "司法确认情况", "协议履行情况", "回访记录", "办理过程", "卷内备考表",
			"纠纷受理登记表", "张三丰（自然人）", "调解笔录（第一次）", "天理良心调解室", "双方陈述，李四光同意维修",
			"人民调解协议书", "一、李四光赔偿张三丰修复费用八千六百元。", "司法确认情况", "当事人未申请司法确认",
			"协议履行情况", "第一项", "未到履行期限", "回访记录", "尚未回访", "办理过程", "达成协议", "卷内备考表"},
	}
	for _, name := range []string{"agreement", "dossier"} {
		path := paths[name]
		res := m.get(path)
		if res.status != http.StatusOK || res.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(res.body, "%PDF-") {
			t.Errorf("GET %s: %d %s %.200q", path, res.status, res.header.Get("Content-Type"), textOf(res.body))
			continue
		}
		if cd := res.header.Get("Content-Disposition"); !strings.Contains(cd, name+"-"+c.Number+".pdf") {
			t.Errorf("GET %s: Content-Disposition %q", path, cd)
		}
		got := pdfText(t, res.body)
		at := 0
		for _, w := range docs[name] {
			i := strings.Index(got[at:], w)
			if i < 0 {
				t.Errorf("%s lacks %q after %q:\n%s", name, w, got[:at], got)
				break
			}
			at += i + len(w)
		}

		missing := "/cases/" + c.ID[:len(c.ID)-6] + "999999/print/" + name + ".pdf"
		o := e.login(fx.OtherDispatcher)
		got404, none := o.get(path), o.get(missing)
		if got404.status != http.StatusNotFound || none.status != http.StatusNotFound ||
			strings.ReplaceAll(got404.body, c.ID, "") != strings.ReplaceAll(none.body, c.ID[:len(c.ID)-6]+"999999", "") {
			t.Errorf("GET %s by another county: %d, want the 404 of no case (%d)", path, got404.status, none.status)
		}
		if res := e.anon().get(path); res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/login") {
			t.Errorf("GET %s signed out: %d %s", path, res.status, res.location)
		}
	}

	// A viewer reads the case masked: no agreement to sign, a masked dossier.
	v := e.login(fx.Viewer)
	if res := v.get(paths["agreement"]); res.status != http.StatusForbidden || !strings.Contains(res.body, "脱敏") {
		t.Errorf("GET the agreement as a viewer: %d %s", res.status, textOf(res.body))
	}
	res := v.get(paths["dossier"])
	if res.status != http.StatusOK {
		t.Fatalf("GET the dossier as a viewer: %d %s", res.status, textOf(res.body))
	}
	got := pdfText(t, res.body)
	if !strings.Contains(got, "本文书中的个人信息已按查阅权限脱敏") || !strings.Contains(got, "张**") || !strings.Contains(got, "卷内备考表") {
		t.Errorf("the viewer's dossier:\n%s", got)
	}
	for _, whole := range []string{"张三丰", "李四光", "13812345678", "620902198807150021", "双方陈述"} {
		if strings.Contains(got, whole) {
			t.Errorf("the viewer's dossier shows %q", whole)
		}
	}
}
