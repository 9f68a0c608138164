package web

import (
	"context"
	"net/url"

	"github.com/pingan-gov/pingan"
)

// The dashboard's section 安全隐患 (docs/hazards.md): the hazards of the
// unit's subtree found in the period — 隐患发现数, 重大隐患 and those not
// closed now, 挂牌督办, 整改超期, and the rates 整改率, 按期整改率 and 复查
// 合格率 — with 同比 and 环比, every figure read from the counters of the
// kind hazard, with its formula on hover and a link to the list of exactly
// the hazards it counts (hazard=<measure>, pingan.CaseFilter.Hazard); and
// the open major hazards listed for supervision (挂牌督办), oldest first,
// until they are closed. Shown when the kind filter is empty or hazard.

// hazardSection is the section's figures and the list of listed hazards.
type hazardSection struct {
	Metrics []metric
	// Listed are the open major hazards listed for supervision that the
	// reader sees, oldest first; ListedTotal how many there are.
	Listed      []*pingan.Case
	ListedTotal int
}

// hazardCounts are the counts of the section: each the figure of the list
// of the hazards it counts and its measure.
var hazardCounts = []struct {
	ID, Figure string
	Measure    pingan.Measure
}{
	{"h_found", "found", pingan.MReported},
	{"h_major", "hz_major", pingan.MHazardMajor},
	{"h_major_open", "hz_major_open", pingan.MHazardMajorOpen},
	{"h_listed", "hz_listed", pingan.MHazardListed},
	{"h_late", "hz_late", pingan.MHazardLate},
}

// hazardRateCases are the lists of the hazards each rate's numerator
// counts.
var hazardRateCases = map[string]string{
	"hazard_rectify":         "hz_rectified",
	"hazard_rectify_on_time": "hz_rectified_on_time",
	"hazard_recheck_pass":    "hz_passed_first",
}

// hazardLister is the store's list of listed hazards (store.Cases).
type hazardLister interface {
	ListedHazards(ctx context.Context, actor *pingan.User) ([]*pingan.Case, int, error)
}

// showHazards reports whether the dashboard filtered by fl shows the
// section: every kind, or hazards.
func showHazards(fl dashFilter) bool {
	return fl.Kind == "" || fl.Kind == string(pingan.KindHazard)
}

// dashHazards fills the section of the dashboard d.
func (s *Server) dashHazards(ctx context.Context, u *pingan.User, v *view, d *dashData, fl dashFilter) error {
	if !showHazards(fl) {
		return nil
	}
	p, unit := d.Period, d.Unit
	fl.Kind = string(pingan.KindHazard)
	sq := func(p period) pingan.StatsQuery { return fl.stats(unit.Code, p.From, p.To) }
	cur, prev, yoy, _, _, err := s.periodStats(ctx, u, p, sq)
	if err != nil {
		return err
	}
	cases := sectionCases(fl, unit.Code)
	figure := func(name string) url.Values { return url.Values{"hazard": {name}} }
	sec := &hazardSection{}
	count := func(st *pingan.Stats, m pingan.Measure) int64 { return countOf(st, []pingan.Measure{m}) }
	for _, c := range hazardCounts {
		sec.Metrics = append(sec.Metrics, countMetric(v, c.ID, count(cur, c.Measure), count(prev, c.Measure), count(yoy, c.Measure),
			cases(unit.Code, p, figure(c.Figure))))
	}
	for _, id := range pingan.HazardRates {
		sec.Metrics = append(sec.Metrics, rateMetric(v, "h_", id, cur, prev, yoy, cases(unit.Code, p, figure(hazardRateCases[id]))))
	}
	if hl, ok := s.cases.(hazardLister); ok {
		if sec.Listed, sec.ListedTotal, err = hl.ListedHazards(ctx, u); err != nil {
			return err
		}
	}
	d.Hazards = sec
	return nil
}
