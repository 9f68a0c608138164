package pingan

import (
	"context"
	"strings"
)

// Level of a unit in the territory tree. The first five are administrative
// (GB/T 2260 and the statistical codes); centres (综治中心) and departments
// (职能部门) hang under an administrative unit.
type Level string

const (
	LevelProvince   Level = "province"   // 省
	LevelCity       Level = "city"       // 市
	LevelCounty     Level = "county"     // 县/区
	LevelTownship   Level = "township"   // 乡镇/街道
	LevelVillage    Level = "village"    // 村/社区
	LevelCentre     Level = "centre"     // 综治中心 of its parent
	LevelDepartment Level = "department" // 职能部门 under its parent
)

// Levels lists the valid levels, top down.
var Levels = []Level{LevelProvince, LevelCity, LevelCounty, LevelTownship, LevelVillage, LevelCentre, LevelDepartment}

// Valid reports whether l is a known level.
func (l Level) Valid() bool {
	for _, v := range Levels {
		if v == l {
			return true
		}
	}
	return false
}

// Administrative reports whether l is a level of the administrative tree.
func (l Level) Administrative() bool {
	return l != LevelCentre && l != LevelDepartment && l.Valid()
}

// Rank orders administrative levels: province 1 … village 5; 0 otherwise.
func (l Level) Rank() int {
	switch l {
	case LevelProvince:
		return 1
	case LevelCity:
		return 2
	case LevelCounty:
		return 3
	case LevelTownship:
		return 4
	case LevelVillage:
		return 5
	}
	return 0
}

// Unit is a node of the territory tree: an administrative division, or a
// centre or department under one.
type Unit struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Level      Level  `json:"level"`
	ParentCode string `json:"parent,omitempty"`
	// Path is the materialised path of codes from the root, "/62/6209/620902/";
	// a unit's subtree is every unit whose Path starts with its Path.
	Path string `json:"-"`
	// Region is the code of the county (or the city or province for units
	// above counties) the unit belongs to; tables that grow with cases are
	// keyed by it.
	Region string `json:"region"`
	// OrgType marks a mediation organisation (调解组织, dispute.go): "" for
	// any other unit.
	OrgType OrgType `json:"org_type,omitempty"`
}

// Contains reports whether path lies in the subtree rooted at u.
func (u *Unit) Contains(path string) bool {
	return u.Path != "" && strings.HasPrefix(path, u.Path)
}

// UnitFilter selects units.
type UnitFilter struct {
	Parent string // only the children of this unit
	Level  Level
	// Codes, when not empty, are the only units answered (those of them
	// in the jurisdiction): the names of a table's rows in one reading.
	Codes []string
	Limit int
}

// UnitService reads and maintains the territory tree.
type UnitService interface {
	// FindUnits answers the units in the actor's jurisdiction matching f.
	FindUnits(ctx context.Context, actor *User, f UnitFilter) ([]*Unit, error)
	// FindUnit answers one unit; ENOTFOUND if it does not exist or lies
	// outside the actor's jurisdiction.
	FindUnit(ctx context.Context, actor *User, code string) (*Unit, error)
	// ImportUnits creates or updates units all together or not at all;
	// parents may be in the same batch, in any order. EINVALID names the row.
	ImportUnits(ctx context.Context, units []*Unit) (ImportResult, error)
	// ImportUnitsFile is ImportUnits of the units read from file by actor
	// (nil: the operator at the command line), audited as unit_import with
	// the file's name and the counts; progress, when not nil, is called
	// with the units written so far and the total.
	ImportUnitsFile(ctx context.Context, actor *User, file string, units []*Unit, progress func(done, total int)) (ImportResult, error)
	// SetUnitOrgType makes a unit a mediation organisation of the kind t,
	// or none when t is "": an administrator of the unit's jurisdiction
	// (EFORBIDDEN otherwise, ENOTFOUND outside it); EINVALID for an unknown
	// kind.
	SetUnitOrgType(ctx context.Context, actor *User, code string, t OrgType) error
}

// ImportResult counts what an import changed.
type ImportResult struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}
