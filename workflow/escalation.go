package workflow

import "strings"

// EscalationTarget is the rule of 上报上级 (escalate), the one place it is
// written (docs/escalation.md): a case rises along the loop 村→镇→县→市 to
// the lowest administrative unit that lies above every unit working on it.
//
// working are the materialised paths (/620000/620900/620902/) of the
// administrative units that work on the case now, each a centre or
// department already taken as the unit it serves: the holding unit (受理),
// the assigned unit (承办) when there is one, and the unit of the person who
// escalates (none for the deadline watch). The answer is the path of the
// target, "" when nothing lies above them all (the top of the tree).
//
// So a village's case rises to its township; a case a township handles for
// one of its villages rises to the county, never to the township that
// already has it; a county department's rises to the city, never to a
// street office below the county.
func EscalationTarget(working ...string) string {
	var common []string
	first := true
	for _, p := range working {
		segs := pathSegments(p)
		if len(segs) == 0 {
			continue
		}
		if first {
			common, first = segs, false
			continue
		}
		n := 0
		for n < len(common) && n < len(segs) && common[n] == segs[n] {
			n++
		}
		common = common[:n]
	}
	// Strictly above each working unit: when the common part is one of
	// them (it holds all the others), take its parent.
	for _, p := range working {
		if segs := pathSegments(p); len(segs) > 0 && len(segs) == len(common) {
			common = common[:len(common)-1]
			break
		}
	}
	if len(common) == 0 {
		return ""
	}
	return "/" + strings.Join(common, "/") + "/"
}

// TargetCode answers the unit code a path ends with ("" for "").
func TargetCode(path string) string {
	segs := pathSegments(path)
	if len(segs) == 0 {
		return ""
	}
	return segs[len(segs)-1]
}

func pathSegments(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
