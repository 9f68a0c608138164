package api_test

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/pingan-gov/pingan/store/storetest"
)

// A hazard through the API: a major one listed at its report; rectify_order
// with a deadline in the past refused naming rectify.deadline; done with
// an after-photo as base64; the recheck refused to the one who did it,
// naming recheck; a failed recheck with a new deadline, then a passed one
// closing the case; the rates in the statistics.
func TestHazardThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	id := e.report("dbj-dispatcher", `{"kind":"hazard","category":"AQ02","title":"燃气管道泄漏","unit":"620902001001","hazard":{"level":"major"}}`)
	a := e.do("GET", "/api/v1/cases/"+id, "dbj-dispatcher", "")
	hz, _ := a.body["hazard"].(map[string]any)
	if hz == nil || hz["level"] != "major" || hz["listed"] != true || a.body["supervised"] != true {
		t.Fatalf("a major hazard: %s", a.raw)
	}
	act := func(user, body string) answer {
		t.Helper()
		return e.do("POST", "/api/v1/cases/"+id+"/actions", user, body)
	}
	for _, in := range []struct{ user, body string }{
		{"dbj-dispatcher", `{"action":"accept"}`},
		{"dbj-dispatcher", `{"action":"dispatch","to_unit":"620902001000"}`},
		{"dbj-handler", `{"action":"sign"}`},
	} {
		if a := act(in.user, in.body); a.status != http.StatusOK {
			t.Fatalf("%s: %d %s", in.body, a.status, a.raw)
		}
	}
	now := e.clock.Now()
	order := func(at time.Time) string {
		return fmt.Sprintf(`{"action":"rectify_order","rectify":{"deadline":%q,"party":{"kind":"enterprise","name":"某燃气公司"},"measures":"更换管道阀门"}}`,
			at.Format(time.RFC3339))
	}
	if a := act("dbj-handler", order(now.Add(-time.Hour))); a.status != 400 || a.errFields()["rectify.deadline"] == nil {
		t.Fatalf("a past deadline: %d %s", a.status, a.raw)
	}
	if a := act("dbj-handler", order(now.AddDate(0, 0, 3))); a.status != 200 {
		t.Fatalf("order: %d %s", a.status, a.raw)
	}
	if a := act("dbj-handler", `{"action":"rectify_done"}`); a.status != 400 || a.errFields()["photos"] == nil {
		t.Fatalf("done without a photo: %d %s", a.status, a.raw)
	}
	photo := base64.StdEncoding.EncodeToString(storetest.PNG("整改后"))
	if a := act("dbj-handler", `{"action":"rectify_done","note":"已更换","photos":[{"name":"after.png","data":"`+photo+`"}]}`); a.status != 200 {
		t.Fatalf("done: %d %s", a.status, a.raw)
	}
	if a := act("dbj-handler", `{"action":"recheck","recheck":{"passed":true}}`); a.status != 409 || a.errFields()["recheck"] == nil {
		t.Fatalf("a recheck by the one who did it: %d %s", a.status, a.raw)
	}
	again := now.AddDate(0, 0, 5).Format(time.RFC3339)
	if a := act("dbj-dispatcher", `{"action":"recheck","recheck":{"passed":false},"rectify":{"deadline":"`+again+`"}}`); a.status != 200 {
		t.Fatalf("failed recheck: %d %s", a.status, a.raw)
	}
	if a := act("dbj-handler", `{"action":"rectify_done","photos":[{"name":"after2.png","data":"`+photo+`"}]}`); a.status != 200 {
		t.Fatalf("done again: %d %s", a.status, a.raw)
	}
	a = act("dbj-dispatcher", `{"action":"recheck","recheck":{"passed":true}}`)
	if a.status != 200 || str(a.body, "status") != "closed" || str(a.body, "hazard", "stage") != "passed" {
		t.Fatalf("passed recheck: %d %s", a.status, a.raw)
	}
	day := now.In(time.FixedZone("CST", 8*3600))
	from := time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, day.Location())
	s := e.do("GET", fmt.Sprintf("/api/v1/stats?kind=hazard&from=%s&to=%s", from.Format("2006-01-02"), from.AddDate(0, 1, 0).Format("2006-01-02")), "dbj-dispatcher", "")
	rates, _ := s.body["rates"].(map[string]any)
	if s.status != 200 || rates["hazard_rectify"] != 1.0 || rates["hazard_recheck_pass"] != 0.0 {
		t.Fatalf("stats: %d %s", s.status, s.raw)
	}
}
