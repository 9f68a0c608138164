package pingan

import (
	"context"
	"time"
)

// A citizen (群众) reports a problem without an account: the report answers
// the case number and a query code (查询码), a secret the citizen keeps.
// With both, anyone may read the case's public status — where it stands,
// its steps and deadline, never its personal data, notes or the names of
// the staff — and rate it once it is closed (评价).

// PublicReceipt is what a citizen is given for a report.
type PublicReceipt struct {
	Number    string `json:"number"`
	QueryCode string `json:"query_code"`
}

// PublicStep is one step of a case's timeline as the public sees it.
type PublicStep struct {
	Action   ActionName `json:"action"`
	At       time.Time  `json:"at"`
	ToStatus Status     `json:"to_status"`
}

// PublicCase is the public status of a case: no personal data, no
// description, no staff names, and of the notes only the outcome.
type PublicCase struct {
	Number       string        `json:"number"`
	Kind         Kind          `json:"kind"`
	Category     string        `json:"category"`
	Status       Status        `json:"status"`
	UnitName     string        `json:"unit_name"` // where it happened (村/社区)
	ReportedAt   time.Time     `json:"reported_at"`
	ResolveBy    *time.Time    `json:"resolve_by"`
	ResolvedAt   *time.Time    `json:"resolved_at"`
	ClosedAt     *time.Time    `json:"closed_at"`
	Satisfaction *Satisfaction `json:"satisfaction"`
	Steps        []PublicStep  `json:"steps"`
	// The outcome, shown before the citizen is asked to rate: the reason
	// of a 不予受理, the unit that handled the case (办理单位, by name) and
	// its result (办理结果) once resolved.
	Reason       string `json:"reason,omitempty"`
	HandlingUnit string `json:"handling_unit,omitempty"`
	Result       string `json:"result,omitempty"`
	// MergedInto is the public status of the case this report was merged
	// into (合并办理) — its number, status, steps and, once resolved, its
	// outcome — never its reporter or personal data; nil when not merged.
	// The main case is rated by its own reporter, not from here.
	MergedInto *PublicCase `json:"merged_into,omitempty"`
	// PersonalPurged: the case's personal data was deleted at the end of
	// its retention (retention.go).
	PersonalPurged bool `json:"personal_purged,omitempty"`
}

// Rateable reports whether the citizen may rate the case now.
func (c *PublicCase) Rateable() bool {
	return c.Status == StatusClosed && c.Satisfaction == nil
}

// PublicService is what citizens may do without an account.
type PublicService interface {
	// PublicUnits answers the units a citizen may name as the place of a
	// report: townships and villages/communities, ordered by path.
	PublicUnits(ctx context.Context) ([]*Unit, error)
	// FileCase reports a case as a citizen (source citizen, no reporting
	// user) with its photos (in.Photos), and answers the case number and a
	// new query code. EINVALID names each bad field, as CreateCase.
	FileCase(ctx context.Context, in *NewCase) (*PublicReceipt, error)
	// PublicCase answers the public status of the case with the number if
	// code is its query code. ENOTFOUND for an unknown number and for a
	// wrong code alike.
	PublicCase(ctx context.Context, number, code string) (*PublicCase, error)
	// RateCase records the citizen's rating of a closed case, once, as a
	// rate action on its timeline. ENOTFOUND as PublicCase; ECONFLICT when
	// the case is not closed or already rated; EINVALID for a bad rating.
	RateCase(ctx context.Context, number, code string, s Satisfaction, note string) (*PublicCase, error)
}
