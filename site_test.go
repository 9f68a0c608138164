package pingan

import "testing"

// TestSiteTypeSchedules: a type's schedules are whole — one per level 1–4
// of a hazard-source type, one of level 0 for another — so that an
// inspection always finds its cadence.
func TestSiteTypeSchedules(t *testing.T) {
	leveled := func(levels ...int) *SiteType {
		st := &SiteType{Code: "hazard_source", Name: "重大危险源企业", Leveled: true, Checklist: []ChecklistItem{{Text: "危化品储存符合规定"}}}
		for _, l := range levels {
			st.Schedules = append(st.Schedules, SiteSchedule{Level: l, Days: 7 * l})
		}
		return st
	}
	plain := &SiteType{Code: "school", Name: "学校", Checklist: []ChecklistItem{{Text: "消防通道畅通"}}}
	for _, c := range []struct {
		name  string
		t     *SiteType
		field string // "" valid
	}{
		{"every level", leveled(1, 2, 3, 4), ""},
		{"level 1 only", leveled(1), "schedules"},
		{"level 3 missing", leveled(1, 2, 4), "schedules"},
		{"level 2 twice", leveled(1, 2, 2, 3, 4), "schedules[2].level"},
		{"a plain type without a schedule", plain, "schedules"},
		{"a plain type with one", &SiteType{Code: "school", Name: "学校", Checklist: plain.Checklist, Schedules: []SiteSchedule{{Months: 6}}}, ""},
	} {
		var v Invalid
		c.t.Validate(&v)
		err := v.Err()
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.field != "" && !v.Has(c.field):
			t.Errorf("%s: %v, want an error naming %s", c.name, err, c.field)
		}
	}
}
