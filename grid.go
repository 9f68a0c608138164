package pingan

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// GridType says what kind of ground a grid (网格) covers.
type GridType string

const (
	GridCommunity GridType = "community" // 社区网格: an urban residents' community
	GridVillage   GridType = "village"   // 农村网格: a rural village
	GridDedicated GridType = "dedicated" // 专属网格: a school, market, hospital, industrial park …
)

// GridTypes lists the valid grid types.
var GridTypes = []GridType{GridCommunity, GridVillage, GridDedicated}

// Valid reports whether t is a known grid type.
func (t GridType) Valid() bool {
	for _, v := range GridTypes {
		if v == t {
			return true
		}
	}
	return false
}

// Positions of the people who work a grid. Each is a user with the
// grid_worker role.
const (
	GridLeader    = "leader"    // 网格长: leads the grid, usually a village/community cadre
	GridMember    = "member"    // 网格员: the full-time (专职) or part-time (兼职) grid worker
	GridAssistant = "assistant" // 网格辅助员: helps the grid worker (楼栋长, volunteers …)
)

// GridPositions lists the valid positions in a grid, in rank order.
var GridPositions = []string{GridLeader, GridMember, GridAssistant}

// Grid is the smallest piece of territory (网格): a polygon under one
// village or community with the people who work it. A report with a
// position is placed in the grid whose polygon contains it (package geo).
type Grid struct {
	Code string   `json:"code"`
	Name string   `json:"name"`
	Type GridType `json:"type"`
	// Unit is the code of the village or community (村/社区) the grid lies in.
	Unit string `json:"unit"`
	// Geometry is a GeoJSON Polygon or MultiPolygon in WGS84 (longitude,
	// latitude), as received; package geo parses and validates it.
	Geometry   json.RawMessage `json:"geometry"`
	Households int             `json:"households"` // 户数
	Population int             `json:"population"` // 人口
	Workers    []GridWorker    `json:"workers,omitempty"`
}

// GridWorker is a user's place in a grid.
type GridWorker struct {
	UserID   int64  `json:"user_id"`
	Name     string `json:"name"`
	Position string `json:"position"` // GridLeader 网格长 | GridMember 网格员 | GridAssistant 网格辅助员
}

// Validate checks the fields of g other than its geometry (package geo
// checks that); EINVALID names each bad field as "grid CODE field".
func (g *Grid) Validate() error {
	var v Invalid
	key := "grid " + g.Code
	switch {
	case strings.TrimSpace(g.Code) == "":
		v.Add("grid code", "grid.code.empty")
		key = "grid"
	case strings.ContainsAny(g.Code, " /%_\\"):
		v.Add(key+" code", "grid.code.bad", g.Code)
	}
	if strings.TrimSpace(g.Name) == "" {
		v.Add(key+" name", "grid.name.empty")
	}
	if !g.Type.Valid() {
		v.Add(key+" type", "grid.type.bad", g.Type)
	}
	if strings.TrimSpace(g.Unit) == "" {
		v.Add(key+" unit", "grid.unit.empty")
	}
	if g.Households < 0 {
		v.Add(key+" households", "grid.households.negative")
	}
	if g.Population < 0 {
		v.Add(key+" population", "grid.population.negative")
	}
	for i, w := range g.Workers {
		ok := false
		for _, p := range GridPositions {
			ok = ok || w.Position == p
		}
		if !ok {
			v.Add(fmt.Sprintf("%s workers[%d]", key, i), "grid.position.bad", w.Position)
		}
	}
	return v.Err()
}

// GridService reads and maintains the grids.
type GridService interface {
	// FindGrids answers the grids lying under unit (a village or community,
	// or any unit above it: its whole subtree), ordered by code.
	// ENOTFOUND if the unit does not exist or lies outside the actor's
	// jurisdiction.
	FindGrids(ctx context.Context, actor *User, unit string) ([]*Grid, error)
	// GridShapes answers the grids lying under unit as FindGrids does, but
	// only what a map or a list of names shows — code, name, type, unit and
	// geometry — from memory, current within seconds of an import made
	// elsewhere. The geometry is shared: read, never changed.
	GridShapes(ctx context.Context, actor *User, unit string) ([]*Grid, error)
	// FindGrid answers one grid with its workers; ENOTFOUND if it does not
	// exist or lies outside the actor's jurisdiction.
	FindGrid(ctx context.Context, actor *User, code string) (*Grid, error)
	// ImportGrids creates or updates grids all together or not at all, and
	// keeps the spatial index in step. EINVALID names the grid ("grid CODE")
	// for a bad field, an unknown unit or a unit that is not a village or
	// community, and for geometry that is unparsable, not a polygon,
	// self-intersecting, outside its unit's area or overlapping another grid
	// beyond the tolerance.
	ImportGrids(ctx context.Context, grids []*Grid) (ImportResult, error)
	// ImportGridsFile is ImportGrids of the grids read from file by actor
	// (nil: the operator at the command line), audited as grid_import with
	// the file's name and the counts.
	ImportGridsFile(ctx context.Context, actor *User, file string, grids []*Grid) (ImportResult, error)
}
