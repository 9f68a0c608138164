package demo

import (
	"context"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
)

// checkMediation finds in the small demo city its disputes
// mediated through the actions: dispatched to mediation organisations,
// most ending in an agreement, a few failing or refused with a route,
// some confirmed by a court, agreements performed and visited again; its
// 化解率 and 调解成功率 are those a people's mediation committee reports.
func checkMediation(t *testing.T, db *store.DB, c *City) {
	ctx := context.Background()
	admin, err := db.Users.UserByUsername(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	st, err := db.Stats.Stats(ctx, admin, pingan.StatsQuery{Unit: c.Code, Kind: pingan.KindDispute,
		From: pingan.DayOf(c.From), To: pingan.DayOf(c.To).AddDate(0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("disputes: 受理 %d, 调解终结 %d, 调解成功 %d (%.1f%%), 化解 %d (%.1f%%), 司法确认 %d, 履行 %d/%d, %.1f days to agreement",
		st.Bases["settlement"], st.Counts["mediated"], st.Counts["agreed"], 100*st.Rates["mediation_success"],
		st.Counts["settled"], 100*st.Rates["settlement"], st.Counts["confirmed"], st.Counts["performed"], st.Counts["perform_base"],
		st.AgreementDays)
	if st.Counts["agreed"] == 0 || st.Counts["mediated"] == st.Counts["agreed"] {
		t.Errorf("%d agreements of %d mediations: want most, not all", st.Counts["agreed"], st.Counts["mediated"])
	}
	if r := st.Rates["mediation_success"]; r < 0.7 {
		t.Errorf("调解成功率 %.3f, want about nine in ten", r)
	}
	if st.Counts["settled"] < st.Counts["agreed"] {
		t.Errorf("化解 %d, fewer than the agreements %d", st.Counts["settled"], st.Counts["agreed"])
	}
	if st.Counts["performed"] == 0 || st.AgreementDays <= 0 {
		t.Errorf("performed %d, %.1f days to agreement", st.Counts["performed"], st.AgreementDays)
	}
	by, err := db.Stats.StatsBy(ctx, admin, pingan.StatsQuery{Unit: c.Code, Kind: pingan.KindDispute,
		From: pingan.DayOf(c.From), To: pingan.DayOf(c.To).AddDate(0, 0, 1)}, pingan.ByOrg)
	if err != nil {
		t.Fatal(err)
	}
	var agreed int64
	for _, o := range by {
		agreed += o.Counts["agreed"]
	}
	if len(by) < 2 || agreed != st.Counts["agreed"] {
		t.Errorf("%d organisations count %d agreements of %d", len(by), agreed, st.Counts["agreed"])
	}
}
