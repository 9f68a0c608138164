package importer

import (
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
)

func TestUnits(t *testing.T) {
	in := "\ufeffcode,name,level,parent_code\n620900,酒泉市,city,\n620902,肃州区,county,620900\n620902-ZZ,肃州区综治中心,centre,620902\n"
	units, err := Units(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 3 || units[1].Code != "620902" || units[1].ParentCode != "620900" || units[2].Level != pingan.LevelCentre {
		t.Errorf("units %+v", units)
	}
}

func TestUnitsBadRows(t *testing.T) {
	tests := []struct{ in, row, says, msg string }{
		{"", "row 1", "表头", "import.header.empty"},
		{"code,name\n1,a\n", "row 1", "level", "import.header.column"},
		{"code,name,level,parent_code\n620900,酒泉市,metropolis,\n", "row 2", "level", "import.unit.level.bad"},
		{"code,name,level,parent_code\n620900,酒泉市,city,\n620902,,county,620900\n", "row 3", "name", "import.unit.name.empty"},
		{"code,name,level,parent_code\n620900,酒泉市,city,\n620900,酒泉,city,\n", "row 3", "重复", "import.unit.duplicate"},
		{"code,name,level,parent_code\n62 09,酒泉市,city,\n", "row 2", "code", "import.unit.code.bad"},
		{"code,name,level,parent_code\n620900,\"酒泉市,city,\n", "row 2", "CSV", "import.csv.malformed"},
		{"code,name,level,parent_code\n", "row 2", "没有数据", "import.rows.none"},
	}
	for _, tt := range tests {
		_, err := Units(strings.NewReader(tt.in))
		e, ok := err.(*pingan.Error)
		if !ok || e.Code != pingan.EINVALID || e.Msg.Key != "import.file.invalid" || e.Fields[tt.row].Key != tt.msg || !strings.Contains(e.Fields[tt.row].Text(pingan.ZH), tt.says) {
			t.Errorf("%q: want %s: %s mentioning %q, got %v", tt.in, tt.row, tt.msg, tt.says, err)
		}
		if ok && strings.Contains(e.Fields[tt.row].Text(pingan.EN), "%!") {
			t.Errorf("%q: %s", tt.in, e.Fields[tt.row].Text(pingan.EN))
		}
	}
}
