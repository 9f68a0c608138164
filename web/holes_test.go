package web

import (
	"bytes"
	"context"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// Holes found by attacking the landed server, through the pages.

func (e *env) addUser(username, unit string, roles ...pingan.Role) *pingan.User {
	e.t.Helper()
	u := &pingan.User{Username: username, Name: username, UnitCode: unit, Roles: roles}
	if err := e.db.Users.CreateUser(context.Background(), u, storetest.Password); err != nil {
		e.t.Fatal(err)
	}
	return u
}

// The case page shows personal data whole or masked by the one rule the
// store applies (pingan.SeesPersonal), and each read is audited with it.
func TestCasePagePersonalByRole(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cs := e.newCase(e.fx.GridWorker, "0102", "楼上漏水")
	e.act(e.fx.CountyDispatcher, cs.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(e.fx.CountyDispatcher, cs.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: "620902-zjj"})
	neighbour := e.addUser("fk-grid-2", "620902001001", pingan.RoleGridWorker)
	for _, tc := range []struct {
		u     *pingan.User
		whole bool
	}{
		{e.fx.CountyDispatcher, true},
		{e.fx.CountyLeader, true},
		{e.fx.Mediator, true},
		{e.fx.CountyHandler, true}, // the case is dispatched to 住建局
		{e.fx.GridWorker, true},    // the reporter
		{e.fx.Viewer, false},
		{e.fx.Assessor, false},
		{e.fx.Admin, false},
		{e.fx.TownshipHandler, false},
		{neighbour, false},
	} {
		body := e.login(tc.u).get("/cases/" + cs.ID).body
		if tc.whole {
			mustContain(t, body, "张三丰", "13812345678", "已记入审计日志")
		} else {
			mustContain(t, body, "张**", "138****5678", "个人信息已脱敏显示")
			mustNotContain(t, body, "张三丰", "13812345678")
		}
		audit, err := e.db.Audit.Audit(context.Background(), cs.ID)
		if err != nil || len(audit) == 0 {
			t.Fatalf("audit: %v %v", audit, err)
		}
		if last := audit[len(audit)-1]; last.Action != "read_personal" || last.UserID != tc.u.ID || last.Masked == tc.whole {
			t.Errorf("%s: audit row %+v, want masked %v", tc.u.Username, last, !tc.whole)
		}
	}
}

// The categories and their deadlines hold for every county: the
// administrator of one county may not change them.
func TestCategoriesPageTopAdminOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	countyAdmin := e.addUser("jt-admin", "620921", pingan.RoleAdmin)
	change := func() url.Values {
		return url.Values{"row": {"0102"}, "code": {"0102"}, "kind": {"dispute"}, "name": {"邻里纠纷"}, "parent": {"01"},
			"sign_n": {"1"}, "sign_unit": {"hours"}, "resolve_n": {"1"}, "resolve_unit": {"calendar"}}
	}
	policy := func() pingan.Policy {
		cats, err := e.db.Categories.Categories(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cats {
			if c.Code == "0102" {
				return c.Policy
			}
		}
		t.Fatal("no 0102")
		return pingan.Policy{}
	}
	old := policy()
	if res := e.login(countyAdmin).post("/admin/categories", change()); res.status != http.StatusForbidden {
		t.Errorf("county administrator saves 0102: %d", res.status)
	}
	if got := policy(); got != old {
		t.Fatalf("a county administrator changed the policy of 0102 to %+v", got)
	}
	if res := e.login(e.fx.Admin).post("/admin/categories", change()); res.status != http.StatusSeeOther {
		t.Fatalf("top administrator saves 0102: %d %s", res.status, res.body)
	}
	if got := policy(); got.Sign != (pingan.Period{N: 1, Unit: "hours"}) {
		t.Errorf("policy after the top administrator's change: %+v", got)
	}
}

// A photo sent with a report is kept sealed: neither the data directory
// nor the database holds its bytes in clear, and the case page serves it.
func TestPhotosSealedAtRest(t *testing.T) {
	t.Parallel()
	clock := storetest.NewClock(storetest.Epoch)
	dsn := filepath.Join(t.TempDir(), "pingan.db")
	e := newEnvOn(t, storetest.OpenWith(t, store.Options{DSN: dsn, Clock: clock}), clock)
	c := e.login(e.fx.GridWorker)
	form := url.Values{"category": {"AQ01"}, "title": {"消防通道堵塞"}, "unit": {"620902001001"}}
	res := c.postMultipart("/report", form, []upload{{"photos", "scene.png", pngBytes}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("report: %d %s", res.status, res.body)
	}
	page := c.get(res.location).body
	src := regexp.MustCompile(`/cases/[^"/]+/files/[0-9a-f]{64}`).FindString(page)
	if src == "" {
		t.Fatal("no photo on the case page")
	}
	if got := c.get(src); got.status != http.StatusOK || got.body != string(pngBytes) || got.header.Get("Content-Type") != "image/png" {
		t.Errorf("photo served: %d %s", got.status, got.header.Get("Content-Type"))
	}
	filepath.WalkDir(e.dataDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, _ := os.ReadFile(p); bytes.Contains(b, pngBytes) {
				t.Errorf("%s holds the photo in clear", p)
			}
		}
		return nil
	})
	// Nor does the database (its file and log).
	files, _ := filepath.Glob(dsn + "*")
	if len(files) == 0 {
		t.Fatal("no database file")
	}
	for _, p := range files {
		if b, err := os.ReadFile(p); err != nil || bytes.Contains(b, pngBytes) {
			t.Errorf("%s holds the photo in clear (%v)", p, err)
		}
	}
}

// Units are written by a scoped administrator only inside their
// jurisdiction: renaming or moving a unit of another county is refused.
// (The check is the page's, checkImportScope, over the store's refusal to
// move a unit; ImportUnits itself takes no actor.)
func TestUnitsImportScoped(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.login(e.addUser("jt-admin", "620921", pingan.RoleAdmin))
	const header = "code,name,level,parent_code\n"
	for _, csv := range []string{
		"620902001001,改名社区,village,620902001000", // under its own parent, outside
		"620902001001,改名社区,village,620921100000", // moved under a parent inside
		"620900,改名市,city,620000",
		"620921,金塔县,county,620900", // their own county, under a parent outside
	} {
		if res := a.post("/admin/units", url.Values{"csv": {header + csv}}); res.status != http.StatusBadRequest {
			t.Errorf("%s: %d", csv, res.status)
		}
	}
	for _, code := range []string{"620902001001", "620900"} {
		u, err := e.db.Units.FindUnit(context.Background(), e.fx.Admin, code)
		if err != nil || u.Name == "改名社区" || u.Name == "改名市" {
			t.Errorf("unit %s after the refused imports: %+v %v", code, u, err)
		}
	}
	// Inside their own county they may.
	if res := a.post("/admin/units", url.Values{"csv": {header + "620921100001,金塔村（新）,village,620921100000"}}); res.status != http.StatusOK {
		t.Errorf("rename inside: %d", res.status)
	}
}
