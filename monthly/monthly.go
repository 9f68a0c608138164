// Package monthly builds the monthly 平安报表 of a unit (the city or a
// county): its key figures with 同比 and 环比, the trend of a year, the
// breakdowns by kind, category, unit and handling unit, the ranking of its
// assessment schemes, the 平安稳定问题清单 and a summary in words. It reads
// them from the services — the counters and the gauges, never a scan of
// the cases — and writes the report as XLSX (package sheet) and PDF
// (package paper) in the reader's language.
package monthly

import (
	"cmp"
	"slices"
	"time"

	"github.com/pingan-gov/pingan"
)

// Services are what a report is read from. Schemes and Assess may be nil:
// the ranking is then left out; Categories may be nil: the categories are
// then named by their codes.
type Services struct {
	Stats      pingan.StatsService
	Cases      pingan.CaseService
	Units      pingan.UnitService
	Schemes    pingan.SchemeService
	Assess     pingan.AssessService
	Categories pingan.CategoryService
}

// Limits of the report's lists.
const (
	TopCategories = 10 // the categories shown, the most reported first
	MaxIssues     = 30 // the matters of each list of the 问题清单
	TrendMonths   = 12
)

// Report is the content of a unit's month, in numbers: the words are
// chosen when it is written (XLSX, PDF), in the reader's language.
type Report struct {
	Unit     string `json:"unit"`
	UnitName string `json:"unit_name"`
	Month    string `json:"month"` // YYYY-MM
	// From and To bound the month, China Standard Time.
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// GeneratedAt is when the report was read: what is open is as then.
	GeneratedAt time.Time `json:"generated_at"`

	// Cur is the month; Prev the month before (环比); YearAgo the same
	// month a year before (同比).
	Cur, Prev, YearAgo *pingan.Stats `json:"-"`
	// Open is what is open at GeneratedAt (在办, 超期, 重大敏感).
	Open *pingan.OpenNow `json:"open"`
	// Figures are the key figures, in the order shown.
	Figures []Figure `json:"figures"`
	// Trend is the reported and closed of the twelve months ending with
	// this one, oldest first.
	Trend []Point `json:"trend"`
	// Kinds, Categories (the TopCategories most reported), Units (one
	// level down) and Handlers (centres and departments; nil when they
	// could not be read) break the month down.
	Kinds      []Line `json:"kinds"`
	Categories []Line `json:"categories"`
	// MoreCategories counts the categories left out of Categories.
	MoreCategories int    `json:"more_categories"`
	Units          []Line `json:"units"`
	Handlers       []Line `json:"handlers"`
	// Rankings are the assessments of the schemes of the unit for the
	// month.
	Rankings []Ranking `json:"rankings"`
	// Issues are the lists of the 平安稳定问题清单.
	Issues []IssueList `json:"issues"`
}

// Figure is one key figure: a count or a rate of the month, of the month
// before and of the same month a year before. A rate whose base is 0 has
// nothing to count (its Has… false); a figure of what is open now has no
// comparison (Now).
type Figure struct {
	ID   string  `json:"id"` // the message "monthly.fig.<id>"
	Rate bool    `json:"rate"`
	Now  bool    `json:"now,omitempty"`
	Cur  float64 `json:"cur"`
	Prev float64 `json:"prev"`
	YoY  float64 `json:"yoy"`
	// HasCur, HasPrev, HasYoY: the value has a base.
	HasCur  bool `json:"has_cur"`
	HasPrev bool `json:"has_prev"`
	HasYoY  bool `json:"has_yoy"`
}

// Change answers the change from base to f.Cur: for a count the relative
// change (0.052 for 5.2%), for a rate the difference (percentage points,
// as a fraction); false when there is no base to compare with.
func (f Figure) Change(base float64, has bool) (float64, bool) {
	if !f.HasCur || !has || f.Now {
		return 0, false
	}
	if f.Rate {
		return f.Cur - base, true
	}
	if base == 0 {
		return 0, false
	}
	return (f.Cur - base) / base, true
}

// MoM and YoYChange answer the change on the month before (环比) and on the same
// month a year before (同比).
func (f Figure) MoM() (float64, bool)       { return f.Change(f.Prev, f.HasPrev) }
func (f Figure) YoYChange() (float64, bool) { return f.Change(f.YoY, f.HasYoY) }

// Point is one month of the trend.
type Point struct {
	Month    string `json:"month"` // YYYY-MM
	Reported int64  `json:"reported"`
	Resolved int64  `json:"resolved"` // 办结: resolved or closed
	Closed   int64  `json:"closed"`   // 结案
}

// Line is one line of a breakdown.
type Line struct {
	Code  string        `json:"code"`
	Name  string        `json:"name"`
	Stats *pingan.Stats `json:"-"`
}

// Ranking is the assessment of one scheme for the month: Published with
// its results, or not yet (a draft, or none).
type Ranking struct {
	SchemeID   int64            `json:"scheme_id"`
	SchemeName string           `json:"scheme_name"`
	Level      pingan.Level     `json:"level"`
	Published  bool             `json:"published"`
	Results    []*pingan.Result `json:"results,omitempty"`
}

// The lists of the 平安稳定问题清单.
const (
	IssueOverdue   = "overdue"   // open and overdue now (超期)
	IssueEscalated = "escalated" // open and escalated (上交)
	IssueRepeated  = "repeated"  // repeated petitions of the month (重复信访)
	IssueSensitive = "sensitive" // open and 重大敏感
)

// IssueList is one list of the 平安稳定问题清单: at most MaxIssues matters,
// and how many more there are (-1 when more there are, not counted).
type IssueList struct {
	Kind  string  `json:"kind"`
	Items []Issue `json:"items"`
	More  int     `json:"more"`
}

// Issue is a matter of a list: titles only, never personal data.
type Issue struct {
	Number   string    `json:"number"`
	Title    string    `json:"title"`
	Unit     string    `json:"unit"` // the name of the unit that must act, or holds it
	Reported time.Time `json:"reported"`
	// DaysOverdue are the whole days since its resolve deadline passed, 0
	// when it has not.
	DaysOverdue int `json:"days_overdue"`
}

// monthOf answers the month (YYYY-MM); EINVALID naming month otherwise.
func monthOf(month string) (pingan.AssessPeriod, error) {
	p, ok := pingan.ParseAssessPeriod(month)
	if !ok || p.Kind != pingan.PeriodMonth {
		return p, pingan.Invalidf("month", "monthly.month.bad", month)
	}
	return p, nil
}

// sortLines orders lines by code.
func sortLines(ls []Line) {
	slices.SortFunc(ls, func(a, b Line) int { return cmp.Compare(a.Code, b.Code) })
}
