package pingan

import (
	"context"
	"fmt"
)

// Kind of case. All kinds share one lifecycle; a kind may add fields.
type Kind string

const (
	KindDispute  Kind = "dispute"  // 矛盾纠纷
	KindPetition Kind = "petition" // 信访
	KindHazard   Kind = "hazard"   // 安全隐患
	KindService  Kind = "service"  // 民生服务诉求
)

// Kinds lists the kinds with their Chinese names.
var Kinds = []struct {
	Kind Kind
	Name string
}{{KindDispute, "矛盾纠纷"}, {KindPetition, "信访"}, {KindHazard, "安全隐患"}, {KindService, "民生服务"}}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x.Kind == k {
			return true
		}
	}
	return false
}

// Period is an amount of time counted in hours, calendar days or working
// days on the official calendar.
type Period struct {
	N    int    `json:"n"`
	Unit string `json:"unit"` // hours | calendar | working
}

func (p Period) String() string {
	switch p.Unit {
	case "hours":
		return fmt.Sprintf("%d 小时", p.N)
	case "working":
		return fmt.Sprintf("%d 个工作日", p.N)
	}
	return fmt.Sprintf("%d 天", p.N)
}

// Valid reports whether the period can be counted.
func (p Period) Valid() bool {
	return p.N > 0 && (p.Unit == "hours" || p.Unit == "calendar" || p.Unit == "working")
}

// Policy is a category's deadline policy (时限): the time to sign after
// dispatch and the time to resolve after the report.
type Policy struct {
	Sign    Period `json:"sign"`
	Resolve Period `json:"resolve"`
}

// ResolveFor answers the resolve period of a case of urgency u, marked
// 重大敏感 when sensitive (docs/urgency.md): normal, the policy's Resolve;
// urgent, half of it; critical or sensitive, a quarter of it — each in the
// policy's unit, rounded up, and at least one. A period that cannot be
// counted is answered as it is (the deadline refuses it).
func (p Policy) ResolveFor(u Urgency, sensitive bool) Period {
	r := p.Resolve
	if !r.Valid() {
		return r
	}
	div := 1
	switch {
	case u == UrgencyCritical || sensitive:
		div = 4
	case u == UrgencyUrgent:
		div = 2
	}
	r.N = (r.N + div - 1) / div
	return r
}

// Category of case inside a kind, e.g. 0102 邻里纠纷 (GB/T 31000-2015 codes
// for disputes).
type Category struct {
	Code   string `json:"code"`
	Kind   Kind   `json:"kind"`
	Name   string `json:"name"`
	Parent string `json:"parent,omitempty"`
	Policy Policy `json:"policy"`
	// OrgType is the kind of mediation organisation a dispute of the
	// category goes to by default (0502 医疗纠纷 → medical, the 医调委),
	// found among those above the case; "" for none.
	OrgType OrgType `json:"org_type,omitempty"`
}

// CategoryService reads and maintains categories.
type CategoryService interface {
	// Categories answers every category, ordered by code.
	Categories(ctx context.Context) ([]*Category, error)
	// SaveCategory creates or updates a category and its deadline policy,
	// which hold for every unit: only an administrator of the top unit (one
	// whose jurisdiction is the whole tree) may, or nil, the operator at the
	// command line or the seeding. EFORBIDDEN for anyone else; EINVALID
	// names the field.
	SaveCategory(ctx context.Context, actor *User, c *Category) error
}
