package api_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// A court's referral through the API, mediated to an agreement through the
// actions' new fields; its record read whole and masked; the rules for
// disputes read and set.

// courtReferral is a dispute a court refers for mediation (诉前调解).
const courtReferral = `{"kind":"dispute","category":"0102","title":"房屋租赁押金纠纷","source":"court","unit":"620902001001",
	"parties":[{"role":"applicant","name":"张建国","phone":"13812345678"},
		{"role":"respondent","type":"organisation","name":"某房产中介有限公司","address":"肃州区富康路 8 号"}],
	"dispute":{"amount_fen":500000,"people":2}}`

// day answers the JSON of t's day.
func jsonDay(t time.Time) string { return pingan.DayOf(t).Format(time.RFC3339) }

func TestMediationThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	id := e.report("dbj-dispatcher", courtReferral)
	a := e.do("GET", "/api/v1/cases/"+id, "dbj-dispatcher", "")
	if str(a.body, "source") != "court" || a.body["mediation"] == nil || a.body["mediation"].(map[string]any)["amount_fen"] != 500000.0 {
		t.Fatalf("the court's referral: %s", a.raw)
	}
	for _, in := range []struct{ user, body string }{
		{"dbj-dispatcher", `{"action":"accept"}`},
		{"dbj-dispatcher", `{"action":"dispatch","to_unit":"620902001000"}`},
		{"dbj-handler", `{"action":"sign"}`},
	} {
		if a := e.do("POST", "/api/v1/cases/"+id+"/actions", in.user, in.body); a.status != http.StatusOK {
			t.Fatalf("%s: %d %s", in.body, a.status, a.raw)
		}
	}
	now := e.clock.Now()
	held := now.Add(-2 * time.Hour).Format(time.RFC3339)
	session := fmt.Sprintf(`{"held_at":%q,"place":"诉前调解室","mediators":["王调解"],"attendees":"张建国、中介公司代理人",
		"rights_notified":true,"record":"双方就押金退还数额陈述意见","result":"continue"}`, held)
	act := func(user, body string) answer {
		t.Helper()
		return e.do("POST", "/api/v1/cases/"+id+"/actions", user, body)
	}
	future := fmt.Sprintf(`{"action":"mediate","session":{"held_at":%q,"place":"诉前调解室","mediators":["王调解"],"record":"记录","result":"continue"}}`,
		now.Add(time.Hour).Format(time.RFC3339))
	if a := act("dbj-mediator", future); a.status != 400 || a.errFields()["session.held_at"] == nil {
		t.Fatalf("a session in the future: %d %s", a.status, a.raw)
	}
	if a := act("dbj-mediator", `{"action":"mediate","session":`+session+`}`); a.status != 200 {
		t.Fatalf("mediate: %d %s", a.status, a.raw)
	}
	noDate := fmt.Sprintf(`{"action":"agree","agreement":{"written":true,"facts":"押金未退","signed_on":%q,
		"terms":[{"text":"退还押金","by":"被申请人"}]}}`, jsonDay(now))
	if a := act("dbj-mediator", noDate); a.status != 400 || a.errFields()["agreement.terms.1.due"] == nil {
		t.Fatalf("a term without a date: %d %s", a.status, a.raw)
	}
	agree := fmt.Sprintf(`{"action":"agree","agreement":{"written":true,"facts":"中介公司未按约退还押金 5000 元","signed_on":%q,
		"mediators":["王调解"],"terms":[{"text":"退还押金 3000 元","by":"被申请人","how":"银行转账","due":%q},
		{"text":"书面致歉","by":"被申请人","due":%q}]}}`, jsonDay(now), jsonDay(now.AddDate(0, 0, 3)), jsonDay(now.AddDate(0, 0, 10)))
	a = act("dbj-mediator", agree)
	if a.status != 200 || str(a.body, "status") != "resolved" || a.body["mediation"].(map[string]any)["terms"] != 2.0 {
		t.Fatalf("agree: %d %s", a.status, a.raw)
	}
	if a := act("dbj-mediator", `{"action":"confirm","confirmation":"applied"}`); a.status != 200 {
		t.Fatalf("confirm: %d %s", a.status, a.raw)
	}
	if a := act("dbj-mediator", fmt.Sprintf(`{"action":"perform","term":1,"performed_on":%q,"note":"已转账"}`, jsonDay(now))); a.status != 200 ||
		a.body["mediation"].(map[string]any)["terms_performed"] != 1.0 {
		t.Fatalf("perform: %d %s", a.status, a.raw)
	}
	if a := act("dbj-dispatcher", `{"action":"close"}`); a.status != 200 {
		t.Fatalf("close: %d %s", a.status, a.raw)
	}
	// A second agreement on the closed case: 409, nothing written.
	entries := e.timelineLen(id)
	if a := act("dbj-mediator", agree); a.status != http.StatusConflict {
		t.Fatalf("a second agreement: %d %s", a.status, a.raw)
	}
	if n := e.timelineLen(id); n != entries {
		t.Errorf("the refused agreement wrote %d entries", n-entries)
	}

	// The record: whole for the mediator, masked for the county's viewer,
	// not found outside the jurisdiction.
	a = e.do("GET", "/api/v1/cases/"+id+"/mediation", "dbj-mediator", "")
	sessions, _ := a.body["sessions"].([]any)
	agreement, _ := a.body["agreement"].(map[string]any)
	if a.status != 200 || len(sessions) != 1 || agreement == nil || a.body["masked"] != false ||
		str(sessions[0].(map[string]any), "record") != "双方就押金退还数额陈述意见" || str(agreement, "facts") == "" {
		t.Fatalf("the mediator's record: %d %s", a.status, a.raw)
	}
	terms, _ := agreement["terms"].([]any)
	if len(terms) != 2 || str(terms[0].(map[string]any), "performed_on") == "" || str(terms[0].(map[string]any), "note") != "已转账" ||
		str(terms[1].(map[string]any), "performed_on") != "" {
		t.Errorf("terms %v", terms)
	}
	a = e.do("GET", "/api/v1/cases/"+id+"/mediation", "sz-viewer", "")
	sessions, _ = a.body["sessions"].([]any)
	agreement, _ = a.body["agreement"].(map[string]any)
	if a.status != 200 || a.body["masked"] != true || len(sessions) != 1 || str(sessions[0].(map[string]any), "record") != "" ||
		str(sessions[0].(map[string]any), "attendees") != "" || str(agreement, "facts") != "" {
		t.Errorf("the viewer's record: %d %s", a.status, a.raw)
	}
	if a := e.do("GET", "/api/v1/cases/"+id+"/mediation", "jt-dispatcher", ""); a.status != 404 {
		t.Errorf("outside the jurisdiction: %d %s", a.status, a.raw)
	}
}

func TestDisputeReportRefusals(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name, body string
		field      string
	}{
		{"a party without a name", `{"kind":"dispute","category":"0102","title":"吵架","parties":[{"role":"applicant","name":"张三"},{"role":"respondent","phone":"13900000000"}]}`, "parties.2.name"},
		{"an unknown role", `{"kind":"dispute","category":"0102","title":"吵架","parties":[{"role":"judge","name":"张三"}]}`, "parties.1.role"},
		{"facts of a service request", `{"kind":"service","category":"FW01","title":"路灯","dispute":{"people":3}}`, "dispute"},
		{"a court refers a service request", `{"kind":"service","category":"FW01","title":"路灯","source":"court"}`, "source"},
		{"an unknown source", `{"kind":"dispute","category":"0102","title":"吵架","source":"tribunal"}`, "source"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := e.do("POST", "/api/v1/cases", "dbj-dispatcher", tc.body)
			if a.status != 400 || a.errFields()[tc.field] == nil {
				t.Fatalf("got %d %s", a.status, a.raw)
			}
		})
	}
	if a := e.do("GET", "/api/v1/cases", "admin", ""); len(a.body["cases"].([]any)) != 0 {
		t.Errorf("refused reports were stored: %s", a.raw)
	}
	// A non-dispute has no mediation to read.
	id := e.report("dbj-dispatcher", `{"kind":"service","category":"FW01","title":"路灯损坏","unit":"620902001001"}`)
	if a := e.do("GET", "/api/v1/cases/"+id+"/mediation", "dbj-dispatcher", ""); a.status != 404 {
		t.Errorf("the mediation of a service request: %d %s", a.status, a.raw)
	}
}

func TestDisputeSettingsThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	a := e.do("GET", "/api/v1/settings/disputes", "dbj-mediator", "")
	if a.status != 200 || a.body["group_size"] != float64(pingan.DefaultGroupSize) || a.body["revisit_days"] != float64(pingan.DefaultRevisitDays) {
		t.Fatalf("defaults: %d %s", a.status, a.raw)
	}
	if a := e.do("PUT", "/api/v1/settings/disputes", "sz-dispatcher", `{"group_size":8}`); a.status != 403 {
		t.Errorf("a dispatcher sets the rules: %d %s", a.status, a.raw)
	}
	if a := e.do("PUT", "/api/v1/settings/disputes", "admin", `{"group_size":1,"revisit_days":20}`); a.status != 400 || a.errFields()["group_size"] == nil {
		t.Errorf("a group of one: %d %s", a.status, a.raw)
	}
	if a := e.do("PUT", "/api/v1/settings/disputes", "admin", `{"group_size":8,"revisit_days":20}`); a.status != 200 || a.body["group_size"] != 8.0 {
		t.Fatalf("set: %d %s", a.status, a.raw)
	}
	if a := e.do("GET", "/api/v1/settings/disputes", "fk-grid", ""); a.body["group_size"] != 8.0 || a.body["revisit_days"] != 20.0 {
		t.Errorf("read back: %s", a.raw)
	}
	// Eight people make a group now, seven do not.
	for people, group := range map[int]bool{7: false, 8: true} {
		id := e.report("dbj-dispatcher", fmt.Sprintf(`{"kind":"dispute","category":"0102","title":"群体纠纷","unit":"620902001001","dispute":{"people":%d}}`, people))
		a := e.do("GET", "/api/v1/cases/"+id, "dbj-dispatcher", "")
		if m, _ := a.body["mediation"].(map[string]any); m == nil || m["group"] != group {
			t.Errorf("%d people: %s", people, a.raw)
		}
	}
}
