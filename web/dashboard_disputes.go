package web

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strconv"

	"github.com/pingan-gov/pingan"
)

// The dashboard's section 矛盾纠纷化解 (docs/disputes.md): the numbers of the
// disputes of the unit's subtree in the period — 受理数, 调解成功数, 调解成功率,
// 化解率, 协议履行率, 司法确认数 and 平均达成协议用时 — with 同比 and 环比, and the
// same numbers by mediation organisation, by unit one level down (to drill
// down), by category and by month. Shown when the kind filter is empty or
// dispute; every figure reads the counters of the kind dispute, shows its
// formula on hover and links to the list of exactly the disputes it counts.

// disputeSection is the section's figures and tables.
type disputeSection struct {
	Metrics    []metric
	ByOrg      []*disputeRow
	ByUnit     []*disputeRow
	ByCategory []*disputeRow
	ByMonth    []*disputeRow
}

// disputeRow is a row of a table of the section: a mediation organisation,
// a unit, a category or a month, with the lists its counts open.
type disputeRow struct {
	Name, Key string
	// Href drills down: the dashboard of a unit; "" for other rows.
	Href  string
	Note  string // the kind of a mediation organisation
	Stats *pingan.Stats
	// Links open the disputes each count of the row counts, by figure.
	Links map[string]string
	// Days is the average days to an agreement, "—" when none.
	Days string
	// Cells are the row's counts and rates.
	Cells cells
}

// disputeCounts are the counts of the section, each the inbox's filter of
// the disputes it counts (pingan.CaseTally), and its measures.
var disputeCounts = []struct {
	ID       string
	Filter   url.Values
	Measures []pingan.Measure
	Less     []pingan.Measure
}{
	// 受理数: reported, less those awaiting registration, rejected and merged.
	{"d_accepted", url.Values{"status": {"accepted,dispatched,in_progress,resolved,closed"}},
		[]pingan.Measure{pingan.MReported}, []pingan.Measure{pingan.MInReported, pingan.MInRejected, pingan.MInMerged}},
	{"d_agreed", url.Values{"mediation": {"agreed"}}, []pingan.Measure{pingan.MAgreed}, nil},
	{"d_confirmed", url.Values{"mediation": {"confirmed"}}, []pingan.Measure{pingan.MConfirmed}, nil},
}

// disputeRates are the rates of the section, after the counts.
var disputeRates = []string{"mediation_success", "settlement", "performance"}

// disputeCount answers the count id of st.
func disputeCount(st *pingan.Stats, id string) int64 {
	for _, c := range disputeCounts {
		if c.ID == id {
			return countOf(st, c.Measures) - countOf(st, c.Less)
		}
	}
	return 0
}

// fillCells puts together the counts and rates of every row of sec.
func (sec *disputeSection) fillCells(v *view) {
	ids := sec.CountIDs()
	for _, rows := range [][]*disputeRow{sec.ByOrg, sec.ByUnit, sec.ByCategory, sec.ByMonth} {
		for _, r := range rows {
			r.Cells = sectionCells(v, r.Stats, r.Links, ids, disputeCount, disputeRates)
		}
	}
}

// daysText is the average days to an agreement, one decimal, "—" without
// an agreement.
func daysText(st *pingan.Stats) string {
	if st.Counts[pingan.MeasureNames[pingan.MAgreed]] == 0 {
		return "—"
	}
	return strconv.FormatFloat(st.AgreementDays, 'f', 1, 64)
}

// showDisputes reports whether the dashboard filtered by fl shows the
// section: every kind, or disputes.
func showDisputes(fl dashFilter) bool {
	return fl.Kind == "" || fl.Kind == string(pingan.KindDispute)
}

// dashDisputes fills the section of the dashboard d.
func (s *Server) dashDisputes(ctx context.Context, u *pingan.User, v *view, d *dashData, fl dashFilter,
	link func(string, period) string) error {
	if !showDisputes(fl) {
		return nil
	}
	p, unit := d.Period, d.Unit
	fl.Kind = string(pingan.KindDispute)
	sq := func(p period) pingan.StatsQuery { return fl.stats(unit.Code, p.From, p.To) }
	cur, prev, yoy, series, bounds, err := s.periodStats(ctx, u, p, sq)
	if err != nil {
		return err
	}
	// cases opens the inbox on the disputes of the subtree of code
	// reported in the period q, with the filters and more.
	cases := sectionCases(fl, unit.Code)
	links := func(code string, q period) map[string]string {
		out := map[string]string{}
		for _, c := range disputeCounts {
			out[c.ID] = cases(code, q, c.Filter)
		}
		return out
	}
	sec := &disputeSection{}
	for _, c := range disputeCounts {
		n, b, y := disputeCount(cur, c.ID), disputeCount(prev, c.ID), disputeCount(yoy, c.ID)
		sec.Metrics = append(sec.Metrics, countMetric(v, c.ID, n, b, y, cases(unit.Code, p, c.Filter)))
	}
	for _, id := range disputeRates {
		sec.Metrics = append(sec.Metrics, rateMetric(v, "d_", id, cur, prev, yoy, cases(unit.Code, p, rateCases[id])))
	}
	days := metric{ID: "d_agreement_days", Label: v.T("dash.agreement_days"), Value: daysText(cur),
		Formula: v.T("dash.formula.agreement_days"), Href: cases(unit.Code, p, url.Values{"mediation": {"agreed"}})}
	if days.Value == "—" {
		days.Why = v.T("dash.agreement_days.none")
	}
	sec.Metrics = append(sec.Metrics, days)

	// By mediation organisation: those of the subtree that count something.
	byOrg, err := s.stats.StatsBy(ctx, u, sq(p), pingan.ByOrg)
	if err != nil {
		return err
	}
	orgs := map[string]*pingan.Unit{}
	if len(byOrg) > 0 {
		codes := make([]string, len(byOrg))
		for i, st := range byOrg {
			codes[i] = st.Key
		}
		us, err := s.units.FindUnits(ctx, u, pingan.UnitFilter{Codes: codes})
		if err != nil {
			return err
		}
		for _, o := range us {
			orgs[o.Code] = o
		}
	}
	for _, st := range byOrg {
		row := &disputeRow{Key: st.Key, Name: st.Key, Stats: st, Links: links(st.Key, p), Days: daysText(st)}
		if o := orgs[st.Key]; o != nil {
			row.Name, row.Note = o.Name, v.T("org.type."+string(o.OrgType))
		}
		sec.ByOrg = append(sec.ByOrg, row)
	}

	// By unit one level down, each drilling down to its own dashboard.
	children, stOf, err := s.childStats(ctx, u, unit, fl, p)
	if err != nil {
		return err
	}
	for _, c := range children {
		st := stOf[c.Code]
		sec.ByUnit = append(sec.ByUnit, &disputeRow{Key: c.Code, Name: c.Name, Href: kindLink(link(c.Code, p), pingan.KindDispute),
			Stats: st, Links: links(c.Code, p), Days: daysText(st)})
	}

	// By category: the categories of disputes counted, each adding up its
	// subcategories under the top one (or under the filtered one's
	// children).
	byCat, err := s.stats.StatsBy(ctx, u, sq(p), pingan.ByCategory)
	if err != nil {
		return err
	}
	cats, err := s.categories.Categories(ctx)
	if err != nil {
		return err
	}
	index := indexCategories(cats)
	rowOf := func(code string) string {
		for range 8 {
			c := index[code]
			if c == nil || c.Parent == "" || c.Code == fl.Category || c.Parent == fl.Category {
				return code
			}
			code = c.Parent
		}
		return code
	}
	sum := map[string]*pingan.Tally{}
	for _, st := range byCat {
		k := rowOf(st.Key)
		if sum[k] == nil {
			sum[k] = new(pingan.Tally)
		}
		t := tallyOf(st)
		sum[k].Add(&t)
	}
	codes := make([]string, 0, len(sum))
	for k := range sum {
		codes = append(codes, k)
	}
	sort.Strings(codes)
	for _, k := range codes {
		st := pingan.NewStats(unit.Code, p.From, p.To, sum[k], nil)
		st.Key = k
		name := k
		if c := index[k]; c != nil {
			name = c.Name
		}
		ls := map[string]string{}
		for _, c := range disputeCounts {
			more := url.Values{"category": {k}}
			for key, vs := range c.Filter {
				more[key] = vs
			}
			ls[c.ID] = cases(unit.Code, p, more)
		}
		sec.ByCategory = append(sec.ByCategory, &disputeRow{Key: k, Name: name, Stats: st, Links: ls, Days: daysText(st)})
	}

	// By month: the twelve months up to the period's last, latest first.
	for i := len(series) - 1; i >= 0; i-- {
		m := period{Kind: "month", From: bounds[i], To: bounds[i].AddDate(0, 1, 0)}
		key := m.From.Format("2006-01")
		sec.ByMonth = append(sec.ByMonth, &disputeRow{Key: key, Name: key, Href: kindLink(link(unit.Code, m), pingan.KindDispute),
			Stats: series[i], Links: links(unit.Code, m), Days: daysText(series[i])})
	}
	sec.fillCells(v)
	d.Disputes = sec
	return nil
}

// rateByID answers the rate id of pingan.Rates.
func rateByID(id string) pingan.Rate {
	for _, r := range pingan.Rates {
		if r.ID == id {
			return r
		}
	}
	panic(fmt.Sprintf("web: no rate %q", id))
}

// CountIDs are the counts of the section's tables, in the order of
// their columns (for the template).
func (d *disputeSection) CountIDs() []string {
	out := make([]string, len(disputeCounts))
	for i, c := range disputeCounts {
		out[i] = c.ID
	}
	return out
}

// RateIDs are the rates of the section's tables.
func (d *disputeSection) RateIDs() []string { return disputeRates }
