package pingan

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
