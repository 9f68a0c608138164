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
	tests := []struct{ in, row, says string }{
		{"", "row 1", "表头"},
		{"code,name\n1,a\n", "row 1", "level"},
		{"code,name,level,parent_code\n620900,酒泉市,metropolis,\n", "row 2", "level"},
		{"code,name,level,parent_code\n620900,酒泉市,city,\n620902,,county,620900\n", "row 3", "name"},
		{"code,name,level,parent_code\n620900,酒泉市,city,\n620900,酒泉,city,\n", "row 3", "重复"},
		{"code,name,level,parent_code\n62 09,酒泉市,city,\n", "row 2", "code"},
		{"code,name,level,parent_code\n620900,\"酒泉市,city,\n", "row 2", "CSV"},
		{"code,name,level,parent_code\n", "row 2", "没有数据"},
	}
	for _, tt := range tests {
		_, err := Units(strings.NewReader(tt.in))
		e, ok := err.(*pingan.Error)
		if !ok || e.Code != pingan.EINVALID || !strings.Contains(e.Fields[tt.row], tt.says) {
			t.Errorf("%q: want %s mentioning %q, got %v", tt.in, tt.row, tt.says, err)
		}
	}
}
