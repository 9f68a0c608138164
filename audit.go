package pingan

import (
	"context"
	"time"
)

// The results an audit row records (审计结果).
const (
	AuditOK      = "ok"      // 成功
	AuditRefused = "refused" // 拒绝: a wrong password, a forbidden or conflicting action
	AuditFailed  = "failed"  // 失败: an error on the server's side
)

// AuditCasePrefix begins the action of the audit row of a case action
// (案件操作), which goes on with the step: case_dispatch, case_sign …
const AuditCasePrefix = "case_"

// AuditRetentionMonths is the shortest time audit rows are kept (网络安全法
// art. 21: at least six months); pruning refuses a later date.
const AuditRetentionMonths = 6

// AuditMaxRange is the longest time range the audit page, its export and
// the API answer at once.
const AuditMaxRange = 366 * 24 * time.Hour

type requestIDKey struct{}

// NewContextWithRequestID answers ctx carrying the request's id (请求编号),
// which every audit row records.
func NewContextWithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestIDFromContext answers the id NewContextWithRequestID put in ctx, or "".
func RequestIDFromContext(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// AuditRecord is one row of the audit trail (审计记录) as the audit
// administrator reads it.
type AuditRecord struct {
	ID        int64     `json:"id"`
	Seq       int64     `json:"seq,omitempty"` // place in the chain; 0 until chained
	At        time.Time `json:"at"`
	UserID    int64     `json:"user_id"`
	User      string    `json:"user"`
	Unit      string    `json:"unit"`
	Source    string    `json:"source"`
	RequestID string    `json:"request_id"`
	Action    string    `json:"action"`
	Result    string    `json:"result"` // AuditOK, AuditRefused, AuditFailed
	CaseID    string    `json:"case_id,omitempty"`
	Detail    string    `json:"detail,omitempty"`
	Masked    bool      `json:"masked"`
}

// AuditFilter picks audit rows: From and To are required and at most
// AuditMaxRange apart; the others are optional. Page counts from 1.
type AuditFilter struct {
	Account string // a username (or, for a name no account has, the name tried)
	Unit    string // the account's unit code
	Action  string
	From    time.Time // inclusive
	To      time.Time // exclusive
	Page    int
	PerPage int
}

// Check answers EINVALID naming the field that is missing or wrong.
func (f AuditFilter) Check() error {
	var v Invalid
	if f.From.IsZero() {
		v.Add("from", "audit.from.required")
	}
	if f.To.IsZero() {
		v.Add("to", "audit.to.required")
	}
	if !f.From.IsZero() && !f.To.IsZero() {
		switch {
		case !f.To.After(f.From):
			v.Add("to", "audit.range.order")
		case f.To.Sub(f.From) > AuditMaxRange:
			v.Add("to", "audit.range.long", int(AuditMaxRange/(24*time.Hour)))
		}
	}
	return v.Err()
}

// AuditAnchor is the chain's head written down once a day (每日锚点).
type AuditAnchor struct {
	Seq  int64     `json:"seq"`
	Hash string    `json:"hash"`
	At   time.Time `json:"at"`
}

// AuditChainState is the state of the chain the audit page shows.
type AuditChainState struct {
	HeadSeq    int64        `json:"head_seq"`
	HeadHash   string       `json:"head_hash"`
	StartSeq   int64        `json:"start_seq"` // the last pruned row; 0 if none was
	Unchained  int64        `json:"unchained"` // rows written and not yet chained
	LastAnchor *AuditAnchor `json:"last_anchor,omitempty"`
}

// AuditTrailService reads the audit trail for the audit administrator
// (CapReadAudit). Rows are never edited or deleted through it.
type AuditTrailService interface {
	// SearchAudit answers one page of the rows f picks, newest first, and
	// how many it picks in all. EFORBIDDEN without CapReadAudit; EINVALID
	// for a bad filter (AuditFilter.Check).
	SearchAudit(ctx context.Context, actor *User, f AuditFilter) ([]*AuditRecord, int, error)
	// ExportAudit calls fn on every row f picks (its pages ignored), newest
	// first, and then records the export in the audit trail itself.
	// format names the file ("xlsx", "csv", "json").
	ExportAudit(ctx context.Context, actor *User, f AuditFilter, format string, fn func(*AuditRecord) error) error
	// AuditChain answers the state of the chain. EFORBIDDEN without CapReadAudit.
	AuditChain(ctx context.Context, actor *User) (AuditChainState, error)
	// RecordDownload writes the row of a download (导出, 下载) of a list,
	// statistics, a printed form or a file: the path, the case it is of
	// (or ""), and the HTTP status, whose class gives the result.
	RecordDownload(ctx context.Context, actor *User, caseID, path string, status int) error
}
