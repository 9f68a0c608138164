package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// Open311 GeoReport v2 (docs/open311.md), on both databases: a report
// becomes a case with source open311 in its grid, its token answers its
// number, a refused report writes nothing, and the lists and the updates
// answer the public status inside the key's subtree.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"Open311Submit", testOpen311Submit},
		{"Open311Refused", testOpen311Refused},
		{"Open311Lists", testOpen311Lists},
		{"Open311Updates", testOpen311Updates},
		{"Open311ReadsNeedAKey", testOpen311ReadsNeedAKey},
		{"Open311Address", testOpen311Address},
	}...)
}

// open311Key makes a key of the role reporter for the unit and answers its
// pseudo-user.
func open311Key(t *testing.T, e *env, name, unit string, roles ...pingan.Role) *pingan.User {
	t.Helper()
	if len(roles) == 0 {
		roles = []pingan.Role{pingan.RoleReporter}
	}
	_, key, err := e.db.APIKeys.Add(ctx, nil, name, unit, roles)
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.db.APIKeys.Authenticate(ctx, key, "")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// inFukang is a position in 富康社区第一网格.
func inFukang() *pingan.Location { return &pingan.Location{Lat: 39.755, Lng: 98.505} }

func open311Report(mod ...func(*pingan.Open311Report)) *pingan.Open311Report {
	in := &pingan.Open311Report{ServiceCode: "0102", Location: inFukang(), Description: "楼上漏水，协商未果",
		FirstName: "张", LastName: "三", Phone: "13800001234", Email: "zs@example.cn", DeviceID: "device-42",
		MediaURL: "https://example.cn/p/1.jpg", Attributes: map[string]string{"people": "3", "amount": "1200.50", "uprn": "x"}}
	for _, m := range mod {
		m(in)
	}
	return in
}

func testOpen311Submit(t *testing.T, e *env) {
	fx := e.fx
	storetest.SeedGrids(t, e.db, fx)
	key := open311Key(t, e, "市民App", fx.County.Code)
	rc, err := e.db.Open311.Submit(ctx, key, open311Report())
	if err != nil {
		t.Fatal(err)
	}
	if rc.ServiceRequestID == "" || rc.Token == "" {
		t.Fatalf("receipt %+v", rc)
	}
	c, err := e.db.Cases.FindCase(ctx, fx.TownshipDispatcher, rc.ServiceRequestID) // who reads the reporter whole
	if err != nil {
		t.Fatal(err)
	}
	if c.Source != pingan.SourceOpen311 || c.Grid != "620902001001-01" || c.Unit != fx.Village.Code || c.Category != "0102" {
		t.Errorf("the case: source %s grid %s unit %s category %s", c.Source, c.Grid, c.Unit, c.Category)
	}
	if c.Reporter == nil || c.Reporter.Name != "张三" || c.Reporter.Phone != "13800001234" {
		t.Errorf("the reporter: %+v", c.Reporter)
	}
	if c.Mediation == nil || c.Mediation.People != 3 || c.Mediation.AmountFen != 120050 {
		t.Errorf("the dispute's facts from the attributes: %+v", c.Mediation)
	}
	id, err := e.db.Open311.Token(ctx, rc.Token)
	if err != nil || id != rc.ServiceRequestID {
		t.Errorf("token → %q %v, want %s", id, err, rc.ServiceRequestID)
	}
	_, err = e.db.Open311.Token(ctx, "nope")
	wantCode(t, err, pingan.ENOTFOUND)

	// What is read back: the public status, the reporter's own text, the
	// media_url as given; nothing of the e-mail or the device.
	got, err := e.db.Open311.Request(ctx, key, rc.ServiceRequestID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != "open" || got.Description != "楼上漏水，协商未果" || got.MediaURL != "https://example.cn/p/1.jpg" ||
		got.ServiceName != "邻里纠纷" || got.Location == nil || got.Expected == nil {
		t.Errorf("the request: %+v", got)
	}

	// A hazard's level from attribute[level]; a place named by its address.
	rc2, err := e.db.Open311.Submit(ctx, key, open311Report(func(in *pingan.Open311Report) {
		in.ServiceCode, in.Location, in.AddressString = "AQ01", nil, "肃州区东北街街道南苑社区5号楼"
		in.Attributes = map[string]string{"level": "major"}
	}))
	if err != nil {
		t.Fatal(err)
	}
	h := e.find(t, rc2.ServiceRequestID)
	if h.Unit != fx.Village2.Code || h.Hazard == nil || h.Hazard.Level != pingan.HazardMajor || h.Address != "肃州区东北街街道南苑社区5号楼" {
		t.Errorf("the hazard by address: unit %s hazard %+v address %q", h.Unit, h.Hazard, h.Address)
	}
}

// open311Count answers how many cases with source open311, rows of
// open311_requests and audit rows of reports and key uses there are.
func open311Count(t *testing.T, e *env) (cases, requests, audits int) {
	t.Helper()
	for _, q := range []struct {
		n   *int
		sql string
	}{{&cases, `SELECT count(*) FROM cases WHERE source = 'open311'`}, {&requests, `SELECT count(*) FROM open311_requests`},
		{&audits, `SELECT count(*) FROM audit WHERE action IN ('open311_report', 'apikey_use')`}} {
		if err := e.db.SQL().QueryRowContext(ctx, q.sql).Scan(q.n); err != nil {
			t.Fatal(err)
		}
	}
	return
}

func testOpen311Refused(t *testing.T, e *env) {
	fx := e.fx
	storetest.SeedGrids(t, e.db, fx)
	key := open311Key(t, e, "市民App", fx.County.Code)
	for _, tc := range []struct {
		name  string
		key   *pingan.User
		mod   func(*pingan.Open311Report)
		code  string
		field string
	}{
		{"unknown service", key, func(in *pingan.Open311Report) { in.ServiceCode = "ZZ99" }, pingan.EINVALID, "service_code"},
		{"no service", key, func(in *pingan.Open311Report) { in.ServiceCode = "" }, pingan.EINVALID, "service_code"},
		{"no description", key, func(in *pingan.Open311Report) { in.Description = " " }, pingan.EINVALID, "description"},
		{"no position", key, func(in *pingan.Open311Report) { in.Location = nil }, pingan.EINVALID, "lat"},
		{"outside every unit", key, func(in *pingan.Open311Report) { in.Location = &pingan.Location{Lat: 10, Lng: 10} }, pingan.EINVALID, "lat"},
		{"address_id", key, func(in *pingan.Open311Report) { in.Location, in.AddressID = nil, "545483" }, pingan.EINVALID, "address_id"},
		{"address of no unit", key, func(in *pingan.Open311Report) { in.Location, in.AddressString = nil, "人民路 8 号" }, pingan.EINVALID, "address_string"},
		{"address of another county", key, func(in *pingan.Open311Report) { in.Location, in.AddressString = nil, "金塔县金塔镇金塔村" }, pingan.EINVALID, "address_string"},
		{"bad media_url", key, func(in *pingan.Open311Report) { in.MediaURL = "file:///etc/passwd" }, pingan.EINVALID, "media_url"},
		{"control character", key, func(in *pingan.Open311Report) { in.FirstName = "三\x07" }, pingan.EINVALID, "first_name"},
		{"bad attribute", key, func(in *pingan.Open311Report) { in.Attributes["people"] = "many" }, pingan.EINVALID, "attribute[people]"},
		{"another county's grid", key, func(in *pingan.Open311Report) { in.Location = &pingan.Location{Lat: 40.01, Lng: 98.91} }, pingan.EFORBIDDEN, ""},
		{"a key that does not report", open311Key(t, e, "监测", fx.County.Code, pingan.RoleMonitor), nil, pingan.EFORBIDDEN, ""},
		{"no key", nil, nil, pingan.EFORBIDDEN, ""},
	} {
		in := open311Report()
		if tc.mod != nil {
			tc.mod(in)
		}
		_, err := e.db.Open311.Submit(ctx, tc.key, in)
		pe := wantCode(t, err, tc.code)
		if tc.field != "" && zh(pe, tc.field) == "" {
			t.Errorf("%s: the error does not name %s: %v", tc.name, tc.field, pe.Fields)
		}
	}
	if c, r, a := open311Count(t, e); c != 0 || r != 0 || a != 0 {
		t.Errorf("refused reports wrote %d cases, %d requests, %d audit rows", c, r, a)
	}
	if n := keyUsedCount(t, e); n != 0 {
		t.Errorf("refused reports wrote the last use of %d keys", n)
	}
	// A report accepted: its key's use is written with it.
	if _, err := e.db.Open311.Submit(ctx, key, open311Report()); err != nil {
		t.Fatal(err)
	}
	var uses int
	if err := e.db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM audit WHERE action = 'apikey_use'`).Scan(&uses); err != nil {
		t.Fatal(err)
	}
	if n := keyUsedCount(t, e); uses != 1 || n != 1 {
		t.Errorf("an accepted report wrote %d key uses and the last use of %d keys, want 1 and 1", uses, n)
	}
}

// keyUsedCount answers how many keys have a last use written.
func keyUsedCount(t *testing.T, e *env) int {
	t.Helper()
	var n int
	if err := e.db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM api_keys WHERE last_used IS NOT NULL`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func testOpen311Lists(t *testing.T, e *env) {
	fx := e.fx
	storetest.SeedGrids(t, e.db, fx)
	county := open311Key(t, e, "肃州区App", fx.County.Code)
	city := open311Key(t, e, "酒泉市App", fx.City.Code)
	other := open311Key(t, e, "金塔县App", fx.OtherCounty.Code)
	sibling := open311Key(t, e, "肃州区另一App", fx.County.Code)                // a reporter of the same unit
	reader := open311Key(t, e, "肃州区平台", fx.County.Code, pingan.RoleViewer) // reads the subtree's cases
	all := open311Key(t, e, "酒泉市平台", fx.City.Code, pingan.RoleViewer)
	submit := func(u *pingan.User, mod ...func(*pingan.Open311Report)) string {
		t.Helper()
		rc, err := e.db.Open311.Submit(ctx, u, open311Report(mod...))
		if err != nil {
			t.Fatal(err)
		}
		return rc.ServiceRequestID
	}
	old := submit(county) // 100 days ago
	e.clock.Advance(100 * 24 * time.Hour)
	a := submit(county)
	e.clock.Advance(time.Hour)
	b := submit(county, func(in *pingan.Open311Report) { in.ServiceCode = "FW01"; in.Attributes = nil })
	e.clock.Advance(time.Hour)
	c := submit(other, func(in *pingan.Open311Report) { in.Location = &pingan.Location{Lat: 40.01, Lng: 98.91} })
	e.clock.Advance(time.Hour)
	// A staff report is no Open311 request.
	e.report(t, fx.GridWorker, "")
	e.act(t, fx.TownshipDispatcher, a, pingan.ActionInput{Action: pingan.ActReject, Reason: "不属于受理范围"})

	ids := func(list []*pingan.Open311Case, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range list {
			out = append(out, r.ID)
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		name string
		key  *pingan.User
		q    pingan.Open311Query
		want []string
	}{
		{"the last 90 days, newest first", all, pingan.Open311Query{}, []string{c, b, a}},
		{"a reporter key reads its own", county, pingan.Open311Query{}, []string{b, a}},
		{"a city's reporter key filed none", city, pingan.Open311Query{}, nil},
		{"another reporter key of the same unit", sibling, pingan.Open311Query{}, nil},
		{"another reporter key by ids", sibling, pingan.Open311Query{IDs: []string{a, b}}, nil},
		{"a reader key of the subtree", reader, pingan.Open311Query{}, []string{b, a}},
		{"another county's key", other, pingan.Open311Query{}, []string{c}},
		{"by ids", all, pingan.Open311Query{IDs: []string{old, b, "2026-620902-999999"}}, []string{b, old}},
		{"ids outside the key", reader, pingan.Open311Query{IDs: []string{c, b}}, []string{b}},
		{"by service", all, pingan.Open311Query{ServiceCodes: []string{"FW01"}}, []string{b}},
		{"by two services", all, pingan.Open311Query{ServiceCodes: []string{"FW01", "0102"}}, []string{c, b, a}},
		{"closed", all, pingan.Open311Query{Statuses: []string{"closed"}}, []string{a}},
		{"open", all, pingan.Open311Query{Statuses: []string{"open"}}, []string{c, b}},
		{"open and closed", all, pingan.Open311Query{Statuses: []string{"open", "closed"}}, []string{c, b, a}},
		{"ids override every other argument", all, pingan.Open311Query{IDs: []string{a, old}, ServiceCodes: []string{"FW01"}, Statuses: []string{"open"},
			Start: storetest.Epoch.Add(300 * 24 * time.Hour), End: storetest.Epoch.Add(301 * 24 * time.Hour)}, []string{a, old}},
		{"dates", all, pingan.Open311Query{Start: storetest.Epoch.Add(-time.Hour), End: storetest.Epoch.Add(time.Hour)}, []string{old}},
		{"limit", all, pingan.Open311Query{Limit: 2}, []string{c, b}},
	} {
		if got, want := ids(e.db.Open311.Requests(ctx, tc.key, tc.q)), strings.Join(tc.want, " "); got != want {
			t.Errorf("%s: %q, want %q", tc.name, got, want)
		}
	}
	_, err := e.db.Open311.Requests(ctx, all, pingan.Open311Query{Statuses: []string{"open", "pending"}})
	wantCode(t, err, pingan.EINVALID)

	// A reader key of the subtree reads no description, address, position
	// or media_url of a request another key filed; the filing key does.
	for _, k := range []*pingan.User{reader, all} {
		list, err := e.db.Open311.Requests(ctx, k, pingan.Open311Query{IDs: []string{b}})
		if err != nil || len(list) != 1 {
			t.Fatalf("%s: %v %v", k.Name, list, err)
		}
		if r := list[0]; r.Description != "" || r.Address != "" || r.Location != nil || r.MediaURL != "" || r.Status != "open" || r.ServiceCode != "FW01" || r.Requested.IsZero() {
			t.Errorf("%s reads another key's request: %+v", k.Name, r)
		}
		r, err := e.db.Open311.Request(ctx, k, b)
		if err != nil || r.Description != "" || r.Location != nil || r.MediaURL != "" || r.AgencyResponsible == "" && r.ServiceName == "" {
			t.Errorf("%s reads another key's request: %+v %v", k.Name, r, err)
		}
	}
	if r, err := e.db.Open311.Request(ctx, county, b); err != nil || r.Description == "" || r.Location == nil || r.MediaURL == "" {
		t.Errorf("the filing key reads its request: %+v %v", r, err)
	}
	_, err = e.db.Open311.Request(ctx, sibling, b)
	wantCode(t, err, pingan.ENOTFOUND)

	// The cap of a list (1,000; lowered here).
	e.db.Open311.SetListCap(1)
	if got := ids(e.db.Open311.Requests(ctx, all, pingan.Open311Query{Limit: 5})); got != c {
		t.Errorf("the cap: %q", got)
	}
	e.db.Open311.SetListCap(0)

	// A rejection: closed, its reason the status note; one case.
	r, err := e.db.Open311.Request(ctx, county, a)
	if err != nil || r.Status != "closed" || r.StatusNotes != "不属于受理范围" {
		t.Errorf("the rejected request: %+v %v", r, err)
	}
	_, err = e.db.Open311.Request(ctx, county, c)
	wantCode(t, err, pingan.ENOTFOUND)
	staff, _, err := e.db.Cases.FindCases(ctx, fx.Admin, pingan.CaseFilter{Source: pingan.SourceGridWorker, Limit: 1})
	if err != nil || len(staff) != 1 {
		t.Fatal(staff, err)
	}
	_, err = e.db.Open311.Request(ctx, all, staff[0].ID)
	wantCode(t, err, pingan.ENOTFOUND)
}

func testOpen311Updates(t *testing.T, e *env) {
	fx := e.fx
	storetest.SeedGrids(t, e.db, fx)
	key := open311Key(t, e, "FixMyStreet", fx.County.Code)
	rc, err := e.db.Open311.Submit(ctx, key, open311Report())
	if err != nil {
		t.Fatal(err)
	}
	id := rc.ServiceRequestID
	since := e.clock.Advance(time.Minute)
	e.act(t, fx.TownshipDispatcher, id, pingan.ActionInput{Action: pingan.ActAccept})
	e.clock.Advance(time.Minute)
	e.act(t, fx.TownshipDispatcher, id, pingan.ActionInput{Action: pingan.ActComment, Note: "内部：当事人情绪激动"})
	e.act(t, fx.TownshipDispatcher, id, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	e.clock.Advance(time.Minute)
	e.act(t, fx.TownshipHandler, id, pingan.ActionInput{Action: pingan.ActSign})
	e.act(t, fx.TownshipHandler, id, pingan.ActionInput{Action: pingan.ActResolve, Result: "经调解双方达成协议"})
	e.clock.Advance(time.Minute)
	e.act(t, fx.TownshipDispatcher, id, pingan.ActionInput{Action: pingan.ActClose})
	e.clock.Advance(time.Minute)

	ups, err := e.db.Open311.Updates(ctx, key, since, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range ups {
		if u.ServiceRequestID != id || !strings.HasPrefix(u.UpdateID, id+"-") {
			t.Errorf("update %+v", u)
		}
		got = append(got, string(u.Action)+":"+u.Status+":"+u.Description)
		if strings.Contains(u.Description, "内部") {
			t.Errorf("an internal note in the updates: %+v", u)
		}
	}
	want := "accept:INVESTIGATING: dispatch:ACTION_SCHEDULED: sign:IN_PROGRESS: resolve:IN_PROGRESS:经调解双方达成协议 close:FIXED:"
	if strings.Join(got, " ") != want {
		t.Errorf("updates %q, want %q", strings.Join(got, " "), want)
	}
	// Since a later time: the close alone; another county's key: none.
	if ups, err := e.db.Open311.Updates(ctx, key, e.clock.Now().Add(-90*time.Second), e.clock.Now()); err != nil || len(ups) != 1 || ups[0].Status != "FIXED" {
		t.Errorf("updates since the close: %+v %v", ups, err)
	}
	// The report itself is no update.
	if ups, err := e.db.Open311.Updates(ctx, key, since.Add(-time.Hour), since); err != nil || len(ups) != 0 {
		t.Errorf("the report as an update: %+v %v", ups, err)
	}
	other := open311Key(t, e, "金塔县App", fx.OtherCounty.Code)
	sibling := open311Key(t, e, "肃州区另一App", fx.County.Code)
	for _, k := range []*pingan.User{other, sibling} {
		if ups, err := e.db.Open311.Updates(ctx, k, since, e.clock.Now()); err != nil || len(ups) != 0 {
			t.Errorf("%s reads %d updates (%v)", k.Name, len(ups), err)
		}
	}
	reader := open311Key(t, e, "肃州区平台", fx.County.Code, pingan.RoleViewer)
	if ups, err := e.db.Open311.Updates(ctx, reader, since, e.clock.Now()); err != nil || len(ups) != 5 {
		t.Errorf("a reader key of the subtree reads %d updates (%v)", len(ups), err)
	}
	// More than the cap: refused, naming start_date, never cut.
	e.db.Open311.SetListCap(4)
	_, err = e.db.Open311.Updates(ctx, key, since, e.clock.Now())
	if pe := wantCode(t, err, pingan.EINVALID); pe != nil && zh(pe, "start_date") == "" {
		t.Errorf("over the cap: %v", pe.Fields)
	}
	e.db.Open311.SetListCap(0)
	r, err := e.db.Open311.Request(ctx, key, id)
	if err != nil || r.Status != "closed" || r.StatusNotes != "经调解双方达成协议" || r.AgencyResponsible != fx.Township.Name || r.Expected != nil {
		t.Errorf("the closed request: %+v %v", r, err)
	}
}

// A read needs a key: without one, EFORBIDDEN.
func testOpen311ReadsNeedAKey(t *testing.T, e *env) {
	_, err := e.db.Open311.Requests(ctx, nil, pingan.Open311Query{})
	wantCode(t, err, pingan.EFORBIDDEN)
	_, err = e.db.Open311.Request(ctx, nil, "2026-620902-000001")
	wantCode(t, err, pingan.EFORBIDDEN)
	_, err = e.db.Open311.Updates(ctx, nil, storetest.Epoch, storetest.Epoch.Add(time.Hour))
	wantCode(t, err, pingan.EFORBIDDEN)
}

// An address_string names a township or village: a candidate is taken only
// when every ancestor the address also names agrees, two same-named units
// are refused (naming address_string), and a county or centre is no place.
func testOpen311Address(t *testing.T, e *env) {
	fx := e.fx
	storetest.SeedGrids(t, e.db, fx)
	if _, err := e.db.Units.ImportUnits(ctx, []*pingan.Unit{
		{Code: "620902100002", Name: "南苑社区", Level: pingan.LevelVillage, ParentCode: "620902100000"}, // 银达镇's, named like 东北街街道's
		{Code: "620921100002", Name: "富康社区", Level: pingan.LevelVillage, ParentCode: "620921100000"}, // 金塔县's
	}); err != nil {
		t.Fatal(err)
	}
	key := open311Key(t, e, "酒泉市App", fx.City.Code)
	county := open311Key(t, e, "肃州区App", fx.County.Code)
	for _, tc := range []struct {
		name, addr string
		key        *pingan.User
		unit       string // "" = refused naming address_string
	}{
		{"the township names which 南苑社区", "东北街街道南苑社区5号楼", key, fx.Village2.Code},
		{"the other township's 南苑社区", "银达镇南苑社区8号", key, "620902100002"},
		{"the county and township agree", "肃州区东北街街道南苑社区", key, fx.Village2.Code},
		{"two 南苑社区: ambiguous", "南苑社区5号楼", key, ""},
		{"a village under another township than named", "银达镇富康社区", county, "620902100000"},
		{"a county that disagrees", "金塔县富康社区", county, ""},
		{"the county key's own 富康社区", "富康社区3号", county, fx.Village.Code},
		{"a township alone", "东北街街道人民路8号", key, fx.Township.Code},
		{"a county is no place", "肃州区人民路8号", key, ""},
		{"a centre is no place", "肃州区综治中心旁", key, ""},
	} {
		rc, err := e.db.Open311.Submit(ctx, tc.key, open311Report(func(in *pingan.Open311Report) {
			in.Location, in.AddressString = nil, tc.addr
		}))
		if tc.unit == "" {
			if pe := wantCode(t, err, pingan.EINVALID); pe != nil && zh(pe, "address_string") == "" {
				t.Errorf("%s: the error does not name address_string: %v", tc.name, pe.Fields)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if c := e.find(t, rc.ServiceRequestID); c.Unit != tc.unit {
			t.Errorf("%s: unit %s, want %s", tc.name, c.Unit, tc.unit)
		}
	}
	_, err := e.db.Open311.Submit(ctx, key, open311Report(func(in *pingan.Open311Report) { in.Location, in.AddressString = nil, "南苑社区" }))
	if pe := wantCode(t, err, pingan.EINVALID); pe != nil && !strings.Contains(zh(pe, "address_string"), "lat") {
		t.Errorf("an ambiguous address does not ask for lat/long: %q", zh(pe, "address_string"))
	}
}
