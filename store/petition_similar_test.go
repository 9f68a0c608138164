package store_test

import "testing"

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"PetitionSimilarOldMatter", testPetitionSimilarOldMatter},
	}...)
}

// testPetitionSimilarOldMatter: a petitioner's earlier matter is
// suggested as the same matter however many petitions came after it; the
// title comparison reads only the newest of the jurisdiction.
func testPetitionSimilarOldMatter(t *testing.T, e *env) {
	e.db.SetSimilarScan(3)
	old := e.reportPetition(t, "反映征地补偿款未足额发放", "620902196505050033", nil)
	for _, title := range []string{"反映小区供暖温度不达标", "要求解决拖欠农民工工资", "反映道路施工扬尘污染", "要求公开低保评定结果", "反映学校周边交通拥堵"} {
		e.reportPetition(t, title, "620902197001010044", nil)
	}
	again := e.reportPetition(t, "再次反映补偿款问题", "620902196505050033", nil)
	similar, err := e.db.Petitions.Similar(ctx, e.fx.TownshipDispatcher, again.ID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range similar {
		if m.ID == old.ID {
			found = len(m.Reasons) > 0 && m.Reasons[0] == "petitioner"
		}
		if m.ID == again.ID {
			t.Errorf("the petition is suggested as its own matter")
		}
	}
	if !found {
		t.Fatalf("the same petitioner's earlier matter beyond the window of 3: not suggested among %+v", similar)
	}
}
