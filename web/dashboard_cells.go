package web

import (
	"strconv"

	"github.com/pingan-gov/pingan"
)

// cell is a figure of a row of the dashboard's tables, put together before
// the page renders: the template ("cells", dashboard.html) writes its
// fields instead of calling back into the row for each label, count and
// rate — a city's dashboard has a thousand of them, and a call through
// the template costs many times what the figure does.
type cell struct {
	// Class and Label are the cell's class and data-label (the name of
	// its column, shown beside the figure on a narrow screen).
	Class, Label string
	// Text is the figure; Href the list of the cases it counts, if any.
	Text, Href string
	// None: a rate without a base, Why saying so.
	None bool
	Why  string
}

// countCell is the cell of the count id: n, opening href.
func countCell(v *view, id string, n int64, href string) cell {
	return cell{Class: "n " + id, Label: v.T("dash." + id), Text: strconv.FormatInt(n, 10), Href: href}
}

// rateCells are the cells of the rates ids of st.
func rateCells(v *view, st *pingan.Stats, ids []string) []cell {
	out := make([]cell, len(ids))
	for i, id := range ids {
		r := rateOf(st, id, v.Lang)
		out[i] = cell{Class: "n rate-" + id, Label: v.T("dash.rate." + id), Text: r.Text, None: r.None, Why: r.Why}
	}
	return out
}

// sectionCells are the cells of a row of a section's table: the counts ids
// of st (count answers each), opening links, then the rates.
func sectionCells(v *view, st *pingan.Stats, links map[string]string, ids []string,
	count func(*pingan.Stats, string) int64, rates []string) []cell {
	out := make([]cell, 0, len(ids)+len(rates))
	for _, id := range ids {
		out = append(out, countCell(v, id, count(st, id), links[id]))
	}
	return append(out, rateCells(v, st, rates)...)
}
