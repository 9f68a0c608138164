package api_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// notice2027 is a made-up notice for 2027 in the State Council's format
// (the real one is not published as this test is written).
const notice2027 = `国务院办公厅关于2027年部分节假日安排的通知
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至11日（农历正月初六、周四）放假调休，共7天。2月13日（周六）上班。`

func TestCalendarYears(t *testing.T) {
	e := newEnv(t)
	e.clock.Set(time.Date(2027, 1, 25, 10, 0, 0, 0, pingan.CST))
	c := e.do("POST", "/api/v1/cases", "fk-grid", `{"kind":"dispute","category":"0102","title":"漏水"}`)
	if c.status != 201 || c.body["resolve_by_provisional"] != true {
		t.Fatalf("report: %d %s", c.status, c.raw)
	}
	id := str(c.body, "id")

	if a := e.do("GET", "/api/v1/calendar/years/2027", "fk-grid", ""); a.status != 200 || str(a.body, "status") != "provisional" {
		t.Errorf("2027 before: %d %s", a.status, a.raw)
	}
	if a := e.do("GET", "/api/v1/calendar/years/1999", "fk-grid", ""); a.status != 400 || a.errFields()["year"] == nil {
		t.Errorf("1999: %d %s", a.status, a.raw)
	}
	body := func(text string) string {
		b, _ := json.Marshal(map[string]any{"notice": text})
		return string(b)
	}
	// Only an administrator of the whole tree.
	if a := e.do("POST", "/api/v1/calendar/years", "sz-dispatcher", body(notice2027)); a.status != 403 {
		t.Errorf("a dispatcher entered a year: %d %s", a.status, a.raw)
	}
	// A line that cannot be read is named, and nothing is entered.
	bad := notice2027 + "\n三、清明节：四月初放假。"
	if a := e.do("POST", "/api/v1/calendar/years", "admin", body(bad)); a.status != 400 || a.errFields()["line.4"] == nil {
		t.Errorf("bad line: %d %s", a.status, a.raw)
	}
	a := e.do("POST", "/api/v1/calendar/years?preview=true", "admin", body(notice2027))
	if a.status != 200 || a.body["moved"] != 1.0 || a.body["applied"] != false {
		t.Fatalf("preview: %d %s", a.status, a.raw)
	}
	a = e.do("POST", "/api/v1/calendar/years", "admin", body(notice2027))
	if a.status != 201 || a.body["moved"] != 1.0 || a.body["applied"] != true {
		t.Fatalf("enter: %d %s", a.status, a.raw)
	}
	got := e.do("GET", "/api/v1/cases/"+id, "fk-grid", "")
	if !strings.HasPrefix(str(got.body, "resolve_by"), "2027-02-13T23:59:59") || got.body["resolve_by_provisional"] != false {
		t.Errorf("after entering: %s", got.raw)
	}
	if a := e.do("GET", "/api/v1/calendar/years/2027", "fk-grid", ""); str(a.body, "status") != "entered" || str(a.body, "workdays", "2027-02-13") != "春节" {
		t.Errorf("2027 after: %s", a.raw)
	}
	if a := e.do("GET", "/api/v1/calendar/due?from=2027-02-04&days=1&unit=working", "fk-grid", ""); !strings.HasPrefix(str(a.body, "due"), "2027-02-12") || a.body["due_provisional"] != false {
		t.Errorf("due on the entered year: %s", a.raw)
	}
}
