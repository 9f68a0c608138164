package store_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/sheet"
	"github.com/pingan-gov/pingan/store/storetest"
)

// The register of key sites and their inspections (docs/sites.md): a bad
// site names its field and writes nothing; what lies outside the
// jurisdiction answers not_found; a failed checklist item files a hazard
// case in the inspection's transaction; the schedule sets the next due
// day, the watch marks a missed one once, and the counters agree with a
// recount of the rows; an import with a bad row writes nothing. They run
// on both databases.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"SiteRegister", testSiteRegister},
		{"SiteInJurisdiction", testSiteInJurisdiction},
		{"InspectionFailedItemFilesHazard", testInspectionFailedItemFilesHazard},
		{"InspectionSchedule", testInspectionSchedule},
		{"SiteImportXLSX", testSiteImportXLSX},
	}...)
}

// fkPoint is a position inside 富康社区第一网格 (storetest.FixtureGrids).
var fkPoint = &pingan.Location{Lat: 39.755, Lng: 98.505}

// hazardSite answers a level-2 major hazard source in 富康社区第一网格 under
// the county's 住建局.
func hazardSite(e *env) *pingan.NewSite {
	return &pingan.NewSite{Name: "富康燃气储配站", Type: pingan.SiteHazardSource, Level: 2, Location: fkPoint,
		Address: "富康路1号", Department: e.fx.CountyHousing.Code, Contact: &pingan.SiteContact{Name: "王建国", Phone: "13812345678"}}
}

func testSiteRegister(t *testing.T, e *env) {
	storetest.SeedGrids(t, e.db, e.fx)
	d := e.fx.CountyDispatcher
	refused := []struct {
		name  string
		edit  func(s *pingan.NewSite)
		field string
	}{
		{"no name", func(s *pingan.NewSite) { s.Name = " " }, "name"},
		{"hazard source without a level", func(s *pingan.NewSite) { s.Level = 0 }, "level"},
		{"hazard source of level 5", func(s *pingan.NewSite) { s.Level = 5 }, "level"},
		{"school with a level", func(s *pingan.NewSite) { s.Type = pingan.SiteSchool }, "level"},
		{"unknown type", func(s *pingan.NewSite) { s.Type, s.Level = "castle", 0 }, "type"},
		{"no position", func(s *pingan.NewSite) { s.Location = nil }, "location"},
		{"position in no grid", func(s *pingan.NewSite) { s.Location = &pingan.Location{Lat: 39.74, Lng: 98.51} }, "location"},
		{"position outside the grid given", func(s *pingan.NewSite) { s.Grid = "620902001001-02" }, "location"},
		{"department not a department", func(s *pingan.NewSite) { s.Department = e.fx.Township.Code }, "department"},
		{"bad phone", func(s *pingan.NewSite) { s.Contact.Phone = "call me" }, "contact.phone"},
	}
	for _, tc := range refused {
		in := hazardSite(e)
		tc.edit(in)
		_, err := e.db.Sites.AddSite(ctx, d, in)
		pe := wantCode(t, err, pingan.EINVALID)
		if _, ok := pe.Fields[tc.field]; !ok {
			t.Errorf("%s: fields %v, want %q", tc.name, pe.Fields, tc.field)
		}
	}
	if got := must[[]*pingan.Site](t)(e.db.Sites.FindSites(ctx, d, pingan.SiteFilter{})); len(got) != 0 {
		t.Fatalf("refused sites were written: %d", len(got))
	}
	if _, err := e.db.Sites.AddSite(ctx, e.fx.Viewer, hazardSite(e)); code(err) != pingan.EFORBIDDEN {
		t.Fatalf("a viewer added a site: %v", err)
	}

	s := must[*pingan.Site](t)(e.db.Sites.AddSite(ctx, d, hazardSite(e)))
	if s.Grid != "620902001001-01" || s.Unit != e.fx.Village.Code || s.Department != e.fx.CountyHousing.Code || s.Level != 2 {
		t.Fatalf("placed %+v", s)
	}
	if s.NextDue != pingan.Day(e.clock.Now()) || s.Overdue {
		t.Errorf("first due %s overdue %v, want today", s.NextDue, s.Overdue)
	}
	if s.Contact == nil || !s.ContactMasked || s.Contact.Name != "王**" || s.Contact.Phone != "138****5678" {
		t.Errorf("contact %+v masked %v, want masked", s.Contact, s.ContactMasked)
	}
	// Sealed at rest: the name is nowhere in the row.
	var raw []byte
	if err := e.db.SQL().QueryRowContext(ctx, `SELECT contact_sealed FROM sites WHERE id = $1`, s.ID).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if len(raw) == 0 || bytes.Contains(raw, []byte("王建国")) || bytes.Contains(raw, []byte("13812345678")) {
		t.Errorf("the contact is not sealed: %q", raw)
	}
	// A reveal answers it whole and leaves an audit row; a viewer may not.
	audits := func() int {
		var n int
		if err := e.db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM audit WHERE action = 'site_contact_read'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	c := must[*pingan.SiteContact](t)(e.db.Sites.RevealContact(ctx, d, s.ID))
	if c.Name != "王建国" || c.Phone != "13812345678" || audits() != 1 {
		t.Errorf("revealed %+v with %d audit rows", c, audits())
	}
	if _, err := e.db.Sites.RevealContact(ctx, e.fx.Viewer, s.ID); code(err) != pingan.EFORBIDDEN || audits() != 1 {
		t.Errorf("a viewer's reveal: %v, %d audit rows", err, audits())
	}

	// The same name in the grid is a conflict naming name.
	pe := wantCode(t, func() error { _, err := e.db.Sites.AddSite(ctx, d, hazardSite(e)); return err }(), pingan.ECONFLICT)
	wantKey(t, pe, "name", "site.name.taken")

	school := &pingan.NewSite{Name: "富康小学", Type: pingan.SiteSchool, Location: &pingan.Location{Lat: 39.752, Lng: 98.515},
		Department: e.fx.CountyHousing.Code}
	sc := must[*pingan.Site](t)(e.db.Sites.AddSite(ctx, d, school))
	if sc.Grid != "620902001001-02" {
		t.Errorf("school placed in %s", sc.Grid)
	}
	// Filters.
	for _, f := range []struct {
		f    pingan.SiteFilter
		want int
	}{
		{pingan.SiteFilter{}, 2},
		{pingan.SiteFilter{Type: pingan.SiteSchool}, 1},
		{pingan.SiteFilter{Level: 2}, 1},
		{pingan.SiteFilter{Grid: "620902001001-01"}, 1},
		{pingan.SiteFilter{Department: e.fx.CountyHousing.Code}, 2},
		{pingan.SiteFilter{Department: e.fx.County.Code}, 2},
		{pingan.SiteFilter{Unit: e.fx.Village2.Code}, 0},
		{pingan.SiteFilter{Overdue: true}, 0},
		{pingan.SiteFilter{Q: "燃气"}, 1},
	} {
		got := must[[]*pingan.Site](t)(e.db.Sites.FindSites(ctx, d, f.f))
		if len(got) != f.want {
			t.Errorf("filter %+v: %d sites, want %d", f.f, len(got), f.want)
		}
		for _, s := range got {
			if s.Contact != nil && !s.ContactMasked {
				t.Errorf("list shows a contact whole: %+v", s.Contact)
			}
		}
	}

	// A change with the version read; a stale version is a conflict.
	up := hazardSite(e)
	up.Level, up.Version, up.Contact = 1, s.Version, nil
	s2 := must[*pingan.Site](t)(e.db.Sites.UpdateSite(ctx, d, s.ID, up))
	if s2.Level != 1 || s2.Version != s.Version+1 || s2.Contact == nil {
		t.Errorf("updated %+v", s2)
	}
	pe = wantCode(t, func() error { _, err := e.db.Sites.UpdateSite(ctx, d, s.ID, up); return err }(), pingan.ECONFLICT)
	wantKey(t, pe, "version", "site.version")
}

func testSiteInJurisdiction(t *testing.T, e *env) {
	storetest.SeedGrids(t, e.db, e.fx)
	s := must[*pingan.Site](t)(e.db.Sites.AddSite(ctx, e.fx.CountyDispatcher, hazardSite(e)))
	// Another county sees nothing of it.
	if _, err := e.db.Sites.FindSite(ctx, e.fx.OtherDispatcher, s.ID); code(err) != pingan.ENOTFOUND {
		t.Errorf("another county read the site: %v", err)
	}
	if got := must[[]*pingan.Site](t)(e.db.Sites.FindSites(ctx, e.fx.OtherDispatcher, pingan.SiteFilter{})); len(got) != 0 {
		t.Errorf("another county lists %d sites", len(got))
	}
	if _, err := e.db.Sites.RecordInspection(ctx, e.fx.OtherGridWorker, s.ID, &pingan.NewInspection{}); code(err) != pingan.ENOTFOUND {
		t.Errorf("another county's grid worker inspected: %v", err)
	}
	// The department's handler and the village's grid worker see it.
	for _, u := range []*pingan.User{e.fx.CountyHandler, e.fx.GridWorker, e.fx.TownshipDispatcher, e.fx.CityLeader} {
		if _, err := e.db.Sites.FindSite(ctx, u, s.ID); err != nil {
			t.Errorf("%s: %v", u.Username, err)
		}
	}
	// Nobody adds a site in another county's grid or under its department.
	in := hazardSite(e)
	in.Name, in.Location = "金塔加油站", &pingan.Location{Lat: 40.01, Lng: 98.91}
	pe := wantCode(t, func() error { _, err := e.db.Sites.AddSite(ctx, e.fx.CountyDispatcher, in); return err }(), pingan.EINVALID)
	if _, ok := pe.Fields["grid"]; !ok {
		t.Errorf("a site in another county's grid: fields %v", pe.Fields)
	}
	in = hazardSite(e)
	in.Name, in.Department = "另一站", e.fx.CityPolice.Code
	pe = wantCode(t, func() error { _, err := e.db.Sites.AddSite(ctx, e.fx.CountyDispatcher, in); return err }(), pingan.EINVALID)
	wantKey(t, pe, "department", "site.department.outside")
}

// allPass answers an inspection of n items all 合格.
func allPass(n int) *pingan.NewInspection {
	in := &pingan.NewInspection{}
	for i := 1; i <= n; i++ {
		in.Items = append(in.Items, pingan.NewInspectionItem{Seq: i, OK: true})
	}
	return in
}

// checklistOf answers the number of items of the type's checklist.
func checklistOf(t *testing.T, e *env, typ string) int {
	for _, st := range must[[]*pingan.SiteType](t)(e.db.Sites.SiteTypes(ctx)) {
		if st.Code == typ {
			return len(st.Checklist)
		}
	}
	t.Fatalf("no type %s", typ)
	return 0
}

func testInspectionFailedItemFilesHazard(t *testing.T, e *env) {
	storetest.SeedGrids(t, e.db, e.fx)
	s := must[*pingan.Site](t)(e.db.Sites.AddSite(ctx, e.fx.CountyDispatcher, hazardSite(e)))
	n := checklistOf(t, e, pingan.SiteHazardSource)
	w := e.fx.GridWorker
	count := func(q string) int {
		var k int
		if err := e.db.SQL().QueryRowContext(ctx, q).Scan(&k); err != nil {
			t.Fatal(err)
		}
		return k
	}
	// A failed item without a photo names it; nothing is written.
	in := allPass(n)
	in.Items[1].OK = false
	pe := wantCode(t, func() error { _, err := e.db.Sites.RecordInspection(ctx, w, s.ID, in); return err }(), pingan.EINVALID)
	wantKey(t, pe, "items[1].photo", "inspection.photo.required")
	in = allPass(n - 1)
	pe = wantCode(t, func() error { _, err := e.db.Sites.RecordInspection(ctx, w, s.ID, in); return err }(), pingan.EINVALID)
	wantKey(t, pe, "items", "inspection.items.count")
	if k := count(`SELECT count(*) FROM inspections`) + count(`SELECT count(*) FROM cases`); k != 0 {
		t.Fatalf("a refused inspection wrote %d rows", k)
	}

	// Two failed items: one general, one major, each with its photo.
	in = allPass(n)
	in.Items[0] = pingan.NewInspectionItem{Seq: 1, OK: false, Note: "储罐区堆放杂物", Photo: &pingan.Upload{Name: "a.png", Data: storetest.PNG("a")}}
	in.Items[2] = pingan.NewInspectionItem{Seq: 3, OK: false, Major: true, Photo: &pingan.Upload{Name: "b.png", Data: storetest.PNG("b")}}
	ins := must[*pingan.Inspection](t)(e.db.Sites.RecordInspection(ctx, w, s.ID, in))
	if ins.Failed != 2 || len(ins.Items) != n || !ins.OnTime {
		t.Fatalf("inspection %+v", ins)
	}
	for _, it := range []pingan.InspectionItem{ins.Items[0], ins.Items[2]} {
		if it.Case == "" || !strings.HasPrefix(it.Photo, "sha256:") {
			t.Fatalf("failed item %+v", it)
		}
		c := must[*pingan.Case](t)(e.db.Cases.FindCase(ctx, e.fx.CountyDispatcher, it.Case))
		if c.Kind != pingan.KindHazard || c.Source != pingan.SourceInspection || c.Grid != s.Grid {
			t.Errorf("hazard %s: kind %s source %s grid %s", c.ID, c.Kind, c.Source, c.Grid)
		}
		if c.Hazard != nil && (c.Hazard.Site != s.ID || c.Hazard.Level != it.Level) {
			t.Errorf("hazard %s: site %d level %s, want %d %s", c.ID, c.Hazard.Site, c.Hazard.Level, s.ID, it.Level)
		}
		// The photo is attached to the case's report.
		acts := must[[]*pingan.Action](t)(e.db.Cases.Timeline(ctx, e.fx.CountyDispatcher, it.Case))
		if len(acts) == 0 || len(acts[0].Attachments) != 1 || acts[0].Attachments[0] != it.Photo {
			t.Errorf("hazard %s: report attachments %v, want %s", it.Case, acts[0].Attachments, it.Photo)
		}
	}
	if ins.Items[2].Level != pingan.HazardMajor || ins.Items[0].Level != pingan.HazardGeneral {
		t.Errorf("levels %s %s", ins.Items[0].Level, ins.Items[2].Level)
	}
	if k := count(`SELECT count(*) FROM cases`); k != 2 {
		t.Errorf("%d cases, want 2", k)
	}
	got := must[[]*pingan.Inspection](t)(e.db.Sites.Inspections(ctx, e.fx.CountyHandler, s.ID, 0))
	if len(got) != 1 || got[0].Failed != 2 || len(got[0].Items) != n || got[0].Items[0].Case != ins.Items[0].Case {
		t.Errorf("inspections read back %+v", got)
	}
	total, _ := must2(t)(e.db.Sites.InspectionFigures(ctx, e.fx.CountyDispatcher, e.fx.CountyHousing.Code, ""))
	if total.Done != 1 || total.Failed != 2 || total.OnTime != 1 {
		t.Errorf("figures %+v", total)
	}

	// The department's handler sees the site but not its grid: what it finds
	// there is filed in the site's grid all the same (the site vouches for
	// the place), held by the grid's township, and the department's
	// inspection is counted.
	in = allPass(n)
	in.Items[0] = pingan.NewInspectionItem{Seq: 1, OK: false, Photo: &pingan.Upload{Name: "c.png", Data: storetest.PNG("c")}}
	got2, err := e.db.Sites.RecordInspection(ctx, e.fx.CountyHandler, s.ID, in)
	if err != nil {
		t.Fatalf("the department's inspection: %v", err)
	}
	if k := count(`SELECT count(*) FROM inspections`); k != 2 {
		t.Errorf("%d inspections after the department's, want 2", k)
	}
	var grid, src string
	var site int64
	if err := e.raw(t).QueryRowContext(ctx, `SELECT grid, source, hz_site FROM cases WHERE source = $1 ORDER BY reported_at DESC, id DESC LIMIT 1`,
		string(pingan.SourceInspection)).Scan(&grid, &src, &site); err != nil {
		t.Fatal(err)
	}
	if grid != s.Grid || site != s.ID || got2 == nil {
		t.Errorf("the department's hazard in grid %s at site %d, want grid %s at site %d", grid, site, s.Grid, s.ID)
	}
	// Naming the site does not let a department place a hazard elsewhere:
	// the report lands in the site's grid whatever position it gives.
	far := &pingan.NewCase{Kind: pingan.KindHazard, Category: "AQ01", Title: "储罐区阀门泄漏", Description: "巡检发现储罐区阀门轻微泄漏",
		Location: &pingan.Location{Lat: 30.5, Lng: 110.5}, Hazard: &pingan.HazardFacts{Level: pingan.HazardGeneral, Site: s.ID}}
	c, err := e.db.Cases.CreateCase(ctx, e.fx.CountyHandler, far)
	if err != nil {
		t.Fatalf("the department's report at its site: %v", err)
	}
	if c.Grid != s.Grid {
		t.Errorf("the department's report placed in grid %q, want the site's %s", c.Grid, s.Grid)
	}
}

// must2 unwraps InspectionFigures.
func must2(t *testing.T) func(*pingan.InspectionFigure, []*pingan.InspectionFigure, error) (*pingan.InspectionFigure, []*pingan.InspectionFigure) {
	return func(a *pingan.InspectionFigure, b []*pingan.InspectionFigure, err error) (*pingan.InspectionFigure, []*pingan.InspectionFigure) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return a, b
	}
}

func testInspectionSchedule(t *testing.T, e *env) {
	storetest.SeedGrids(t, e.db, e.fx)
	d := e.fx.CountyDispatcher
	s := must[*pingan.Site](t)(e.db.Sites.AddSite(ctx, d, hazardSite(e))) // level 2: every 14 days
	in := hazardSite(e)
	in.Name, in.Level, in.Location = "银达化工", 4, &pingan.Location{Lat: 39.81, Lng: 98.61} // level 4: quarterly
	s4 := must[*pingan.Site](t)(e.db.Sites.AddSite(ctx, d, in))
	n := checklistOf(t, e, pingan.SiteHazardSource)
	day0 := e.clock.Now()

	// On time today: next due in 14 days.
	ins := must[*pingan.Inspection](t)(e.db.Sites.RecordInspection(ctx, e.fx.GridWorker, s.ID, allPass(n)))
	if !ins.OnTime || ins.Due != pingan.Day(day0) {
		t.Errorf("inspection %+v", ins)
	}
	s = must[*pingan.Site](t)(e.db.Sites.FindSite(ctx, d, s.ID))
	if want := pingan.Day(day0.AddDate(0, 0, 14)); s.NextDue != want || s.LastInspected != pingan.Day(day0) || s.Inspections != 1 {
		t.Errorf("next due %s last %s, want %s", s.NextDue, s.LastInspected, want)
	}
	// The watch marks nothing before a due day has passed.
	if k := must[int](t)(e.db.Sites.MarkOverdueInspections(ctx)); k != 0 {
		t.Errorf("marked %d before any due passed", k)
	}
	// 20 days on: both are past due, each marked once.
	e.clock.Set(day0.AddDate(0, 0, 20))
	if k := must[int](t)(e.db.Sites.MarkOverdueInspections(ctx)); k != 2 {
		t.Errorf("marked %d, want 2", k)
	}
	if k := must[int](t)(e.db.Sites.MarkOverdueInspections(ctx)); k != 0 {
		t.Errorf("marked %d again", k)
	}
	over := must[[]*pingan.Site](t)(e.db.Sites.FindSites(ctx, d, pingan.SiteFilter{Overdue: true}))
	if len(over) != 2 {
		t.Errorf("%d overdue sites, want 2", len(over))
	}
	// Late: not on time, the flag cleared, next due by the level's cadence.
	ins = must[*pingan.Inspection](t)(e.db.Sites.RecordInspection(ctx, d, s4.ID, allPass(n)))
	if ins.OnTime {
		t.Errorf("a late inspection is on time: %+v", ins)
	}
	s4 = must[*pingan.Site](t)(e.db.Sites.FindSite(ctx, d, s4.ID))
	if want := pingan.Day(e.clock.Now().AddDate(0, 3, 0)); s4.Overdue || s4.NextDue != want {
		t.Errorf("after a late inspection: overdue %v next %s, want %s", s4.Overdue, s4.NextDue, want)
	}
	// An inspection in the future is refused.
	late := allPass(n)
	late.Day = pingan.Day(e.clock.Now().AddDate(0, 0, 1))
	pe := wantCode(t, func() error { _, err := e.db.Sites.RecordInspection(ctx, d, s.ID, late); return err }(), pingan.EINVALID)
	wantKey(t, pe, "day", "site.day.future")

	// The counters of the department and each unit above it agree with a
	// recount of the rows.
	recount := map[string][4]int64{} // month → due, done, on time, overdue
	rows, err := e.db.SQL().QueryContext(ctx, `SELECT due, day, on_time FROM inspections`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var due, day string
		var onTime bool
		if err := rows.Scan(&due, &day, &onTime); err != nil {
			t.Fatal(err)
		}
		r := recount[due[:7]]
		r[0]++ // every answered due was counted as due
		if onTime {
			r[2]++
		}
		recount[due[:7]] = r
		r = recount[day[:7]]
		r[1]++
		recount[day[:7]] = r
	}
	rows.Close()
	rows, err = e.db.SQL().QueryContext(ctx, `SELECT next_due, overdue FROM sites`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var due string
		var overdue bool
		if err := rows.Scan(&due, &overdue); err != nil {
			t.Fatal(err)
		}
		r := recount[due[:7]]
		r[0]++ // the pending due
		recount[due[:7]] = r
	}
	rows.Close()
	// The overdue marks: s's due of day0+14 (still pending) and s4's day0
	// (answered late).
	for _, day := range []time.Time{day0.AddDate(0, 0, 14), day0} {
		r := recount[pingan.Day(day)[:7]]
		r[3]++
		recount[pingan.Day(day)[:7]] = r
	}
	for _, node := range []string{e.fx.CountyHousing.Code, e.fx.County.Code, e.fx.City.Code, e.fx.Province.Code} {
		for month, want := range recount {
			total, _ := must2(t)(e.db.Sites.InspectionFigures(ctx, e.fx.Admin, node, month))
			if got := [4]int64{total.Due, total.Done, total.OnTime, total.Overdue}; got != want {
				t.Errorf("%s %s: counters %v, recount %v", node, month, got, want)
			}
		}
	}
	_, rowsBy := must2(t)(e.db.Sites.InspectionFigures(ctx, d, "", pingan.Day(day0)[:7]))
	if len(rowsBy) != 1 || rowsBy[0].Unit != e.fx.CountyHousing.Code {
		t.Errorf("rows under the county: %+v", rowsBy)
	}
}

func testSiteImportXLSX(t *testing.T, e *env) {
	storetest.SeedGrids(t, e.db, e.fx)
	d := e.fx.CountyDispatcher
	types := must[[]*pingan.SiteType](t)(e.db.Sites.SiteTypes(ctx))
	book := func(rows ...[]sheet.Cell) []pingan.SiteImportRow {
		t.Helper()
		var b bytes.Buffer
		header := []string{"编码", "名称", "类型", "危险源等级", "网格编码", "纬度", "经度", "地址", "主管部门编码", "联系人", "联系电话"}
		if err := sheet.Write(&b, sheet.Sheet{Title: "重点场所", Header: header, Rows: rows}); err != nil {
			t.Fatal(err)
		}
		got, err := sheet.ReadSites(&b, types)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	tx, in := sheet.Text, sheet.Int[int]
	dept := e.fx.CountyHousing.Code
	good := []sheet.Cell{tx("A-1"), tx("富康小学"), tx("学校"), {}, tx(""), sheet.Float(39.752), sheet.Float(98.515), tx("富康路2号"), tx(dept), tx("李老师"), tx("13900001111")}
	hz := []sheet.Cell{tx(""), tx("富康加气站"), tx("hazard_source"), tx("三级"), tx("620902001001-01"), sheet.Float(39.755), sheet.Float(98.505), tx(""), tx(dept), {}, {}}
	bad := []sheet.Cell{tx(""), tx("某场所"), tx("城堡"), {}, {}, sheet.Float(39.755), sheet.Float(98.505), {}, tx(dept), {}, {}}
	badLevel := []sheet.Cell{tx(""), tx("某医院"), tx("医院"), in(2), {}, sheet.Float(39.755), sheet.Float(98.505), {}, tx(dept), {}, {}}

	// Rows 3 and 4 (the title is row 1, the header row 2) are good, 5 and
	// 6 bad: nothing is written, each bad row named by its number.
	rows := book(good, hz, bad, badLevel)
	if len(rows) != 4 || rows[0].Row != 3 || rows[0].Site.Type != pingan.SiteSchool || rows[1].Site.Level != 3 {
		t.Fatalf("read %+v", rows)
	}
	_, err := e.db.Sites.ImportSites(ctx, d, rows, false)
	pe := wantCode(t, err, pingan.EINVALID)
	wantKey(t, pe, "rows[5].type", "site.type.unknown")
	wantKey(t, pe, "rows[6].level", "site.level.none")
	if len(pe.Fields) != 2 {
		t.Errorf("fields %v, want rows 5 and 6 alone", pe.Fields)
	}
	if got := must[[]*pingan.Site](t)(e.db.Sites.FindSites(ctx, d, pingan.SiteFilter{})); len(got) != 0 {
		t.Fatalf("a refused import wrote %d sites", len(got))
	}
	// A dry run counts and writes nothing.
	rows = book(good, hz)
	res := must[*pingan.SiteImportResult](t)(e.db.Sites.ImportSites(ctx, d, rows, true))
	if res.Added != 2 || len(must[[]*pingan.Site](t)(e.db.Sites.FindSites(ctx, d, pingan.SiteFilter{}))) != 0 {
		t.Fatalf("dry run %+v wrote", res)
	}
	res = must[*pingan.SiteImportResult](t)(e.db.Sites.ImportSites(ctx, d, rows, false))
	if res.Added != 2 || res.Updated != 0 {
		t.Fatalf("import %+v", res)
	}
	// The export read back changes the same sites (by code, else by name
	// in the grid) and keeps the sealed contact its masked cells hide.
	sites := must[[]*pingan.Site](t)(e.db.Sites.FindSites(ctx, d, pingan.SiteFilter{}))
	sh, _ := sheet.SitesBook(pingan.ZH, sites, nil, d, e.clock.Now())
	var b bytes.Buffer
	if err := sheet.Write(&b, sh); err != nil {
		t.Fatal(err)
	}
	again, err := sheet.ReadSites(&b, types)
	if err != nil {
		t.Fatal(err)
	}
	res = must[*pingan.SiteImportResult](t)(e.db.Sites.ImportSites(ctx, d, again, false))
	if res.Added != 0 || res.Updated != 2 {
		t.Fatalf("import of the export %+v", res)
	}
	for _, s := range must[[]*pingan.Site](t)(e.db.Sites.FindSites(ctx, d, pingan.SiteFilter{})) {
		if s.Code == "A-1" {
			c := must[*pingan.SiteContact](t)(e.db.Sites.RevealContact(ctx, d, s.ID))
			if c.Name != "李老师" {
				t.Errorf("the contact after a round trip: %+v", c)
			}
			if s.Lat != 39.752 || s.Lng != 98.515 {
				t.Errorf("position after a round trip: %g %g", s.Lat, s.Lng)
			}
		}
	}
}
