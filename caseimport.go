package pingan

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Cases transferred in a file (导入事件, docs/import.md): the work orders
// (工单) of a 12345 hotline's export — number, call time, category,
// address or position, content, the caller's name and phone — each becoming
// a case of source import through the one intake. A file is imported whole
// or not at all, and a work order imported before (the same 工单号 from an
// import in the importer's jurisdiction) is counted and skipped, so that the
// same file imported twice writes nothing the second time.

// CaseImportRow is one work order as read from the file (package importer).
type CaseImportRow struct {
	// Row is the row's number in the file as a spreadsheet shows it (the
	// header and any title row above it counted): the 第 N 行 of errors.
	Row       int       `json:"row"`
	HotlineNo string    `json:"hotline_no"` // 工单号: the source number, the key of idempotency
	CalledAt  time.Time `json:"called_at"`  // 来电时间: the case's reported time
	Category  string    `json:"category"`   // 诉求类别: a category's name or code
	Address   string    `json:"address,omitempty"`
	Location  *Location `json:"location,omitempty"` // 经度/纬度 or 坐标, when given
	Content   string    `json:"content"`            // 诉求内容
	Caller    *Person   `json:"caller,omitempty"`   // 来电人 and 联系电话: the reporter, sealed like any
}

// MaxCaseImportRows bounds the work orders of one file.
const MaxCaseImportRows = 20000

// CaseImportTitleRunes is how much of the content becomes a case's title.
const CaseImportTitleRunes = 40

// Title answers the title of the case a row becomes: the first line of its
// content, cut at CaseImportTitleRunes.
func (r *CaseImportRow) Title() string {
	t := strings.TrimSpace(r.Content)
	if i := strings.IndexAny(t, "\r\n"); i >= 0 {
		t = strings.TrimSpace(t[:i])
	}
	if utf8.RuneCountInString(t) > CaseImportTitleRunes {
		t = string([]rune(t)[:CaseImportTitleRunes]) + "…"
	}
	return t
}

// CaseImportState is what an import does with a row.
type CaseImportState string

const (
	CaseImportNew     CaseImportState = "new"     // 新增: becomes a case
	CaseImportAlready CaseImportState = "already" // 已导入: its 工单号 was imported before; skipped
	CaseImportBad     CaseImportState = "error"   // 有误: the file cannot be imported until it is corrected
)

// CaseImportLine is a row of the preview: the row and the case it would
// become, or why it cannot.
type CaseImportLine struct {
	Row          int
	HotlineNo    string
	CalledAt     time.Time
	State        CaseImportState
	Category     string // the category found: its code and name
	CategoryName string
	Kind         Kind
	Unit         string // where it would go: the unit and grid found
	UnitName     string
	Grid         string
	Placement    string // the sentence saying why (zh-CN, then English)
	Excerpt      string // the content, cut
	Caller       *Person
	// Errors are what is wrong with the row, by column (hotline_no,
	// called_at, category, address, location, content, caller).
	Errors map[string]Message
}

// CaseImportPreview is what an import would do, written nothing but the
// rows kept for the confirmation (Draft). Callers are masked.
type CaseImportPreview struct {
	File                 string
	Lines                []CaseImportLine
	New, Already, Errors int
	// Draft names the rows kept, sealed, for ImportCaseDraft; "" when a
	// row is bad or nothing is new.
	Draft string
}

// CaseImportResult says what an import did.
type CaseImportResult struct {
	Created, Already int
	// Cases are the numbers of the cases made, in the file's order.
	Cases []string
}

// CaseImportService imports the work orders of a 12345 export
// (docs/import.md). The importer needs CapImportCases; every case lies in
// their jurisdiction.
type CaseImportService interface {
	// PreviewCaseImport checks rows as ImportCases would, writes no case,
	// keeps the rows sealed for a day when all are good, and answers what
	// an import would do. EFORBIDDEN without the capability; EINVALID for
	// an empty or too long file (the field rows).
	PreviewCaseImport(ctx context.Context, actor *User, file string, rows []CaseImportRow) (*CaseImportPreview, error)
	// ImportCases writes a case for each new row, all in one transaction,
	// calling progress (when not nil) as rows are written, and one audit
	// row. EINVALID naming each bad row's column (rows[N].column, N the
	// file's row) and nothing written; EFORBIDDEN without the capability.
	ImportCases(ctx context.Context, actor *User, file string, rows []CaseImportRow, progress func(done, total int)) (*CaseImportResult, error)
	// ImportCaseDraft imports the rows a preview of the same actor kept
	// (as ImportCases) and forgets them. ENOTFOUND for a draft that is not
	// the actor's, is gone or was imported.
	ImportCaseDraft(ctx context.Context, actor *User, draft string, progress func(done, total int)) (*CaseImportResult, error)
}
