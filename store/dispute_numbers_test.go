package store_test

import (
	"math"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"DisputeNumbers", testDisputeNumbers},
		{"UnitOrgType", testUnitOrgType},
	}...)
}

// disputeNumbers are the numbers of storetest.DisputeHistory, derived by
// hand from its table:
//
//	受理数        10  every one accepted, none rejected or merged
//	调解终结数     9  D1–D9 (D10 is still mediating)
//	调解成功数     6  D1–D6
//	调解成功率  6/9  = 66.67%
//	化解数        7  the six agreements and D8, settled at its 回访
//	化解率     7/10  = 70%
//	司法确认数     2  D1, D2 (D4 only applied)
//	履行完毕       3  D1, D2, D3
//	履行应考核     4  those three and D4, whose one term's day has passed
//	协议履行率  3/4  = 75%
//	达成协议用时  2 + 3 + 4 + 8 + 8 + 8 = 33 days over 6 agreements = 5.5 days
var disputeNumbers = map[string]int64{"reported": 10, "mediated": 9, "agreed": 6, "settled": 7, "confirmed": 2,
	"performed": 3, "perform_base": 4, "agreement_days": 33}

var disputeRates = map[string]float64{"mediation_success": 6.0 / 9, "settlement": 7.0 / 10, "performance": 3.0 / 4}

// checkDisputeNumbers fails unless st holds the numbers of the history.
func checkDisputeNumbers(t *testing.T, what string, st *pingan.Stats) {
	t.Helper()
	for m, want := range disputeNumbers {
		if got := st.Counts[m]; got != want {
			t.Errorf("%s: %s = %d, want %d", what, m, got, want)
		}
	}
	for id, want := range disputeRates {
		if got := st.Rates[id]; math.Abs(got-want) > 1e-9 {
			t.Errorf("%s: rate %s = %v, want %v", what, id, got, want)
		}
	}
	if st.Bases["settlement"] != 10 {
		t.Errorf("%s: 受理数 (base of 化解率) %d, want 10", what, st.Bases["settlement"])
	}
	if st.AgreementDays != 5.5 {
		t.Errorf("%s: average days to agreement %v, want 5.5", what, st.AgreementDays)
	}
}

// testDisputeNumbers walks the fixed history through Act and reads its
// numbers from the counters: for the county, by mediation organisation and
// by month; a hazard filed beside it changes none of the rates of
// disputes, whose base is the disputes alone; each figure's list holds
// exactly the disputes it counts.
func testDisputeNumbers(t *testing.T, e *env) {
	fx := e.fx
	storetest.DisputeHistory(t, e.db, fx, e.clock)
	// A hazard of the same month counts for 受理数 of every case, not of
	// disputes.
	h := e.report(t, fx.GridWorker, fx.Village.Code, func(n *pingan.NewCase) { n.Kind, n.Category = pingan.KindHazard, "AQ01" })
	e.act(t, fx.TownshipDispatcher, h.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.noDiffs(t)

	from := time.Date(2026, 3, 1, 0, 0, 0, 0, pingan.CST)
	q := pingan.StatsQuery{Unit: fx.County.Code, From: from, To: from.AddDate(0, 1, 0)}
	all, err := e.db.Stats.Stats(ctx, fx.CountyDispatcher, q)
	if err != nil {
		t.Fatal(err)
	}
	if all.Total != 11 {
		t.Errorf("reported %d, want the 10 disputes and the hazard", all.Total)
	}
	all.Counts["reported"] = 10 // the hazard counts nothing else of disputes
	checkDisputeNumbers(t, "county", all)
	q.Kind = pingan.KindDispute
	st, err := e.db.Stats.Stats(ctx, fx.CountyDispatcher, q)
	if err != nil {
		t.Fatal(err)
	}
	checkDisputeNumbers(t, "county, disputes", st)
	q.Kind = pingan.KindHazard
	hz, err := e.db.Stats.Stats(ctx, fx.CountyDispatcher, q)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range pingan.DisputeRates {
		if hz.Bases[id] != 0 {
			t.Errorf("hazards: rate %s has base %d, want none (shown as —)", id, hz.Bases[id])
		}
	}

	// By mediation organisation: the township's committee; another one
	// that counts nothing is left out.
	if err := e.db.Units.SetUnitOrgType(ctx, fx.Admin, fx.Township2.Code, pingan.OrgTownship); err != nil {
		t.Fatal(err)
	}
	q.Kind = ""
	by, err := e.db.Stats.StatsBy(ctx, fx.CountyDispatcher, q, pingan.ByOrg)
	if err != nil {
		t.Fatal(err)
	}
	if len(by) != 1 || by[0].Key != fx.Township.Code {
		t.Fatalf("by org: %d rows, want the township's alone", len(by))
	}
	by[0].Counts["reported"] = 10
	checkDisputeNumbers(t, "by org", by[0])

	// By month: March holds them all, February nothing.
	series, err := e.db.Stats.StatsSeries(ctx, fx.CountyDispatcher, pingan.StatsQuery{Unit: fx.County.Code, Kind: pingan.KindDispute},
		[]time.Time{from.AddDate(0, -1, 0), from, from.AddDate(0, 1, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if series[0].Counts["agreed"] != 0 {
		t.Errorf("February: %d agreements", series[0].Counts["agreed"])
	}
	checkDisputeNumbers(t, "March", series[1])

	// Each figure's list: exactly the disputes it counts.
	for m, want := range disputeNumbers {
		if m == "reported" || m == "agreement_days" {
			continue
		}
		cs, _, err := e.db.Cases.FindCases(ctx, fx.CountyDispatcher, pingan.CaseFilter{Unit: fx.County.Code, Mediation: m})
		if err != nil {
			t.Fatalf("list of %s: %v", m, err)
		}
		if int64(len(cs)) != want {
			t.Errorf("the list of %s holds %d disputes, want %d", m, len(cs), want)
		}
	}
	if _, _, err := e.db.Cases.FindCases(ctx, fx.CountyDispatcher, pingan.CaseFilter{Mediation: "agreements"}); pingan.ErrorCode(err) != pingan.EINVALID {
		t.Errorf("an unknown measure: %v, want EINVALID", err)
	}
}

// testUnitOrgType: an administrator makes a unit of their jurisdiction a
// mediation organisation and clears it; an unknown kind, a unit outside
// and a user who is no administrator are refused; an import keeps a
// unit's kind unless its row names one.
func testUnitOrgType(t *testing.T, e *env) {
	fx := e.fx
	if err := e.db.Units.SetUnitOrgType(ctx, fx.Admin, fx.Village.Code, pingan.OrgVillage); err != nil {
		t.Fatal(err)
	}
	u, err := e.db.Units.FindUnit(ctx, fx.Admin, fx.Village.Code)
	if err != nil || u.OrgType != pingan.OrgVillage {
		t.Fatalf("after setting: %v %+v", err, u)
	}
	// An import of the unit without a kind keeps it; with one, changes it.
	if _, err := e.db.Units.ImportUnits(ctx, []*pingan.Unit{{Code: u.Code, Name: u.Name + "（新）", Level: u.Level, ParentCode: u.ParentCode}}); err != nil {
		t.Fatal(err)
	}
	if u, _ = e.db.Units.FindUnit(ctx, fx.Admin, fx.Village.Code); u.OrgType != pingan.OrgVillage {
		t.Errorf("an import without org_type made it %q", u.OrgType)
	}
	if _, err := e.db.Units.ImportUnits(ctx, []*pingan.Unit{{Code: u.Code, Name: u.Name, Level: u.Level, ParentCode: u.ParentCode, OrgType: pingan.OrgFamily}}); err != nil {
		t.Fatal(err)
	}
	if u, _ = e.db.Units.FindUnit(ctx, fx.Admin, fx.Village.Code); u.OrgType != pingan.OrgFamily {
		t.Errorf("an import with org_type family made it %q", u.OrgType)
	}
	if _, err := e.db.Units.ImportUnits(ctx, []*pingan.Unit{{Code: "620902001009", Name: "新调委会", Level: pingan.LevelDepartment,
		ParentCode: fx.Township.Code, OrgType: "mediators"}}); pingan.ErrorCode(err) != pingan.EINVALID {
		t.Errorf("an import of an unknown kind: %v, want EINVALID", err)
	}
	if err := e.db.Units.SetUnitOrgType(ctx, fx.Admin, fx.Village.Code, ""); err != nil {
		t.Fatal(err)
	}
	if u, _ = e.db.Units.FindUnit(ctx, fx.Admin, fx.Village.Code); u.OrgType != "" {
		t.Errorf("after clearing: %q", u.OrgType)
	}
	for _, c := range []struct {
		who  *pingan.User
		code string
		t    pingan.OrgType
		want string
	}{
		{fx.Admin, fx.Village.Code, "mediators", pingan.EINVALID},
		{fx.CountyDispatcher, fx.Village.Code, pingan.OrgVillage, pingan.EFORBIDDEN},
		{fx.Admin, "nowhere", pingan.OrgVillage, pingan.ENOTFOUND},
	} {
		if err := e.db.Units.SetUnitOrgType(ctx, c.who, c.code, c.t); pingan.ErrorCode(err) != c.want {
			t.Errorf("%s sets %s of %s: %v, want %s", c.who.Username, c.t, c.code, err, c.want)
		}
	}
	// Categories keep theirs; only disputes may name one.
	cats, err := e.db.Categories.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cats {
		if c.Code == "0503" && c.OrgType != pingan.OrgTraffic {
			t.Errorf("0503 交通事故纠纷 goes to %q, want traffic", c.OrgType)
		}
		if c.Code == "AQ01" {
			c.OrgType = pingan.OrgMedical
			if err := e.db.Categories.SaveCategory(ctx, nil, c); pingan.ErrorCode(err) != pingan.EINVALID {
				t.Errorf("a hazard category naming an organisation: %v, want EINVALID", err)
			}
		}
	}
}
