package pingan

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Retention of personal data (个人信息保存期限, PIPL art. 19, 47): a closed
// case's personal data — its reporter and parties, and every sealed value
// that belongs to it (mediation sessions and agreements, petition
// documents and drafts, an Open311 request's e-mail and device, the notes
// of a reception about it alone) — is deleted a number of months after
// closing, by kind; the case stays, anonymised, counted as before. The
// months are a security setting (the security administrator's), never
// below the legal minimum of the kind. And the citizen's request to see or
// correct their data (PIPL art. 45, 46), made from the public case page,
// becomes a task of the case's unit.

// RetentionPolicy is how many months after closing a closed case's
// personal data is kept, by kind.
type RetentionPolicy struct {
	Months map[Kind]int `json:"months"`
	// UpdatedBy and UpdatedAt say who set the policy last and when; empty
	// for the defaults.
	UpdatedBy string    `json:"updated_by,omitempty"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// MaxRetentionMonths bounds a kind's months (a hundred years).
const MaxRetentionMonths = 1200

// RetentionMinimum answers the shortest retention of a kind, in months:
// disputes three years (人民调解卷宗 are kept at least three years, and a
// mediation agreement may be disputed or confirmed by a court within
// them), petitions five (信访工作条例: the petitions' files are archived),
// the other kinds one year.
func RetentionMinimum(k Kind) int {
	switch k {
	case KindDispute:
		return 36
	case KindPetition:
		return 60
	}
	return 12
}

// RetentionDefault answers a kind's retention where none was set.
func RetentionDefault(k Kind) int {
	switch k {
	case KindDispute:
		return 60
	case KindPetition:
		return 120
	}
	return 36
}

// DefaultRetentionPolicy answers the policy of a deployment that set none.
func DefaultRetentionPolicy() RetentionPolicy {
	p := RetentionPolicy{Months: map[Kind]int{}}
	for _, k := range Kinds {
		p.Months[k.Kind] = RetentionDefault(k.Kind)
	}
	return p
}

// Validate adds a refusal naming each kind's field ("months.dispute")
// that is missing, unknown, below the kind's minimum or above
// MaxRetentionMonths.
func (p *RetentionPolicy) Validate(v *Invalid) {
	for k := range p.Months {
		if !k.Valid() {
			v.Add("months."+string(k), "retention.kind.unknown", ShowText(string(k), 20))
		}
	}
	for _, x := range Kinds {
		field := "months." + string(x.Kind)
		m, ok := p.Months[x.Kind]
		switch {
		case !ok:
			v.Add(field, "field.required")
		case m < RetentionMinimum(x.Kind):
			v.Add(field, "retention.short."+retentionBasis(x.Kind), RetentionMinimum(x.Kind))
		case m > MaxRetentionMonths:
			v.Add(field, "retention.long", MaxRetentionMonths)
		}
	}
}

// retentionBasis names the reason of a kind's minimum in the catalogue.
func retentionBasis(k Kind) string {
	if k == KindDispute || k == KindPetition {
		return string(k)
	}
	return "other"
}

// PurgeReport counts the cases whose personal data a run deleted (or, in
// a dry run, would delete), by kind.
type PurgeReport struct {
	DryRun bool         `json:"dry_run"`
	ByKind map[Kind]int `json:"by_kind"`
	Total  int          `json:"total"`
}

// The kinds of a citizen's request about their personal data.
const (
	PersonalView    = "view"    // 查阅
	PersonalCorrect = "correct" // 更正
)

// PersonalFields are the items of their data a citizen may ask to have
// corrected (更正): which ones, never their values, so that no personal
// data is written into the request or the unit's task — the unit reaches
// the reporter through the case's own sealed contact to verify and
// correct.
var PersonalFields = []string{"name", "phone", "id_number", "address"}

// PersonalRequestDays is the time a unit has to answer a citizen's
// request, in working days.
const PersonalRequestDays = 15

// TaskTypePersonal is the task type of a citizen's request (个人信息请求):
// one milestone, the answer, PersonalRequestDays working days after.
const TaskTypePersonal = "personal_data"

// PersonalRequest is a citizen's request to see or correct the personal
// data of their case.
type PersonalRequest struct {
	Kind   string   `json:"kind"`   // PersonalView or PersonalCorrect
	Fields []string `json:"fields"` // PersonalFields to correct; at least one for a correction
}

// Validate trims the request and adds a refusal naming "kind" or
// "fields".
func (r *PersonalRequest) Validate(v *Invalid) {
	r.Kind = strings.TrimSpace(r.Kind)
	switch r.Kind {
	case PersonalView, PersonalCorrect:
	case "":
		v.Add("kind", "field.required")
	default:
		v.Add("kind", "personal.request.kind.bad")
	}
	var fields []string
	for _, f := range r.Fields {
		f = strings.TrimSpace(f)
		switch {
		case !slices.Contains(PersonalFields, f):
			v.Add("fields", "personal.request.field.bad", ShowText(f, 20))
		case !slices.Contains(fields, f):
			fields = append(fields, f)
		}
	}
	r.Fields = fields
	if r.Kind == PersonalCorrect && len(r.Fields) == 0 {
		v.Add("fields", "personal.request.fields.required")
	}
	if r.Kind == PersonalView {
		r.Fields = nil
	}
}

// RetentionService keeps the retention policy and deletes what is past it.
type RetentionService interface {
	// RetentionPolicy answers the policy, the defaults where none was set.
	RetentionPolicy(ctx context.Context) (*RetentionPolicy, error)
	// SetRetentionPolicy replaces the policy, audited. The actor must be a
	// security administrator of the whole tree (nil: the command line);
	// EFORBIDDEN for another, EINVALID naming each bad kind's field.
	SetRetentionPolicy(ctx context.Context, actor *User, p *RetentionPolicy) error
	// PurgePersonal deletes the personal data of the closed cases past
	// their retention, a batch to a transaction, each case audited
	// (personal_purge); a dry run counts them and changes nothing. It stops
	// between batches when ctx ends.
	PurgePersonal(ctx context.Context, dryRun bool) (*PurgeReport, error)
}

// PersonalRequester takes a citizen's request about their personal data,
// reached with the case's number and query code.
type PersonalRequester interface {
	// RequestPersonal makes the request a task of the case's unit and
	// answers the task's id; ENOTFOUND for a wrong number or code,
	// EINVALID naming "kind" or "fields", ECONFLICT (personal.purged) when
	// the case's personal data has already been deleted.
	RequestPersonal(ctx context.Context, number, code string, r *PersonalRequest) (int64, error)
}
