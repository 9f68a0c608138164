package pingan

import (
	"context"
	"time"
)

// SchemeService keeps the assessment schemes (考核方案). Only an assessor
// (CapAssess) of the scheme's unit or above writes them; every reader of
// the unit's jurisdiction reads them.
type SchemeService interface {
	// Schemes answers the schemes of units in actor's jurisdiction or on
	// its path up (a township sees the county's scheme that assesses it),
	// newest year first; every year when year is 0.
	Schemes(ctx context.Context, actor *User, year int) ([]*Scheme, error)
	// Scheme answers the scheme id at its current version, or at version
	// when it is positive; ENOTFOUND when actor may not read it.
	Scheme(ctx context.Context, actor *User, id int64, version int) (*Scheme, error)
	// SaveScheme creates the scheme (ID 0) or edits it: EINVALID naming
	// each bad field (Scheme.Check), ECONFLICT for a second scheme of one
	// unit, year and level. Editing a scheme a published period used saves
	// a new version, so that period's results keep theirs. Answers the
	// scheme saved.
	SaveScheme(ctx context.Context, actor *User, s *Scheme) (*Scheme, error)
}

// AssessService runs the assessment of a scheme's periods.
type AssessService interface {
	// Assessment answers the assessment of the scheme in period: computed
	// now from the counters and the inputs while a draft, as frozen once
	// published. An assessor of the scheme's unit sees every result whole;
	// a reader in an assessed unit sees the published board only (ENOTFOUND
	// for a draft), its own result whole and the others' totals, grades,
	// bands and ranks (Partial). EINVALID naming period.
	Assessment(ctx context.Context, actor *User, schemeID int64, period string) (*Assessment, error)
	// Periods answers the periods of the scheme's year that have an
	// assessment published, in order.
	Periods(ctx context.Context, actor *User, schemeID int64) ([]string, error)
	// Enter records a manual score (replacing the unit's earlier score of
	// the indicator), a deduction or a veto of a draft period, with its
	// evidence uploaded (photos or PDF scans): EFORBIDDEN unless actor
	// assesses, ECONFLICT once the period is published (a Correction
	// changes it then), EINVALID naming the field. Answers the input.
	Enter(ctx context.Context, actor *User, schemeID int64, period string, in *Input, evidence []Upload) (*Input, error)
	// Withdraw removes an input of a draft period.
	Withdraw(ctx context.Context, actor *User, schemeID int64, period string, inputID int64) error
	// Publish freezes the period's results and puts them on the board (排名
	// 晾晒); for a year, designates the units that earn 平安创建.
	// ECONFLICT naming period when it has not ended or is published.
	Publish(ctx context.Context, actor *User, schemeID int64, period string) (*Assessment, error)
	// AddNotice records a 通报 or 约谈 with a unit's published result.
	AddNotice(ctx context.Context, actor *User, schemeID int64, period, unit string, n *AssessNotice) (*AssessNotice, error)
	// Object files a unit's objection (申诉) to its published result: a
	// user of the unit (or above it, below the assessor's unit), within
	// ObjectionsUntil — ECONFLICT naming text after it — with evidence.
	Object(ctx context.Context, actor *User, schemeID int64, period, unit string, o *Objection, evidence []Upload) (*Objection, error)
	// Answer answers an objection: upheld with a correction (c, whose
	// Reason defaults to the reply), or not. ECONFLICT when answered.
	Answer(ctx context.Context, actor *User, objectionID int64, upheld bool, reply string, c *Correction) (*Objection, error)
	// Correct changes a published result with the correction logged;
	// EINVALID naming reason without one.
	Correct(ctx context.Context, actor *User, schemeID int64, period, unit string, c *Correction) (*Correction, error)
	// Evidence answers the content of a file attached to an input or an
	// objection of a result actor may read in full.
	Evidence(ctx context.Context, actor *User, schemeID int64, period, unit, sum string) ([]byte, string, error)
	// CreationShares answers the 创建比例 of each county of actor's
	// jurisdiction for the year's designations of level (平安乡镇 for
	// townships, 平安村(社区) for villages).
	CreationShares(ctx context.Context, actor *User, year int, level Level) ([]CreationShare, error)
	// Designations answers the units of actor's jurisdiction designated in
	// the year.
	Designations(ctx context.Context, actor *User, year int) ([]Designation, error)
}

// MonthlyReport is a kept 平安报表: the report of a unit (the city or a
// county) for a month, generated on the month after's first working day or
// again on demand, as XLSX and PDF.
type MonthlyReport struct {
	Unit        string    `json:"unit"`
	UnitName    string    `json:"unit_name"`
	Month       string    `json:"month"` // YYYY-MM
	GeneratedAt time.Time `json:"generated_at"`
	GeneratedBy string    `json:"generated_by"` // "" for the scheduled run
	XLSXBytes   int       `json:"xlsx_bytes"`
	PDFBytes    int       `json:"pdf_bytes"`
}

// ReportFormat is a file format of a kept report.
type ReportFormat string

const (
	ReportPDF  ReportFormat = "pdf"
	ReportXLSX ReportFormat = "xlsx"
)

// MonthlyReportService keeps the monthly reports.
type MonthlyReportService interface {
	// MonthlyReports answers the kept reports of units in actor's
	// jurisdiction, newest month first.
	MonthlyReports(ctx context.Context, actor *User, unit string) ([]*MonthlyReport, error)
	// MonthlyReportFile answers a kept report's file.
	MonthlyReportFile(ctx context.Context, actor *User, unit, month string, f ReportFormat) ([]byte, error)
	// KeepMonthlyReport stores (or replaces) the files of a report.
	KeepMonthlyReport(ctx context.Context, r *MonthlyReport, xlsx, pdf []byte) error
}
