package sheet

import (
	"time"

	"github.com/pingan-gov/pingan"
)

// Coverage answers the table of a campaign's coverage (覆盖率 = 已走访户数 /
// 户数, docs/campaigns.md) in lang: a line per unit or grid of cv, then the
// total, with the households, the places visited, the rate, the visits and
// the cases, disputes and hazards they found. The pages and the API share it.
func Coverage(lang pingan.Lang, cv *pingan.Coverage) (header []string, rows [][]Cell) {
	t := func(key string) string { return pingan.Text(lang, key) }
	name := t("campaign.col.unit")
	if cv.ByGrid {
		name = t("campaign.col.grid")
	}
	header = []string{t("campaign.col.code"), name, t("campaign.col.households"), t("campaign.col.places"),
		t("campaign.col.rate"), t("campaign.col.visits"), t("campaign.col.cases"), t("campaign.col.disputes"), t("campaign.col.hazards")}
	line := func(l pingan.CoverageLine) []Cell {
		rate := NoRate()
		if l.Rate != nil {
			rate = Rate(*l.Rate)
		}
		return []Cell{Text(l.Code), Text(l.Name), Int(l.Households), Int(l.Places), rate, Int(l.Visits), Int(l.Cases),
			Int(l.Disputes), Int(l.Hazards)}
	}
	for _, l := range cv.Lines {
		rows = append(rows, line(l))
	}
	total := cv.Total
	total.Name = t("campaign.total") + " · " + total.Name
	rows = append(rows, line(total))
	return header, rows
}

// CoverageBook answers the sheet of a campaign's coverage read by u at now,
// headed by the unit, the period, the formula, the time and the reader, and
// the file's name (覆盖率-2026-11-27.xlsx).
func CoverageBook(lang pingan.Lang, cv *pingan.Coverage, u *pingan.User, now time.Time) (Sheet, string) {
	t := func(key string, args ...any) string { return pingan.Text(lang, key, args...) }
	by := u.Name
	if by == "" {
		by = u.Username
	}
	header, rows := Coverage(lang, cv)
	return Sheet{Name: t("campaign.sheet"), Title: cv.Campaign.Name + " · " + cv.Unit.Name,
		Filters: []Line{{Label: t("export.f.unit"), Value: cv.Unit.Name},
			{Label: t("export.f.period"), Value: t("export.period.value", cv.Campaign.From, cv.Campaign.To)},
			{Label: t("campaign.formula.label"), Value: t("campaign.formula")},
			{Label: t("export.f.at"), Value: now.In(pingan.CST).Format("2006-01-02 15:04")},
			{Label: t("export.f.user"), Value: by}},
		Header: header, Rows: rows}, t("campaign.file") + "-" + pingan.Day(now) + ".xlsx"
}
