package store_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// importRows are work orders of a 12345 export as the importer reads them.
func importRows(now time.Time) []pingan.CaseImportRow {
	return []pingan.CaseImportRow{
		// In 富康社区第一网格 by its position.
		{Row: 3, HotlineNo: "GD20260001", CalledAt: now.AddDate(0, 0, -20), Category: "邻里纠纷",
			Location: &pingan.Location{Lat: 39.755, Lng: 98.505}, Content: "楼上漏水，协商未果\n第二行",
			Caller: &pingan.Person{Name: "张三丰", Phone: "13812345678"}},
		// By its address: 南苑社区, its township named too.
		{Row: 4, HotlineNo: "GD20260002", CalledAt: now.Add(-2 * time.Hour), Category: "0402",
			Address: "肃州区东北街街道南苑社区幸福小区3号楼", Content: "物业停水"},
		// A path of category names; 银达村 by its address.
		{Row: 5, HotlineNo: "GD20260003", CalledAt: now.Add(-time.Hour), Category: "婚恋家庭纠纷/婚姻纠纷",
			Address: "银达镇银达村五组", Content: "家庭矛盾", Caller: &pingan.Person{Name: "李四", Phone: "13900001111"}},
	}
}

func testCaseImport(t *testing.T, e *env) {
	storetest.SeedGrids(t, e.db, e.fx)
	d := e.fx.CountyDispatcher
	now := e.clock.Now()
	rows := importRows(now)
	var seen [][2]int
	res, err := e.db.CaseImports.ImportCases(ctx, d, "12345.xlsx", rows, func(done, total int) { seen = append(seen, [2]int{done, total}) })
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 3 || res.Already != 0 || len(res.Cases) != 3 {
		t.Fatalf("import %+v", res)
	}
	if len(seen) != 3 || seen[2] != [2]int{3, 3} {
		t.Errorf("progress %v", seen)
	}
	want := []struct{ unit, grid, category string }{
		{e.fx.Village.Code, "620902001001-01", "0102"},
		{e.fx.Village2.Code, "", "0402"},
		{e.fx.Village3.Code, "", "0101"},
	}
	for i, id := range res.Cases {
		c := must[*pingan.Case](t)(e.db.Cases.FindCase(ctx, d, id))
		w := want[i]
		if c.Source != pingan.SourceImport || c.HotlineNo != rows[i].HotlineNo || c.Unit != w.unit || c.Grid != w.grid || c.Category != w.category {
			t.Errorf("row %d: case %+v, want %+v", rows[i].Row, c, w)
		}
		if !c.ReportedAt.Equal(rows[i].CalledAt) {
			t.Errorf("row %d reported at %v, want the call %v", rows[i].Row, c.ReportedAt, rows[i].CalledAt)
		}
		// Deadlines count from the import: a call of 20 days ago is not overdue at once.
		if c.ResolveBy == nil || !c.ResolveBy.After(now.AddDate(0, 0, 9)) {
			t.Errorf("row %d resolve by %v, want a full period from the import %v", rows[i].Row, c.ResolveBy, now)
		}
		tl := must[[]*pingan.Action](t)(e.db.Cases.Timeline(ctx, d, id))
		if len(tl) == 0 || tl[0].Deadline == nil || c.ResolveBy == nil || !tl[0].Deadline.Equal(*c.ResolveBy) {
			t.Errorf("row %d: the report's deadline %v, the case's %v", rows[i].Row, tl[0].Deadline, c.ResolveBy)
		}
		if c.Title != "楼上漏水，协商未果" && i == 0 {
			t.Errorf("title %q", c.Title)
		}
	}
	first := must[*pingan.Case](t)(e.db.Cases.FindCase(ctx, d, res.Cases[0]))
	if first.Reporter == nil || first.Reporter.Name != "张三丰" || first.Reporter.Phone != "13812345678" {
		t.Errorf("reporter %+v, want the caller whole to the dispatcher", first.Reporter)
	}
	list, _ := must2c(t)(e.db.Cases.FindCases(ctx, d, pingan.CaseFilter{Q: "GD20260001"}))
	if len(list) != 1 || list[0].Reporter == nil || strings.Contains(list[0].Reporter.Phone, "1234") {
		t.Errorf("list %v: want the case with its caller masked", list)
	}
	// Sealed at rest: the caller's name is nowhere in the row in clear.
	var n int
	if err := e.db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM cases WHERE hotline_no = 'GD20260001' AND reporter_sealed IS NOT NULL`).Scan(&n); err != nil || n != 1 {
		t.Errorf("sealed reporter rows %d, %v", n, err)
	}

	// The same file again writes nothing: every row 已导入.
	count := func() int {
		var n int
		if err := e.db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM cases`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	again := must[*pingan.CaseImportResult](t)(e.db.CaseImports.ImportCases(ctx, d, "12345.xlsx", rows, nil))
	if again.Created != 0 || again.Already != 3 || count() != before {
		t.Fatalf("second import %+v wrote %d cases", again, count()-before)
	}

	// One unknown category: 第 7 行 named, nothing written (row 6 is good).
	bad := []pingan.CaseImportRow{
		{Row: 6, HotlineNo: "GD20260004", CalledAt: now.Add(-time.Hour), Category: "邻里纠纷", Address: "富康社区", Content: "噪音"},
		{Row: 7, HotlineNo: "GD20260005", CalledAt: now.Add(-time.Hour), Category: "外星人入侵", Address: "富康社区", Content: "不明飞行物"},
	}
	_, err = e.db.CaseImports.ImportCases(ctx, d, "bad.csv", bad, nil)
	pe := wantCode(t, err, pingan.EINVALID)
	wantKey(t, pe, "rows[7].category", "caseimport.category.unknown")
	if len(pe.Fields) != 1 || count() != before {
		t.Fatalf("fields %v; cases %d → %d: want row 7 alone and nothing written", pe.Fields, before, count())
	}
	// A repeated number in the file names the first row.
	_, err = e.db.CaseImports.ImportCases(ctx, d, "dup.csv", []pingan.CaseImportRow{bad[0], {Row: 9, HotlineNo: "GD20260004",
		CalledAt: now, Category: "邻里纠纷", Address: "富康社区", Content: "x"}}, nil)
	wantKey(t, wantCode(t, err, pingan.EINVALID), "rows[9].hotline_no", "caseimport.hotline.repeated")

	// Address placement: the address names no unit, or two at one level.
	_, err = e.db.CaseImports.ImportCases(ctx, d, "addr.csv", []pingan.CaseImportRow{
		{Row: 2, HotlineNo: "GD1", CalledAt: now, Category: "邻里纠纷", Address: "解放路12号", Content: "x"},
		{Row: 3, HotlineNo: "GD2", CalledAt: now, Category: "邻里纠纷", Address: "富康社区与南苑社区交界处", Content: "x"},
		{Row: 4, HotlineNo: "GD3", CalledAt: now, Category: "邻里纠纷", Address: "银达镇富康社区", Content: "x"}, // 富康社区 lies in another township
	}, nil)
	pe = wantCode(t, err, pingan.EINVALID)
	wantKey(t, pe, "rows[2].address", "caseimport.address.none")
	wantKey(t, pe, "rows[3].address", "caseimport.address.ambiguous")
	if _, ok := pe.Fields["rows[4].address"]; ok {
		t.Errorf("row 4 (银达镇, then a community of another township) refused: %v", pe.Fields)
	}
	if count() != before {
		t.Fatal("a refused file wrote cases")
	}
}

// must2c unwraps FindCases.
func must2c(t *testing.T) func([]*pingan.Case, string, error) ([]*pingan.Case, string) {
	return func(cs []*pingan.Case, next string, err error) ([]*pingan.Case, string) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return cs, next
	}
}

// testCaseImportJurisdiction: the importer's jurisdiction bounds the places
// and the numbers already imported.
func testCaseImportJurisdiction(t *testing.T, e *env) {
	storetest.SeedGrids(t, e.db, e.fx)
	now := e.clock.Now()
	// 东北街's dispatcher: a position in 银达村网格 and an address in 银达镇 lie outside.
	_, err := e.db.CaseImports.ImportCases(ctx, e.fx.TownshipDispatcher, "out.csv", []pingan.CaseImportRow{
		{Row: 2, HotlineNo: "GD1", CalledAt: now, Category: "邻里纠纷", Location: &pingan.Location{Lat: 39.81, Lng: 98.61}, Content: "x"},
		{Row: 3, HotlineNo: "GD2", CalledAt: now, Category: "邻里纠纷", Address: "银达镇银达村", Content: "x"},
		{Row: 4, HotlineNo: "GD3", CalledAt: now, Category: "邻里纠纷", Address: "富康社区", Content: "x"},
	}, nil)
	pe := wantCode(t, err, pingan.EINVALID)
	wantKey(t, pe, "rows[2].location", "placement.location.outside")
	wantKey(t, pe, "rows[3].address", "caseimport.address.none")
	if len(pe.Fields) != 2 {
		t.Errorf("fields %v, want rows 2 and 3", pe.Fields)
	}
	// A handler may not import.
	_, err = e.db.CaseImports.ImportCases(ctx, e.fx.CountyHandler, "x.csv", importRows(now)[:1], nil)
	wantCode(t, err, pingan.EFORBIDDEN)

	// 肃州区 imports GD20260001; 金塔县 has a work order of that number of its
	// own, which is new to it.
	must[*pingan.CaseImportResult](t)(e.db.CaseImports.ImportCases(ctx, e.fx.CountyDispatcher, "a.csv", importRows(now)[:1], nil))
	other := []pingan.CaseImportRow{{Row: 2, HotlineNo: "GD20260001", CalledAt: now, Category: "邻里纠纷", Address: "金塔镇金塔村", Content: "x"}}
	res := must[*pingan.CaseImportResult](t)(e.db.CaseImports.ImportCases(ctx, e.fx.OtherDispatcher, "b.csv", other, nil))
	if res.Created != 1 || res.Already != 0 {
		t.Fatalf("金塔县's import %+v: a number imported outside its jurisdiction is new to it", res)
	}
}

// testCaseImportPreview: the preview writes no case, keeps the rows for
// their importer alone, and the confirmation imports them once.
func testCaseImportPreview(t *testing.T, e *env) {
	storetest.SeedGrids(t, e.db, e.fx)
	d := e.fx.CountyDispatcher
	rows := importRows(e.clock.Now())
	must[*pingan.CaseImportResult](t)(e.db.CaseImports.ImportCases(ctx, d, "a.csv", rows[:1], nil))
	pv := must[*pingan.CaseImportPreview](t)(e.db.CaseImports.PreviewCaseImport(ctx, d, "b.xlsx", rows))
	if pv.New != 2 || pv.Already != 1 || pv.Errors != 0 || pv.Draft == "" || len(pv.Lines) != 3 {
		t.Fatalf("preview %+v", pv)
	}
	l := pv.Lines[1]
	if l.State != pingan.CaseImportNew || l.Unit != e.fx.Village2.Code || l.UnitName != "南苑社区" || l.CategoryName != "物业纠纷" || l.Placement == "" {
		t.Errorf("line %+v", l)
	}
	if c := pv.Lines[2].Caller; c == nil || c.Name == "李四" || strings.Contains(c.Phone, "0000") {
		t.Errorf("caller %+v, want masked", c)
	}
	if got, _ := must2c(t)(e.db.Cases.FindCases(ctx, d, pingan.CaseFilter{})); len(got) != 1 {
		t.Fatalf("the preview wrote cases: %d", len(got))
	}
	_, err := e.db.CaseImports.ImportCaseDraft(ctx, e.fx.CityDispatcher, pv.Draft, nil)
	wantCode(t, err, pingan.ENOTFOUND)
	res := must[*pingan.CaseImportResult](t)(e.db.CaseImports.ImportCaseDraft(ctx, d, pv.Draft, nil))
	if res.Created != 2 || res.Already != 1 {
		t.Fatalf("confirmed %+v", res)
	}
	_, err = e.db.CaseImports.ImportCaseDraft(ctx, d, pv.Draft, nil)
	wantCode(t, err, pingan.ENOTFOUND)

	// A bad row: its line says why, and nothing is kept to confirm.
	bad := []pingan.CaseImportRow{{Row: 2, HotlineNo: "GD9", CalledAt: e.clock.Now(), Category: "外星人", Address: "富康社区", Content: "x"}}
	pv = must[*pingan.CaseImportPreview](t)(e.db.CaseImports.PreviewCaseImport(ctx, d, "c.csv", bad))
	if pv.Errors != 1 || pv.Draft != "" || pv.Lines[0].Errors["category"].Key != "caseimport.category.unknown" {
		t.Fatalf("preview of a bad row %+v", pv)
	}
}

// BenchmarkCaseImport10k imports a file of 10,000 work orders, half placed
// by their position, half by their address, in one transaction.
func BenchmarkCaseImport10k(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchCaseImport(b, "") })
	b.Run("postgres", func(b *testing.B) { benchCaseImport(b, storetest.PostgresDSN(b)) })
}

func benchCaseImport(b *testing.B, dsn string) {
	clock := storetest.NewClock(storetest.Epoch)
	db := storetest.OpenWith(b, store.Options{DSN: dsn, Clock: clock})
	fx := storetest.Seed(b, db)
	storetest.SeedGrids(b, db, fx)
	for n := 0; b.Loop(); n++ {
		rows := make([]pingan.CaseImportRow, 10000)
		for i := range rows {
			r := pingan.CaseImportRow{Row: i + 2, HotlineNo: fmt.Sprintf("B%dN%06d", n, i), CalledAt: clock.Now().Add(-time.Duration(i) * time.Minute),
				Category: "邻里纠纷", Content: fmt.Sprintf("楼上漏水 %d", i), Caller: &pingan.Person{Name: "张三", Phone: "13812345678"}}
			if i%2 == 0 {
				r.Location = &pingan.Location{Lat: 39.755, Lng: 98.505}
			} else {
				r.Address = "东北街街道南苑社区幸福小区"
			}
			rows[i] = r
		}
		res, err := db.CaseImports.ImportCases(ctx, fx.CountyDispatcher, "bench.csv", rows, nil)
		if err != nil || res.Created != len(rows) {
			b.Fatal(res, err)
		}
	}
}
