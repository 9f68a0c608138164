package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
)

// petitionPrintServer answers e with a server that reads petition
// documents from the store, whatever newEnv wires.
func petitionPrintServer(t *testing.T, e *env) *env {
	t.Helper()
	if e.db.Petitions == nil {
		t.Skip("the store has no petition service")
	}
	srv := New(Config{Units: e.db.Units, Users: e.db.Users, Categories: e.db.Categories, Cases: e.db.Cases, Stats: e.db.Stats,
		Petitions: e.db.Petitions, Calendar: e.db.Calendar, Clock: e.clock, Logger: slog.New(slog.DiscardHandler), DataDir: e.dataDir})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	other := *e
	other.srv, other.ts = srv, ts
	return &other
}

// A petition's printed document: the forwarding slip of a petition
// assigned to the county's housing bureau prints, for the dispatcher who
// issued it, as an official document with its form, the petitioner named
// and its text as issued; a viewer, who sees the case masked, gets 403;
// another county's dispatcher gets 404 exactly as for no case; a path
// that names no document of this petition, or a case that is no
// petition, answers 404.
func TestPrintPetitionDocument(t *testing.T) {
	t.Parallel()
	printReady(t)
	e := petitionPrintServer(t, newEnv(t))
	fx := e.fx
	c := e.newCase(fx.GridWorker, "XF01", "富康小区冬季供暖温度长期不达标")
	body := "张三丰：\n你（们）反映的“富康小区冬季供暖温度长期不达标”信访事项，本机关已收悉。\n现交由区住建局依法处理，请与该单位联系。"
	e.act(fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.CountyHousing.Code,
		ForwardMode: pingan.ForwardAssign, Document: &pingan.DocumentInput{Number: "肃信转〔2026〕7号", Body: body}})
	rec, err := e.db.Petitions.Petition(t.Context(), fx.CountyDispatcher, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Documents) != 1 {
		t.Fatalf("documents after the dispatch: %+v", rec.Documents)
	}
	ref := rec.Documents[0]
	path := fmt.Sprintf("/cases/%s/petition/documents/%d.pdf", c.ID, ref.ID)

	d := e.login(fx.CountyDispatcher)
	res := d.get(path)
	if res.status != http.StatusOK || res.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(res.body, "%PDF-") {
		t.Fatalf("GET %s: %d %s %.300q", path, res.status, res.header.Get("Content-Type"), textOf(res.body))
	}
	issued := ref.IssuedAt.In(pingan.CST)
	got := pdfText(t, res.body)
	at := 0
	for _, w := range []string{ref.UnitName, "信访事项转送交办单", "肃信转〔2026〕7号", "信访事项编号", c.Number, "张三丰",
		fx.CountyHousing.Name + "（交办）", "办结报告", "张三丰：", "本机关已收悉。", "现交由区住建局依法处理，请与该单位联系。", ref.UnitName,
		fmt.Sprintf("%d年%d月%d日", issued.Year(), issued.Month(), issued.Day()), "信访事项编号：" + c.Number, "页码：1/1"} {
		i := strings.Index(got[at:], w)
		if w == "" || i < 0 {
			t.Errorf("the printed slip lacks %q (in order):\n%s", w, got)
			continue
		}
		at += i + len(w)
	}

	// A viewer reads the case masked: no document.
	res = e.login(fx.Viewer).get(path)
	if res.status != http.StatusForbidden || strings.HasPrefix(res.body, "%PDF") || !strings.Contains(res.body, "不能打印信访文书") {
		t.Errorf("GET %s as a viewer: %d %.300q", path, res.status, textOf(res.body))
	}

	// Another county: as for no case.
	o := e.login(fx.OtherDispatcher)
	missing := c.ID[:len(c.ID)-6] + "999999"
	got404, none := o.get(path), o.get(strings.Replace(path, c.ID, missing, 1))
	if got404.status != http.StatusNotFound || none.status != http.StatusNotFound ||
		strings.ReplaceAll(got404.body, c.ID, "{id}") != strings.ReplaceAll(none.body, missing, "{id}") {
		t.Errorf("GET %s of another county: %d (no case: %d)", path, got404.status, none.status)
	}

	// No such document, no .pdf, not a number, a case that is no petition.
	dispute := e.newCase(fx.GridWorker, "0102", "楼上漏水")
	for _, p := range []string{
		fmt.Sprintf("/cases/%s/petition/documents/%d.pdf", c.ID, ref.ID+1000),
		fmt.Sprintf("/cases/%s/petition/documents/%d", c.ID, ref.ID),
		fmt.Sprintf("/cases/%s/petition/documents/x.pdf", c.ID),
		fmt.Sprintf("/cases/%s/petition/documents/%d.pdf", dispute.ID, ref.ID),
	} {
		if res := d.get(p); res.status != http.StatusNotFound || strings.HasPrefix(res.body, "%PDF") {
			t.Errorf("GET %s: %d, want 404", p, res.status)
		}
	}
}

// unpetitioned reports whether path, answered status, is a petition's
// document asked of a case that is no petition (404): the tests that walk
// every route do so with cases of other kinds; TestPrintPetitionDocument
// prints one.
func unpetitioned(path string, status int) bool {
	return status == http.StatusNotFound && strings.Contains(path, "/petition/documents/")
}
