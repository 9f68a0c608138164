package demo

import (
	"context"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
)

// checkPetitions finds in the small demo city its petitions
// walked through the regulation's procedure with the actions: registered,
// forwarded with a numbered slip, accepted with a notice, answered with a
// 处理意见书 and delivered; none escalated by the deadline watch.
func checkPetitions(t *testing.T, db *store.DB, c *City) {
	ctx := context.Background()
	admin, err := db.Users.UserByUsername(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	q := pingan.StatsQuery{Unit: c.Code, Kind: pingan.KindPetition, From: pingan.DayOf(c.From), To: pingan.DayOf(c.To).AddDate(0, 0, 1)}
	st, err := db.Stats.Stats(ctx, admin, q)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("petitions: %d (%d people), decided %d (%d on time), accepted %d, answered %d (%d on time), letters %d (%d replied), repeats %d, 越级 %d, 复查 %d, 复核 %d",
		st.Counts["petitions"], st.Counts["petition_people"], st.Counts["pet_decided"], st.Counts["pet_decided_on_time"],
		st.Counts["pet_accepted"], st.Counts["pet_answered"], st.Counts["pet_answered_on_time"], st.Counts["pet_letters"],
		st.Counts["pet_letters_replied"], st.Counts["pet_repeats"], st.Counts["pet_overreach"], st.Counts["pet_reviews"],
		st.Counts["pet_rechecks"])
	for _, m := range []string{"petitions", "pet_decided", "pet_accepted", "pet_answered", "pet_letters_replied"} {
		if st.Counts[m] == 0 {
			t.Errorf("no petition counts in %s", m)
		}
	}
	if r := st.Rates["petition_timely"]; r < 0.8 {
		t.Errorf("及时受理率 %.3f, want most decided within their 15 days", r)
	}
	answered, _, err := db.Cases.FindCases(ctx, admin, pingan.CaseFilter{Unit: c.Code, Petition: "pet_answered", Limit: 5})
	if err != nil || len(answered) == 0 {
		t.Fatalf("answered petitions: %v, %d", err, len(answered))
	}
	for _, a := range answered {
		rec, err := db.Petitions.Petition(ctx, admin, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[pingan.DocKind]bool{}
		for _, d := range rec.Documents {
			kinds[d.Kind] = true
			if !strings.Contains(d.Number, "〔") || !strings.HasSuffix(d.Number, "号") {
				t.Errorf("%s: document number %q", a.ID, d.Number)
			}
		}
		for _, k := range []pingan.DocKind{pingan.DocForward, pingan.DocAccept, pingan.DocAnswer} {
			if !kinds[k] {
				t.Errorf("%s: no %s among %+v", a.ID, k, rec.Documents)
			}
		}
	}
	yes := true
	if cs, _, err := db.Cases.FindCases(ctx, admin, pingan.CaseFilter{Unit: c.Code, Kind: pingan.KindPetition, Escalated: &yes}); err != nil || len(cs) != 0 {
		t.Errorf("petitions escalated: %v, %d", err, len(cs))
	}
}
