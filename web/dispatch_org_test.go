package web

import (
	"testing"

	"github.com/pingan-gov/pingan"
)

// TestMediationOrgFor checks the dispatch form's default for a dispute:
// the nearest organisation of the category's kind, else the village's or
// the township's people's mediation committee, nothing for other kinds.
func TestMediationOrgFor(t *testing.T) {
	t.Parallel()
	unit := func(code, parent string, l pingan.Level, o pingan.OrgType) *pingan.Unit {
		return &pingan.Unit{Code: code, ParentCode: parent, Level: l, OrgType: o}
	}
	units := []*pingan.Unit{
		unit("city", "", pingan.LevelCity, ""),
		unit("city-med", "city", pingan.LevelDepartment, pingan.OrgMedical), // 市医调委
		unit("county", "city", pingan.LevelCounty, ""),
		unit("county-traffic", "county", pingan.LevelDepartment, pingan.OrgTraffic), // 县交调委
		unit("town", "county", pingan.LevelTownship, ""),
		unit("town-tj", "town", pingan.LevelDepartment, pingan.OrgTownship), // 镇调委会
		unit("village", "town", pingan.LevelVillage, ""),
		unit("village-tj", "village", pingan.LevelDepartment, pingan.OrgVillage), // 村调委会
		unit("village2", "town", pingan.LevelVillage, ""),
		unit("other-traffic", "city", pingan.LevelDepartment, pingan.OrgTraffic), // not on the way up
	}
	dispute := func(path string) *pingan.Case {
		return &pingan.Case{Kind: pingan.KindDispute, UnitPath: path}
	}
	cat := func(o pingan.OrgType) *pingan.Category { return &pingan.Category{Kind: pingan.KindDispute, OrgType: o} }
	inVillage, inVillage2 := "/city/county/town/village/", "/city/county/town/village2/"
	for _, tc := range []struct {
		name string
		c    *pingan.Case
		cat  *pingan.Category
		want string
	}{
		{"medical goes to the city's 医调委", dispute(inVillage), cat(pingan.OrgMedical), "city-med"},
		{"traffic goes to the nearest 交调委, the county's", dispute(inVillage), cat(pingan.OrgTraffic), "county-traffic"},
		{"no kind goes to the village's committee", dispute(inVillage), cat(""), "village-tj"},
		{"no category goes to the village's committee", dispute(inVillage), nil, "village-tj"},
		{"the township kind also starts at the village", dispute(inVillage), cat(pingan.OrgTownship), "village-tj"},
		{"a village without one goes to the township's", dispute(inVillage2), cat(pingan.OrgVillage), "town-tj"},
		{"a kind found nowhere falls back to the committees", dispute(inVillage2), cat(pingan.OrgLabour), "town-tj"},
		{"not a dispute", &pingan.Case{Kind: pingan.KindHazard, UnitPath: inVillage}, cat(pingan.OrgMedical), ""},
		{"nothing above", dispute("/elsewhere/"), cat(pingan.OrgMedical), ""},
	} {
		if got := mediationOrgFor(tc.c, tc.cat, units); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}
