package api_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// TestRolesReportAndComment files a case and comments on one as a user of
// each role, through the API and, for the report, through the service
// itself: the roles that report (pingan.CapReport) get 201, the others 403
// from the route and EFORBIDDEN from the store alike; a comment (备注) is
// taken from every role that writes and refused with 403 to the viewer
// and the assessor, who only read (the workflow's table). Every role reads
// the case.
func TestRolesReportAndComment(t *testing.T) {
	e := newEnv(t)
	id := e.report(e.fx.GridWorker.Username, neighbourDispute)
	tests := []struct {
		u               *pingan.User
		report, comment bool
	}{
		{e.fx.Admin, true, true},
		{e.fx.CountyDispatcher, true, true},
		{e.fx.TownshipHandler, true, true},
		{e.fx.GridWorker, true, true},
		{e.fx.Mediator, true, true},
		{e.fx.CountyLeader, false, true},
		{e.fx.Assessor, false, false},
		{e.fx.Viewer, false, false},
		{e.fx.SecAdmin, false, false},
		{e.fx.Auditor, false, false},
	}
	covered := map[pingan.Role]bool{}
	for _, tt := range tests {
		covered[tt.u.Roles[0]] = true
		t.Run(string(tt.u.Roles[0]), func(t *testing.T) {
			name := tt.u.Username
			body := `{"kind":"dispute","category":"0102","title":"楼道堆物","description":"三楼住户在楼道堆放杂物"}`
			a := e.do("POST", "/api/v1/cases", name, body)
			switch {
			case tt.report && a.status != http.StatusCreated:
				t.Errorf("POST /cases: %d %s", a.status, a.raw)
			case !tt.report && (a.status != http.StatusForbidden || a.errCode() != pingan.EFORBIDDEN ||
				str(a.body, "error", "message_key") != "capability.report.forbidden"):
				t.Errorf("POST /cases: %d %s, want 403 capability.report.forbidden", a.status, a.raw)
			}
			_, err := e.db.Cases.CreateCase(context.Background(), tt.u, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102",
				Title: "楼道堆物", Description: "三楼住户在楼道堆放杂物"})
			if got := pingan.ErrorCode(err); tt.report && err != nil || !tt.report && got != pingan.EFORBIDDEN {
				t.Errorf("CreateCase: %v, want report %v", err, tt.report)
			}

			refusal := "action.forbidden"
			if !tt.u.May(pingan.CapReadCases) {
				refusal = "capability.read_cases.forbidden"
			}
			a = e.do("POST", "/api/v1/cases/"+id+"/actions", name, `{"action":"comment","note":"请尽快处理"}`)
			switch {
			case tt.comment && a.status != http.StatusOK:
				t.Errorf("comment: %d %s", a.status, a.raw)
			case !tt.comment && (a.status != http.StatusForbidden || str(a.body, "error", "message_key") != refusal):
				t.Errorf("comment: %d %s, want 403 %s", a.status, a.raw, refusal)
			}
			// The security and the audit administrators read no case.
			if !tt.u.May(pingan.CapReadCases) {
				if a := e.do("GET", "/api/v1/cases/"+id, name, ""); a.status != http.StatusForbidden {
					t.Errorf("GET /cases/{id}: %d, want 403", a.status)
				}
				return
			}
			a = e.do("GET", "/api/v1/cases/"+id, name, "")
			if a.status != http.StatusOK {
				t.Fatalf("GET /cases/{id}: %d %s", a.status, a.raw)
			}
			allowed, _ := a.body["allowed_actions"].([]any)
			offered := false
			for _, x := range allowed {
				offered = offered || x == string(pingan.ActComment)
			}
			if offered != tt.comment {
				t.Errorf("allowed_actions %v offers comment: %v, want %v", allowed, offered, tt.comment)
			}
		})
	}
	for _, r := range pingan.Roles {
		if !covered[r] {
			t.Errorf("role %s is not tried", r)
		}
	}
}

// TestRolesHolidaysAdminOnly: entering a year's holiday arrangement
// through the API is refused by the table to every role but the
// administrator's, before the body is read.
func TestRolesHolidaysAdminOnly(t *testing.T) {
	e := newEnv(t)
	for _, u := range []*pingan.User{e.fx.CountyDispatcher, e.fx.CityLeader, e.fx.Assessor, e.fx.Viewer, e.fx.GridWorker} {
		a := e.do("POST", "/api/v1/calendar/years", u.Username, `{}`)
		if a.status != http.StatusForbidden || str(a.body, "error", "message_key") != "capability.admin.forbidden" {
			t.Errorf("%s: POST /calendar/years: %d %s", u.Username, a.status, a.raw)
		}
	}
	if a := e.do("POST", "/api/v1/calendar/years", e.fx.Admin.Username, `{}`); a.status == http.StatusForbidden {
		t.Errorf("admin: POST /calendar/years: %d %s", a.status, a.raw)
	}
}

// TestRolesGridWorkerReadsTheirGrid: a grid worker reads whole the
// personal data of an open case placed in a grid they work in, which
// someone else reported (they visit the people on the spot); masked that
// of a case in the next grid, and masked again once the case is no longer
// open (pingan.SeesPersonal, applied by the store).
func TestRolesGridWorkerReadsTheirGrid(t *testing.T) {
	e := newEnv(t)
	storetest.SeedGrids(t, e.db, e.fx)
	ctx := context.Background()
	file := func(lng float64) *pingan.Case {
		c, err := e.db.Cases.CreateCase(ctx, e.fx.CountyDispatcher, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102",
			Title: "楼道堆物", Description: "三楼住户在楼道堆放杂物", Source: pingan.SourceHotline,
			Location: &pingan.Location{Lat: 39.755, Lng: lng}, Reporter: &pingan.Person{Name: "欧阳青山", Phone: "13911110001"}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	mine, next := file(98.505), file(98.515)
	if mine.Grid != "620902001001-01" || next.Grid != "620902001001-02" {
		t.Fatalf("placed in %q and %q", mine.Grid, next.Grid)
	}
	reads := func(id string) string {
		t.Helper()
		a := e.do("GET", "/api/v1/cases/"+id, e.fx.GridWorker.Username, "")
		if a.status != http.StatusOK {
			t.Fatalf("GET /cases/%s: %d %s", id, a.status, a.raw)
		}
		return str(a.body, "reporter", "phone")
	}
	if got := reads(mine.ID); got != "13911110001" {
		t.Errorf("the case in their grid: phone %q, want it whole", got)
	}
	if got := reads(next.ID); got != "139****0001" {
		t.Errorf("the case in the next grid: phone %q, want it masked", got)
	}
	if _, err := e.db.Cases.Act(ctx, e.fx.CountyDispatcher, mine.ID, pingan.ActionInput{Action: pingan.ActReject, Reason: "重复上报"}); err != nil {
		t.Fatal(err)
	}
	if got := reads(mine.ID); got != "139****0001" {
		t.Errorf("the rejected case in their grid: phone %q, want it masked", got)
	}
	// The store's audit says the same.
	audit, err := e.db.Audit.Audit(ctx, mine.ID)
	if err != nil {
		t.Fatal(err)
	}
	var masked []bool
	for _, row := range audit {
		if row.Action == "read_personal" && row.UserID == e.fx.GridWorker.ID {
			masked = append(masked, row.Masked)
		}
	}
	if len(masked) != 2 || masked[0] || !masked[1] {
		t.Errorf("the grid worker's reads audited as masked %v, want [false true]", masked)
	}
}
