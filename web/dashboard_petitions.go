package web

import (
	"context"
	"net/url"

	"github.com/pingan-gov/pingan"
)

// The dashboard's section 信访 (docs/petitions.md): the numbers of the
// petitions of the unit's subtree in the period — 信访件次, 人次, 事项数,
// 复查 and 复核, and the rates 及时受理率, 按期办结率, 来信必复率, 重复信访率,
// 越级信访率, 复查变更率, 复核变更率 and 满意率 — with 同比 and 环比, and the
// same numbers by unit one level down (to drill down) and by month. Shown
// when the kind filter is empty or petition; every figure reads the
// counters of the kind petition, shows its formula on hover and links to
// the list of exactly the petitions it counts (petition=<measure>,
// pingan.CaseFilter.Petition). Matters only: nothing here is about a
// person.

// petitionSection is the section's figures and tables.
type petitionSection struct {
	Metrics []metric
	ByUnit  []*petitionRow
	ByMonth []*petitionRow
}

// petitionRow is a row of a table of the section: a unit or a month, with
// the lists its counts open.
type petitionRow struct {
	Name, Key string
	// Href drills down: the dashboard of the unit or the month.
	Href  string
	Stats *pingan.Stats
	// Links open the petitions each count of the row counts, by figure.
	Links map[string]string
	// Cells are the row's counts and rates.
	Cells cells
}

// petitionCounts are the counts of the section: each the measure of the
// list of the petitions it counts, and its measures (a count less Less).
var petitionCounts = []struct {
	ID       string
	Figure   string
	Measures []pingan.Measure
	Less     []pingan.Measure
}{
	{"p_petitions", "petitions", []pingan.Measure{pingan.MPetitions}, nil},
	// 人次 sums the people of the petitions its list holds.
	{"p_people", "petitions", []pingan.Measure{pingan.MPetitionPeople}, nil},
	{"p_matters", "matters", []pingan.Measure{pingan.MPetitions}, []pingan.Measure{pingan.MPetRepeats, pingan.MPetOverreach}},
	{"p_reviews", "pet_reviews", []pingan.Measure{pingan.MPetReviews}, nil},
	{"p_rechecks", "pet_rechecks", []pingan.Measure{pingan.MPetRechecks}, nil},
}

// petitionRateCases are the lists of the petitions each rate's numerator
// counts (pingan.CaseTally), beyond the kind, the unit and the period.
var petitionRateCases = map[string]url.Values{
	"petition_timely":         {"petition": {"pet_decided_on_time"}},
	"petition_on_time":        {"petition": {"pet_answered_on_time"}},
	"petition_reply":          {"petition": {"pet_letters_replied"}},
	"petition_repeat":         {"petition": {"pet_repeats"}},
	"petition_overreach":      {"petition": {"pet_overreach"}},
	"petition_review_change":  {"petition": {"pet_review_changed"}},
	"petition_recheck_change": {"petition": {"pet_recheck_changed"}},
	"petition_satisfaction":   {"status": {counted}, "satisfied": {"1"}},
}

// petitionCount answers the count id of st.
func petitionCount(st *pingan.Stats, id string) int64 {
	for _, c := range petitionCounts {
		if c.ID == id {
			return countOf(st, c.Measures) - countOf(st, c.Less)
		}
	}
	return 0
}

// fillCells puts together the counts and rates of every row of sec.
func (sec *petitionSection) fillCells(v *view) {
	ids := sec.CountIDs()
	for _, rows := range [][]*petitionRow{sec.ByUnit, sec.ByMonth} {
		for _, r := range rows {
			r.Cells = sectionCells(v, r.Stats, r.Links, ids, petitionCount, pingan.PetitionRates)
		}
	}
}

// showPetitions reports whether the dashboard filtered by fl shows the
// section: every kind, or petitions.
func showPetitions(fl dashFilter) bool {
	return fl.Kind == "" || fl.Kind == string(pingan.KindPetition)
}

// dashPetitions fills the section of the dashboard d.
func (s *Server) dashPetitions(ctx context.Context, u *pingan.User, v *view, d *dashData, fl dashFilter,
	link func(string, period) string) error {
	if !showPetitions(fl) {
		return nil
	}
	p, unit := d.Period, d.Unit
	fl.Kind = string(pingan.KindPetition)
	sq := func(p period) pingan.StatsQuery { return fl.stats(unit.Code, p.From, p.To) }
	cur, prev, yoy, series, bounds, err := s.periodStats(ctx, u, p, sq)
	if err != nil {
		return err
	}
	// cases opens the inbox on the petitions of the subtree of code
	// reported in the period q, with the filters and more.
	cases := sectionCases(fl, unit.Code)
	figure := func(name string) url.Values { return url.Values{"petition": {name}} }
	links := func(code string, q period) map[string]string {
		out := map[string]string{}
		for _, c := range petitionCounts {
			out[c.ID] = cases(code, q, figure(c.Figure))
		}
		return out
	}
	sec := &petitionSection{}
	for _, c := range petitionCounts {
		n, b, y := petitionCount(cur, c.ID), petitionCount(prev, c.ID), petitionCount(yoy, c.ID)
		sec.Metrics = append(sec.Metrics, countMetric(v, c.ID, n, b, y, cases(unit.Code, p, figure(c.Figure))))
	}
	for _, id := range pingan.PetitionRates {
		sec.Metrics = append(sec.Metrics, rateMetric(v, "p_", id, cur, prev, yoy, cases(unit.Code, p, petitionRateCases[id])))
	}

	// By unit one level down, each drilling down to its own dashboard.
	children, stOf, err := s.childStats(ctx, u, unit, fl, p)
	if err != nil {
		return err
	}
	for _, c := range children {
		st := stOf[c.Code]
		if st.Counts[pingan.MeasureNames[pingan.MPetitions]] == 0 {
			continue
		}
		sec.ByUnit = append(sec.ByUnit, &petitionRow{Key: c.Code, Name: c.Name, Href: kindLink(link(c.Code, p), pingan.KindPetition),
			Stats: st, Links: links(c.Code, p)})
	}

	// By month: the twelve months up to the period's last, latest first.
	for i := len(series) - 1; i >= 0; i-- {
		m := period{Kind: "month", From: bounds[i], To: bounds[i].AddDate(0, 1, 0)}
		key := m.From.Format("2006-01")
		sec.ByMonth = append(sec.ByMonth, &petitionRow{Key: key, Name: key, Href: kindLink(link(unit.Code, m), pingan.KindPetition),
			Stats: series[i], Links: links(unit.Code, m)})
	}
	sec.fillCells(v)
	d.Petitions = sec
	return nil
}

// CountIDs are the counts of the section's tables, in the order of their
// columns (for the template).
func (d *petitionSection) CountIDs() []string {
	out := make([]string, len(petitionCounts))
	for i, c := range petitionCounts {
		out[i] = c.ID
	}
	return out
}

// RateIDs are the rates of the section's tables.
func (d *petitionSection) RateIDs() []string { return pingan.PetitionRates }
