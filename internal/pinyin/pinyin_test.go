package pinyin

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"
	"unicode"
)

func TestInitials(t *testing.T) {
	for name, want := range map[string]string{
		"肃州区": "SZQ", "酒泉市": "JQS", "金塔县": "JTX", "下坝村": "XBC", "下坝村委会": "XBCWH",
		"东北街街道": "DBJJD", "富康社区": "FKSQ", "3号楼": "3HL", "银达镇 综治中心": "YDZZZZX",
		"ａ栋": "AD", "": "",
	} {
		if got := Initials(name); got != want {
			t.Errorf("Initials(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestIndex(t *testing.T) {
	for _, c := range []struct {
		name, q string
		want    int
	}{
		{"下坝村委会", "XBC", 0},
		{"下坝村委会", "CWH", 2},
		{"下坝村委会", "XBD", -1},
		{"长安村", "CAC", 0}, // 长 chang
		{"长安村", "ZAC", 0}, // 长 zhang: any reading counts
		{"重庆市", "CQS", 0},
		{"东北街街道", "JD", 3},
		{"富康社区", "", -1},
		{"富", "FK", -1},
	} {
		if got := Index(c.name, c.q); got != c.want {
			t.Errorf("Index(%q, %q) = %d, want %d", c.name, c.q, got, c.want)
		}
	}
}

func TestQuery(t *testing.T) {
	for q, want := range map[string]string{"xbc": "XBC", " x b c ": "XBC", "ＸＢＣ": "XBC", "下坝": "", "x-b": "", "": ""} {
		if got := Query(q); got != want {
			t.Errorf("Query(%q) = %q, want %q", q, got, want)
		}
	}
}

// TestEveryDivisionName: every character of every name in the division
// data the demo embeds has an entry, so that every unit of the reference
// cities is found by its initials.
func TestEveryDivisionName(t *testing.T) {
	files, err := filepath.Glob("../../demo/divisions/*.csv")
	if err != nil || len(files) == 0 {
		t.Fatalf("no division data: %v", err)
	}
	names := 0
	for _, f := range files {
		in, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(in).ReadAll()
		in.Close()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		col := -1
		for i, h := range rows[0] {
			if h == "name" {
				col = i
			}
		}
		if col < 0 {
			t.Fatalf("%s: no column name", f)
		}
		for _, row := range rows[1:] {
			names++
			for _, r := range row[col] {
				if unicode.Is(unicode.Han, r) && !Known(r) {
					t.Errorf("%s: %q of %q has no entry", filepath.Base(f), r, row[col])
				}
			}
		}
	}
	if names < 6000 {
		t.Errorf("read %d names, expected the whole division data", names)
	}
}

// TestTable: the table is GB 2312's two levels at least, each character
// once among the usual readings.
func TestTable(t *testing.T) {
	seen := map[rune]bool{}
	for _, s := range usual {
		for _, r := range s {
			if seen[r] {
				t.Errorf("%q has two usual readings", r)
			}
			seen[r] = true
		}
	}
	if len(seen) < 6763 {
		t.Errorf("%d characters, fewer than GB 2312's 6763", len(seen))
	}
}

func BenchmarkIndex(b *testing.B) {
	for b.Loop() {
		Index("东北街街道下坝村委会", "XBC")
	}
}
