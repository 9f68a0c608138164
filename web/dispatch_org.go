package web

import (
	"strings"

	"github.com/pingan-gov/pingan"
)

// The default of a dispute's dispatch (多元化解, docs/disputes.md): the
// dispatch form preselects the mediation organisation (调解组织, a unit
// with an OrgType) nearest to where the dispute happened, of the kind its
// category names (Category.OrgType: 医疗纠纷 → the 医调委), among the
// units the dispatcher may dispatch to. The dispatcher may choose another.

// mediationOrgFor answers the code of the mediation organisation to
// preselect for the dispute c of the category cat (nil when unknown),
// among units: walking up from the unit where c happened, the first unit
// of the kind whose parent (or which itself) lies on that path, the
// nearest first. A category naming no kind, or the village or township
// kind, goes to the people's mediation committee (人民调解委员会) of the
// village or township; a kind found nowhere above falls back to it too.
// "" when c is not a dispute or no organisation is found.
func mediationOrgFor(c *pingan.Case, cat *pingan.Category, units []*pingan.Unit) string {
	if c == nil || c.Kind != pingan.KindDispute {
		return ""
	}
	want := pingan.OrgType("")
	if cat != nil {
		want = cat.OrgType
	}
	people := func(t pingan.OrgType) bool { return t == pingan.OrgVillage || t == pingan.OrgTownship }
	// The organisations by the unit they serve: their parent, or
	// themselves when they are a division.
	byHost := map[string][]*pingan.Unit{}
	for _, u := range units {
		if u.OrgType == "" {
			continue
		}
		host := u.ParentCode
		if u.Level.Administrative() {
			host = u.Code
		}
		byHost[host] = append(byHost[host], u)
	}
	path := c.UnitPath
	if path == "" {
		path = c.HoldingPath
	}
	codes := strings.Split(strings.Trim(path, "/"), "/")
	find := func(match func(pingan.OrgType) bool) string {
		for i := len(codes) - 1; i >= 0; i-- {
			for _, u := range byHost[codes[i]] {
				if match(u.OrgType) {
					return u.Code
				}
			}
		}
		return ""
	}
	if want != "" && !people(want) {
		if code := find(func(t pingan.OrgType) bool { return t == want }); code != "" {
			return code
		}
	}
	return find(people)
}
