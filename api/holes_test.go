package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// Holes found by attacking the landed server, through the JSON API.

// GET /cases/{id} shows personal data whole only to the roles whose work
// on the case needs it (pingan.SeesPersonal); the others read it masked,
// like the pages show it, and the audit row of each read says which.
func TestCasePersonalDataByRole(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	created := e.do("POST", "/api/v1/cases", "fk-grid", `{"kind":"dispute","category":"0102","title":"楼上漏水",
		"reporter":{"role":"reporter","name":"张三丰","phone":"13812345678","id_number":"620902199001011234"},
		"parties":[{"role":"respondent","name":"李四","phone":"13987654321"}]}`)
	if created.status != http.StatusCreated {
		t.Fatalf("report: %d %s", created.status, created.raw)
	}
	id := str(created.body, "id")
	for _, in := range []pingan.ActionInput{{Action: pingan.ActAccept}, {Action: pingan.ActDispatch, ToUnit: "620902-zjj"}} {
		if _, err := e.db.Cases.Act(ctx, e.fx.CountyDispatcher, id, in); err != nil {
			t.Fatal(err)
		}
	}
	neighbour := &pingan.User{Username: "fk-grid-2", Name: "富康社区网格员二", UnitCode: "620902001001", Roles: []pingan.Role{pingan.RoleGridWorker}}
	if err := e.db.Users.CreateUser(ctx, neighbour, storetest.Password); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		user  string
		whole bool
	}{
		{"sz-dispatcher", true},
		{"dbj-dispatcher", true},
		{"sz-leader", true},
		{"dbj-mediator", true},
		{"sz-housing", true}, // the handler of the unit the case is dispatched to
		{"fk-grid", true},    // the reporter
		{"sz-viewer", false},
		{"assessor", false},
		{"admin", false},
		{"dbj-handler", false},
		{"fk-grid-2", false},
	} {
		a := e.do("GET", "/api/v1/cases/"+id, tc.user, "")
		if a.status != http.StatusOK {
			t.Fatalf("%s: %d %s", tc.user, a.status, a.raw)
		}
		name, phone, idn := str(a.body, "reporter", "name"), str(a.body, "reporter", "phone"), str(a.body, "reporter", "id_number")
		parties, _ := a.body["parties"].([]any)
		var party string
		if len(parties) == 1 {
			party, _ = parties[0].(map[string]any)["phone"].(string)
		}
		want := []string{"张三丰", "13812345678", "620902199001011234", "13987654321"}
		if !tc.whole {
			want = []string{"张**", "138****5678", "620902**********34", "139****4321"}
		}
		if got := []string{name, phone, idn, party}; strings.Join(got, "|") != strings.Join(want, "|") || a.body["personal_masked"] != !tc.whole {
			t.Errorf("%s reads %v (personal_masked %v), want %v", tc.user, got, a.body["personal_masked"], want)
		}
		audit, err := e.db.Audit.Audit(ctx, id)
		if err != nil || len(audit) == 0 {
			t.Fatalf("audit: %v %v", audit, err)
		}
		if last := audit[len(audit)-1]; last.Action != "read_personal" || last.User == "" || last.Masked == tc.whole {
			t.Errorf("%s: audit row %+v, want masked %v", tc.user, last, !tc.whole)
		}
	}
	if a := e.do("GET", "/api/v1/cases/"+id, "jt-dispatcher", ""); a.status != http.StatusNotFound {
		t.Errorf("another county: %d", a.status)
	}
}

// An attachment names a file by its SHA-256; naming another county's photo
// neither attaches it nor tells that it exists.
func TestAttachmentOfAnotherCounty(t *testing.T) {
	e := newEnv(t)
	theirs := e.do("POST", "/api/v1/cases", "jt-grid", `{"kind":"dispute","category":"0102","title":"宅基地纠纷"}`)
	theirRef := storetest.AttachPhoto(t, e.db.Cases, e.fx.OtherGridWorker, str(theirs.body, "id"), storetest.PNG("金塔村宅基地现场"))

	mine := e.do("POST", "/api/v1/cases", "fk-grid", `{"kind":"dispute","category":"0102","title":"邻里噪音"}`)
	path := "/api/v1/cases/" + str(mine.body, "id") + "/actions"
	stolen := e.do("POST", path, "fk-grid", `{"action":"comment","note":"照片","attachments":["`+theirRef+`"]}`)
	madeUp := e.do("POST", path, "fk-grid", `{"action":"comment","note":"照片","attachments":["sha256:`+strings.Repeat("0f", 32)+`"]}`)
	for _, a := range []answer{stolen, madeUp} {
		if a.status != http.StatusBadRequest || a.errCode() != "invalid" || a.errFields()["attachments"] == nil {
			t.Errorf("attach a sum not one's own: %d %s", a.status, a.raw)
		}
	}
	if stolen.raw != madeUp.raw {
		t.Errorf("another county's photo answers\n%s\na made-up sum\n%s", stolen.raw, madeUp.raw)
	}
	if n := e.timelineLen(str(mine.body, "id")); n != 1 {
		t.Errorf("%d timeline entries after refused attachments", n)
	}
	// The same through the report itself: a report carries no attachments.
	if a := e.do("POST", "/api/v1/cases", "fk-grid", `{"kind":"dispute","category":"0102","title":"噪音","attachments":["`+theirRef+`"]}`); a.status != http.StatusBadRequest || a.errFields()["attachments"] == nil {
		t.Errorf("report with attachments: %d %s", a.status, a.raw)
	}
	// A photo one brought (through the pages, with another case) attaches.
	other := e.do("POST", "/api/v1/cases", "fk-grid", `{"kind":"dispute","category":"0102","title":"楼道堆物"}`)
	own := storetest.AttachPhoto(t, e.db.Cases, e.fx.GridWorker, str(other.body, "id"), storetest.PNG("富康社区现场"))
	if a := e.do("POST", path, "fk-grid", `{"action":"comment","note":"现场照片","attachments":["`+own+`"]}`); a.status != http.StatusOK {
		t.Errorf("own photo: %d %s", a.status, a.raw)
	}
}
