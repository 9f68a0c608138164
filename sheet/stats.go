package sheet

import (
	"github.com/pingan-gov/pingan"
)

// The tables of statistics (pingan.Stats) the pages and the API both
// write, so that one figure reads the same in every download.

// RateCell answers the rate id of st: a percentage, or "—" when its base
// is 0 (nothing to count).
func RateCell(st *pingan.Stats, id string) Cell {
	if st == nil || st.Bases[id] <= 0 {
		return NoRate()
	}
	return Rate(st.Rates[id])
}

// Figures answers the 指标 sheet's header and rows: the count received,
// every rate (pingan.Rates) and every measure (pingan.MeasureNames) of cur,
// beside those of the period before (环比) and the same period a year
// before (同比) when given, with each rate's base and formula.
func Figures(lang pingan.Lang, cur, prev, yoy *pingan.Stats) (header []string, rows [][]Cell) {
	t := func(key string, args ...any) string { return pingan.Text(lang, key, args...) }
	header = []string{t("export.col.figure"), t("export.col.current")}
	var bases []*pingan.Stats
	if prev != nil {
		header, bases = append(header, t("export.col.mom")), append(bases, prev)
	}
	if yoy != nil {
		header, bases = append(header, t("export.col.yoy")), append(bases, yoy)
	}
	header = append(header, t("export.col.base"), t("export.col.formula"))
	count := func(name string, n func(*pingan.Stats) int64) {
		r := []Cell{Text(t("export.measure." + name)), Int(n(cur))}
		for _, b := range bases {
			r = append(r, Int(n(b)))
		}
		rows = append(rows, append(r, Cell{}, Cell{}))
	}
	count("reported", func(s *pingan.Stats) int64 { return int64(s.Total) })
	for _, rt := range pingan.Rates {
		r := []Cell{Text(t("dash.rate." + rt.ID)), RateCell(cur, rt.ID)}
		for _, b := range bases {
			r = append(r, RateCell(b, rt.ID))
		}
		rows = append(rows, append(r, Int(cur.Bases[rt.ID]), Text(t("rate."+rt.ID+".formula"))))
	}
	for _, name := range pingan.MeasureNames {
		if name == "reported" {
			continue
		}
		count(name, func(s *pingan.Stats) int64 { return s.Counts[name] })
	}
	return header, rows
}

// Keyed is one line of a breakdown: its code (a unit's, a category's …;
// "" when the line has none) and name, and its statistics.
type Keyed struct {
	Code, Name string
	Stats      *pingan.Stats
}

// Breakdown answers a table of statistics by key: the code (when any line
// has one) and the name under nameHeader, the count received and every
// rate (pingan.Rates).
func Breakdown(lang pingan.Lang, nameHeader string, lines []Keyed) (header []string, rows [][]Cell) {
	t := func(key string, args ...any) string { return pingan.Text(lang, key, args...) }
	codes := false
	for _, l := range lines {
		codes = codes || l.Code != ""
	}
	if codes {
		header = append(header, t("export.col.code"))
	}
	header = append(header, nameHeader, t("export.col.received"))
	for _, rt := range pingan.Rates {
		header = append(header, t("dash.rate."+rt.ID))
	}
	for _, l := range lines {
		var r []Cell
		if codes {
			r = append(r, Text(l.Code))
		}
		r = append(r, Text(l.Name), Int(l.Stats.Total))
		for _, rt := range pingan.Rates {
			r = append(r, RateCell(l.Stats, rt.ID))
		}
		rows = append(rows, r)
	}
	return header, rows
}
