package api_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan/api"
)

// A letter (信访) through the API: registered with its postmark, forwarded
// with the document its draft suggested, accepted, answered, the answer
// delivered, a 复查 asked; the actions' new fields; the record, a
// document's text (403 to a viewer), similar matters and the rules for
// petitions; the petitioner's key in no answer.

// petitionEnv is newEnv with the petitions' routes.
func petitionEnv(t *testing.T) *env {
	e := newEnv(t)
	db := e.db
	e.h = api.New(api.Config{
		Units: db.Units, Users: db.Users, Categories: db.Categories, Cases: db.Cases, Stats: db.Stats, Grids: db.Grids,
		Calendar: db.Calendar, Holidays: db.Calendar, Mediation: db.Mediation, Settings: db.Settings, Petitions: db.Petitions,
		Clock: e.clock, Logger: slog.New(slog.DiscardHandler),
	}).Handler()
	return e
}

func TestPetitionThroughTheAPI(t *testing.T) {
	e := petitionEnv(t)
	letter := `{"kind":"petition","category":"XF01","title":"反映拆迁补偿标准过低","unit":"620902001001",
		"reporter":{"name":"王秀英","phone":"13812345678","id_number":"62090219800101123X"},
		"petition":{"channel":"letter","received_on":"2026-02-26T00:00:00+08:00","postmarked_on":"2026-02-24T00:00:00+08:00"}}`
	id := e.report("dbj-dispatcher", letter)
	a := e.do("GET", "/api/v1/cases/"+id, "dbj-dispatcher", "")
	if str(a.body, "petition", "stage") != "registered" || str(a.body, "petition", "channel") != "letter" ||
		!strings.HasPrefix(str(a.body, "resolve_by"), "2026-03-13") {
		t.Fatalf("registered: %s", a.raw)
	}
	act := func(user, body string) answer {
		t.Helper()
		return e.do("POST", "/api/v1/cases/"+id+"/actions", user, body)
	}
	if str(a.body, "status") == "reported" {
		if a := act("dbj-dispatcher", `{"action":"accept"}`); a.status != 200 {
			t.Fatalf("accept: %d %s", a.status, a.raw)
		}
	}
	if a := act("dbj-dispatcher", `{"action":"dispatch","to_unit":"620902001000","forward_mode":"transfer"}`); a.status != 400 ||
		a.errFields()["document.number"] == nil {
		t.Fatalf("a dispatch without its document: %d %s", a.status, a.raw)
	}

	// The draft: the suggested number and text, saved, then issued.
	d := e.do("GET", "/api/v1/cases/"+id+"/petition/drafts/forward", "dbj-dispatcher", "")
	if d.status != 200 || str(d.body, "number") != "东信转〔2026〕1号" || !strings.HasPrefix(str(d.body, "body"), "王秀英：") {
		t.Fatalf("draft: %d %s", d.status, d.raw)
	}
	if v := e.do("GET", "/api/v1/cases/"+id+"/petition/drafts/forward", "sz-viewer", ""); v.status != 200 ||
		strings.Contains(v.raw, "王秀英") {
		t.Fatalf("the viewer's draft: %d %s", v.status, v.raw)
	}
	if p := e.do("PUT", "/api/v1/cases/"+id+"/petition/drafts/forward", "dbj-dispatcher", `{"number":"","body":"x"}`); p.status != 400 ||
		p.errFields()["number"] == nil {
		t.Fatalf("a draft without a number: %d %s", p.status, p.raw)
	}
	body := "王秀英：\n你反映的信访事项已收悉，现转送东北街街道依法处理。"
	if p := e.do("PUT", "/api/v1/cases/"+id+"/petition/drafts/forward", "dbj-dispatcher",
		fmt.Sprintf(`{"number":"东信转〔2026〕1号","body":%q}`, body)); p.status != 200 || p.body["saved"] != true {
		t.Fatalf("save the draft: %d %s", p.status, p.raw)
	}
	a = act("dbj-dispatcher", fmt.Sprintf(`{"action":"dispatch","to_unit":"620902001000","forward_mode":"transfer",
		"document":{"number":"东信转〔2026〕1号","body":%q}}`, body))
	if a.status != 200 || str(a.body, "petition", "stage") != "forwarded" || str(a.body, "petition", "forward_mode") != "transfer" {
		t.Fatalf("dispatch: %d %s", a.status, a.raw)
	}
	for _, in := range []struct{ user, body string }{
		{"dbj-handler", `{"action":"sign"}`},
		{"dbj-handler", `{"action":"petition_accept","document":{"number":"东信受〔2026〕1号","body":"王秀英：决定受理。"}}`},
		{"dbj-handler", `{"action":"answer","opinion":"support","result":"按新标准补偿","document":{"number":"东信处〔2026〕1号","body":"王秀英：予以支持。"}}`},
		{"dbj-dispatcher", `{"action":"close"}`},
	} {
		if a := act(in.user, in.body); a.status != 200 {
			t.Fatalf("%s: %d %s", in.body, a.status, a.raw)
		}
	}

	// The record lists the documents without their texts.
	rec := e.do("GET", "/api/v1/cases/"+id+"/petition", "dbj-dispatcher", "")
	docs, _ := rec.body["documents"].([]any)
	if rec.status != 200 || len(docs) != 3 || str(rec.body, "stage") != "answered" || strings.Contains(rec.raw, "予以支持") {
		t.Fatalf("record: %d %s", rec.status, rec.raw)
	}
	answerDoc := docs[2].(map[string]any)
	if answerDoc["kind"] != "answer" || answerDoc["unit_name"] != "东北街街道" || answerDoc["title"] != "信访事项处理意见书" {
		t.Fatalf("the answer listed: %v", answerDoc)
	}
	docID := int(answerDoc["id"].(float64))
	path := fmt.Sprintf("/api/v1/cases/%s/petition/documents/%d", id, docID)
	if g := e.do("GET", path, "dbj-dispatcher", ""); g.status != 200 || str(g.body, "body") != "王秀英：予以支持。" {
		t.Fatalf("the answer's text: %d %s", g.status, g.raw)
	}
	if g := e.do("GET", path, "sz-viewer", ""); g.status != 403 {
		t.Fatalf("the answer's text to a viewer: %d %s", g.status, g.raw)
	}

	// deliver and request_review take their fields.
	today := jsonDay(e.clock.Now())
	a = act("dbj-dispatcher", fmt.Sprintf(`{"action":"deliver","doc_id":%d,"on":%q,"method":"post"}`, docID, today))
	if a.status != 200 || str(a.body, "petition", "delivered_on") == "" || a.body["petition"].(map[string]any)["replied"] != true {
		t.Fatalf("deliver: %d %s", a.status, a.raw)
	}
	if a := act("dbj-dispatcher", fmt.Sprintf(`{"action":"deliver","doc_id":%d,"on":%q,"method":"sms"}`, docID, today)); a.status != 409 {
		t.Fatalf("a second delivery: %d %s", a.status, a.raw)
	}
	a = act("sz-dispatcher", fmt.Sprintf(`{"action":"request_review","on":%q,"late_reason":"","reason":"不服"}`, today))
	if a.status != 200 || str(a.body, "petition", "stage") != "review" || str(a.body, "assigned_unit") != "620902" {
		t.Fatalf("request_review: %d %s", a.status, a.raw)
	}

	// A second letter: the first suggested, merged as a repeat.
	second := e.report("dbj-dispatcher", strings.Replace(letter, "反映拆迁补偿标准过低", "再次反映拆迁补偿标准", 1))
	s := e.do("GET", "/api/v1/cases/"+second+"/petition/similar", "dbj-dispatcher", "")
	ms, _ := s.body["matters"].([]any)
	if s.status != 200 || len(ms) != 1 || ms[0].(map[string]any)["id"] != id || !strings.Contains(s.raw, "同一信访人") {
		t.Fatalf("similar: %d %s", s.status, s.raw)
	}
	if m := e.do("POST", "/api/v1/cases/"+second+"/actions", "dbj-dispatcher",
		fmt.Sprintf(`{"action":"merge","to_case":%q,"merge_as":"repeat","reason":"重复信访"}`, id)); m.status != 200 ||
		str(m.body, "petition", "merged_as") != "repeat" {
		t.Fatalf("merge: %d %s", m.status, m.raw)
	}

	// The rules for petitions.
	if g := e.do("GET", "/api/v1/settings/petitions", "sz-dispatcher", ""); g.status != 200 || g.body["backlog_days"] != 90.0 {
		t.Fatalf("settings: %d %s", g.status, g.raw)
	}
	if p := e.do("PUT", "/api/v1/settings/petitions", "sz-dispatcher", `{"backlog_days":30}`); p.status != 403 {
		t.Fatalf("settings by a dispatcher: %d %s", p.status, p.raw)
	}
	if p := e.do("PUT", "/api/v1/settings/petitions", "admin", `{"backlog_days":30,"backlog_repeats":1}`); p.status != 400 ||
		p.errFields()["backlog_repeats"] == nil {
		t.Fatalf("bad settings: %d %s", p.status, p.raw)
	}
	if p := e.do("PUT", "/api/v1/settings/petitions", "admin", `{"backlog_days":30}`); p.status != 200 || p.body["backlog_repeats"] != 3.0 {
		t.Fatalf("settings: %d %s", p.status, p.raw)
	}

	// The petitioner's key is in no answer.
	for _, p := range []string{"/api/v1/cases/" + id, "/api/v1/cases/" + id + "/petition", "/api/v1/cases/" + second + "/petition/similar",
		"/api/v1/cases?kind=petition", "/api/v1/cases/" + id + "/timeline?" + url.Values{}.Encode()} {
		if g := e.do("GET", p, "sz-dispatcher", ""); g.status != http.StatusOK || strings.Contains(g.raw, "petitioner_key") {
			t.Fatalf("%s: %d %s", p, g.status, g.raw)
		}
	}
}
