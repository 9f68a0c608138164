package pingan

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Safety hazards (安全隐患排查整改), docs/hazards.md: a hazard is a case of
// the kind hazard, with a level and a place, whose loop after signing is
// 责令整改 (an order with a deadline and the party responsible) → 整改完成
// (after-photos) → 复查 (on site, by someone other than the party) →
// 销号 (closed), or back to 整改 with a new deadline (返工).

// HazardLevel is the grade of a hazard (隐患等级).
type HazardLevel string

const (
	HazardGeneral HazardLevel = "general" // 一般隐患
	HazardMajor   HazardLevel = "major"   // 重大隐患: 挂牌督办 by the level above
)

// HazardFacts are what a hazard report says beyond the case: its level
// and the key site it was found at (Site, an id of the register, site.go;
// 0 when found at a position only).
type HazardFacts struct {
	Level HazardLevel `json:"level"`
	Site  int64       `json:"site,omitempty"`
}

// Valid reports whether l is a known level.
func (l HazardLevel) Valid() bool { return l == HazardGeneral || l == HazardMajor }

// HazardStage is where a hazard stands in its rectification (整改阶段);
// "" before rectification is ordered. The case's status stays in progress
// through rectifying and rechecking; a passed recheck closes it (销号).
type HazardStage string

const (
	HazardRectifying HazardStage = "rectifying" // 整改中
	HazardRechecking HazardStage = "rechecking" // 待复查
	HazardPassed     HazardStage = "passed"     // 复查合格，已销号
)

// HazardStages lists the stages, "" (not ordered) first.
var HazardStages = []HazardStage{"", HazardRectifying, HazardRechecking, HazardPassed}

// PartyKind is what the party responsible for a rectification is (整改
// 责任主体).
type PartyKind string

const (
	PartyEnterprise PartyKind = "enterprise" // 企业
	PartyProperty   PartyKind = "property"   // 物业公司
	PartyDepartment PartyKind = "department" // 职能部门 (a unit of pingan)
	PartyOtherKind  PartyKind = "other"      // 其他
)

// PartyKinds lists the kinds of responsible party.
var PartyKinds = []PartyKind{PartyEnterprise, PartyProperty, PartyDepartment, PartyOtherKind}

// Valid reports whether k is a known kind of party.
func (k PartyKind) Valid() bool {
	for _, x := range PartyKinds {
		if x == k {
			return true
		}
	}
	return false
}

// MaxMeasures bounds the text of the rectification measures and of a
// party's name.
const (
	MaxMeasures  = 2000
	MaxPartyName = 200
)

// RectifyParty is who must rectify: an enterprise, a property company, a
// department (then Unit is its code, in the jurisdiction of whoever orders
// it) or another party, by name.
type RectifyParty struct {
	Kind PartyKind `json:"kind"`
	Name string    `json:"name"`
	Unit string    `json:"unit,omitempty"`
}

// RectifyInput is the order of rectify_order (责令整改), and the new
// deadline of a failed recheck (Deadline alone).
type RectifyInput struct {
	Deadline *time.Time   `json:"deadline,omitempty"`
	Party    RectifyParty `json:"party"`
	Measures string       `json:"measures,omitempty"`
}

// RecheckInput is the result of recheck (复查): passed or not; a failed
// recheck gives a new deadline in ActionInput.Rectify.
type RecheckInput struct {
	Passed *bool `json:"passed"`
}

// Hazard is the state of a hazard on its case row (hz_* columns): its
// facts, where its rectification stands, and its supervision.
type Hazard struct {
	Level HazardLevel `json:"level"`
	Site  int64       `json:"site,omitempty"`
	// SiteName is the key site's name, read with a single case.
	SiteName string      `json:"site_name,omitempty"`
	Stage    HazardStage `json:"stage"`
	// Deadline is the rectification's current deadline (整改期限); Party
	// who must rectify (PartyPath the path of its unit when a
	// department); Measures what must be done.
	Deadline  *time.Time   `json:"deadline,omitempty"`
	Party     RectifyParty `json:"party"`
	PartyPath string       `json:"-"`
	Measures  string       `json:"measures,omitempty"`
	OrderedAt *time.Time   `json:"ordered_at,omitempty"`
	// Round is 1 + the failed rechecks (返工轮次); 0 before an order.
	Round int `json:"round"`
	// DoneBy and DoneAt: who reported the rectification done (整改完成)
	// and when, for the round under way or last finished.
	DoneBy int64      `json:"done_by,omitempty"`
	DoneAt *time.Time `json:"done_at,omitempty"`
	// Late (整改超期) is set once a rectification deadline was missed —
	// reported done after it, or marked by the deadline watch — and stays;
	// Watched is the deadline the watch last acted on.
	Late    bool       `json:"late"`
	Watched *time.Time `json:"-"`
	// Rechecks counts the rechecks (复查); LastPassed is the last one's
	// result; RecheckedAt when.
	Rechecks    int        `json:"rechecks"`
	LastPassed  bool       `json:"last_passed"`
	RecheckedAt *time.Time `json:"rechecked_at,omitempty"`
	// Listed (挂牌督办): a major hazard, supervised by Supervisor, the
	// administrative unit above the one holding it at the report.
	Listed     bool   `json:"listed"`
	Supervisor string `json:"supervisor,omitempty"`
}

// Ordered reports whether rectification was ordered (the loop goes
// through recheck from then on).
func (h *Hazard) Ordered() bool { return h != nil && h.Stage != "" }

// Check collects what is wrong with an order of rectification into v,
// fields prefixed "rectify.": a deadline after now, a known kind of party
// with its name, a unit for a department, the measures; when deadlineOnly,
// the deadline alone (a failed recheck).
func (in *RectifyInput) Check(v *Invalid, now time.Time, deadlineOnly bool) {
	if in == nil {
		v.Require("rectify.deadline", "")
		if !deadlineOnly {
			v.Require("rectify.party.kind", "")
			v.Require("rectify.party.name", "")
			v.Require("rectify.measures", "")
		}
		return
	}
	switch {
	case in.Deadline == nil:
		v.Require("rectify.deadline", "")
	case !in.Deadline.After(now):
		v.Add("rectify.deadline", "hazard.deadline.past")
	}
	if deadlineOnly {
		return
	}
	p := &in.Party
	p.Kind = PartyKind(strings.TrimSpace(string(p.Kind)))
	p.Name, p.Unit = strings.TrimSpace(p.Name), strings.TrimSpace(p.Unit)
	in.Measures = strings.TrimSpace(in.Measures)
	switch {
	case p.Kind == "":
		v.Require("rectify.party.kind", "")
	case !p.Kind.Valid():
		v.Add("rectify.party.kind", "hazard.party.kind.unknown", string(p.Kind))
	case p.Kind == PartyDepartment && p.Unit == "":
		v.Require("rectify.party.unit", "")
	}
	v.Require("rectify.party.name", p.Name)
	if utf8.RuneCountInString(p.Name) > MaxPartyName {
		v.Add("rectify.party.name", "hazard.text.long", MaxPartyName)
	}
	v.Require("rectify.measures", in.Measures)
	if utf8.RuneCountInString(in.Measures) > MaxMeasures {
		v.Add("rectify.measures", "hazard.text.long", MaxMeasures)
	}
}

// Check collects what is wrong with a hazard's facts into v, prefixed
// "hazard.": the level, when given, must be known.
func (f *HazardFacts) Check(v *Invalid) {
	f.Level = HazardLevel(strings.TrimSpace(string(f.Level)))
	if f.Level != "" && !f.Level.Valid() {
		v.Add("hazard.level", "hazard.level.unknown", string(f.Level))
	}
	if f.Site < 0 {
		v.Add("hazard.site", "hazard.site.unknown", f.Site)
	}
}

// NewHazard answers the state of a new hazard case from its facts (nil:
// 一般隐患 at a position).
func NewHazard(f *HazardFacts) *Hazard {
	h := &Hazard{Level: HazardGeneral}
	if f != nil {
		if f.Level != "" {
			h.Level = f.Level
		}
		h.Site = f.Site
	}
	return h
}
