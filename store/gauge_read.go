package store

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

var _ pingan.OpenNowService = (*Stats)(nil)

// OpenNow answers what is open now in the subtree of q's unit, or in its
// grid, from the gauges (gauge.go).
func (s *Stats) OpenNow(ctx context.Context, actor *pingan.User, q pingan.StatsQuery) (*pingan.OpenNow, error) {
	out, err := s.openNow(ctx, actor, q, "")
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// OpenNowBy answers OpenNow of each unit one level down or each grid.
func (s *Stats) OpenNowBy(ctx context.Context, actor *pingan.User, q pingan.StatsQuery, d pingan.StatsDim) ([]*pingan.OpenNow, error) {
	if d != pingan.ByUnit && d != pingan.ByGrid {
		return nil, pingan.Invalidf("by", "stats.opennow.dim", string(d))
	}
	return s.openNow(ctx, actor, q, d)
}

// openNow reads the gauges of the reading's nodes — the unit or grid of q,
// or those of d — in one statement: what they count, and the cases of the
// due days before today. Of today's due day, the cases whose moment has
// come are read from the cases by the index cases_open_due: those whose
// deadline fell between midnight and now, a few.
func (s *Stats) openNow(ctx context.Context, actor *pingan.User, q pingan.StatsQuery, d pingan.StatsDim) ([]*pingan.OpenNow, error) {
	now := s.now()
	c := now.In(pingan.CST)
	midnight := time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, pingan.CST)
	q.From, q.To = midnight, midnight.AddDate(0, 0, 1) // no period: any valid one for begin
	r, err := s.begin(ctx, actor, q)
	if err != nil {
		return nil, err
	}
	defer r.tx.Rollback()
	grids := q.Grid != ""
	switch d {
	case pingan.ByUnit:
		if r.nodes, err = r.children(ctx); err != nil {
			return nil, err
		}
		grids = false
	case pingan.ByGrid:
		if r.nodes, err = r.grids(ctx); err != nil {
			return nil, err
		}
		r.nodeSet = r.gridSet
		grids = true
	}
	out := make([]*pingan.OpenNow, len(r.nodes))
	of := make(map[string]*pingan.OpenNow, len(r.nodes))
	for i, n := range r.nodes {
		out[i] = &pingan.OpenNow{Key: n}
		of[n] = out[i]
	}
	if d == "" {
		out[0].Key = ""
	}
	if len(r.nodes) == 0 {
		return out, r.tx.Commit()
	}
	// The gauges.
	var a args
	today := a.add(midnight.Format(dayLayout))
	nodes := make([]any, len(r.nodes))
	for i, n := range r.nodes {
		nodes[i] = n
	}
	in := func(a *args) string {
		if r.nodeSet != nil {
			return r.nodeSet(a)
		}
		return a.list(nodes...)
	}
	w := append([]string{"node IN (" + in(&a) + ")"}, r.gaugeFilters(&a)...)
	// The sums by kind hold the same in a fraction of the rows, when no
	// filter needs the category or the source.
	table := gaugeTable
	if len(r.cats) == 0 && r.q.Source == "" {
		table = gaugeKindTable
	}
	rows, err := r.tx.QueryContext(ctx, `SELECT node, COALESCE(SUM(m_open), 0), COALESCE(SUM(m_sensitive_open), 0),
		COALESCE(SUM(CASE WHEN due_day <> '' AND due_day < `+today+` THEN m_open ELSE 0 END), 0)
		FROM `+table+` WHERE `+strings.Join(w, " AND ")+` GROUP BY node`, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var node string
		var g pingan.OpenNow
		if err := rows.Scan(&node, &g.Open, &g.SensitiveOpen, &g.OverdueNow); err != nil {
			return nil, err
		}
		if o := of[node]; o != nil {
			o.Open, o.SensitiveOpen, o.OverdueNow = g.Open, g.SensitiveOpen, g.OverdueNow
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	r.addJournalGauges(of, midnight.Format(dayLayout))
	// Today's: the open cases whose moment fell in [midnight, now), at
	// each of their nodes read.
	a = args{}
	due := dueMoment(s.dialect)
	w = []string{gaugeOpen, due + " >= " + a.add(s.dialect.ts(midnight)), due + " < " + a.add(s.dialect.ts(now))}
	if grids {
		w = append(w, "grid IN ("+in(&a)+")")
	} else {
		w = append(w, caseIn(a.add(likePrefix(r.unit.Path))))
	}
	w = append(w, r.gaugeFilters(&a)...)
	if d == "" {
		// One node, which the conditions select: a count.
		var n int64
		if err := r.tx.QueryRowContext(ctx, `SELECT count(*) FROM cases WHERE `+strings.Join(w, " AND "), a...).Scan(&n); err != nil {
			return nil, err
		}
		out[0].OverdueNow += n
		return out, r.tx.Commit()
	}
	rows, err = r.tx.QueryContext(ctx, `SELECT unit_path, holding_path, assigned_path, grid FROM cases WHERE `+
		strings.Join(w, " AND "), a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var paths [4]string
	var seen []*pingan.OpenNow
	for rows.Next() {
		if err := rows.Scan(&paths[0], &paths[1], &paths[2], &paths[3]); err != nil {
			return nil, err
		}
		// Each node read that the case counts at (pingan.TallyNodes:
		// the units of its paths and its grid), once.
		seen = seen[:0]
		for _, p := range paths {
			for code := range strings.SplitSeq(strings.Trim(p, "/"), "/") {
				if o := of[code]; o != nil && !slices.Contains(seen, o) {
					seen = append(seen, o)
					o.OverdueNow++
				}
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, r.tx.Commit()
}

// addJournalGauges adds to of the gauges of the journal not yet in the
// table (journal.go) that the reading's filters select: what they count,
// and those of the due days before today as overdue.
func (r *statsRead) addJournalGauges(of map[string]*pingan.OpenNow, today string) {
	for _, g := range r.journalGauges {
		o := of[g.Node]
		k := g.Key
		if o == nil || (r.q.Kind != "" && k.Kind != r.q.Kind) || (r.q.Source != "" && k.Source != r.q.Source) ||
			(len(r.cats) > 0 && !slices.Contains(r.cats, k.Category)) {
			continue
		}
		o.Open += g.G[pingan.GOpen]
		o.SensitiveOpen += g.G[pingan.GSensitiveOpen]
		if k.DueDay != "" && k.DueDay < today {
			o.OverdueNow += g.G[pingan.GOpen]
		}
	}
}

// gaugeFilters answers the conditions of the reading's kind, category
// (with its subcategories) and source, over a row of the gauges, of the
// counters or of the cases.
func (r *statsRead) gaugeFilters(a *args) []string {
	var w []string
	if r.q.Kind != "" {
		w = append(w, "kind = "+a.add(string(r.q.Kind)))
	}
	if len(r.cats) > 0 {
		w = append(w, "category IN ("+a.list(anySlice(r.cats)...)+")")
	}
	if r.q.Source != "" {
		w = append(w, "source = "+a.add(string(r.q.Source)))
	}
	return w
}
