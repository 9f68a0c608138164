package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// TestExtendPastCalendar: an extension (延期) that would run past the last
// year the calendar covers answers 400 naming days, not 500.
func TestExtendPastCalendar(t *testing.T) {
	e := newEnv(t)
	e.clock.Set(time.Date(2999, 6, 3, 9, 0, 0, 0, pingan.CST))
	id := e.report("fk-grid", `{"kind":"dispute","category":"0102","title":"漏水"}`)
	for _, step := range []struct{ user, body string }{
		{"dbj-dispatcher", `{"action":"accept"}`},
		{"dbj-dispatcher", `{"action":"dispatch","to_unit":"620902001000"}`},
		{"dbj-handler", `{"action":"sign"}`},
	} {
		if a := e.do("POST", "/api/v1/cases/"+id+"/actions", step.user, step.body); a.status != http.StatusOK {
			t.Fatalf("%s: %d %s", step.body, a.status, a.raw)
		}
	}
	a := e.do("POST", "/api/v1/cases/"+id+"/actions", "dbj-dispatcher", `{"action":"extend","days":365,"reason":"需等待鉴定"}`)
	days, _ := a.errFields()["days"].(string)
	if a.status != http.StatusBadRequest || a.errCode() != "invalid" || !strings.Contains(days, "3000") {
		t.Errorf("extend past 2999: %d %s", a.status, a.raw)
	}
}
