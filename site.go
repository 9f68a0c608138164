package pingan

// Key sites (重点场所/重点单位), docs/sites.md: the register of the places
// that must be inspected on a schedule — schools, hospitals, stations,
// markets, industrial parks, construction sites and the enterprises with a
// major hazard source (重大危险源, GB 18218, 一级–四级).

// Site is one entry of the register.
type Site struct {
	ID      int64   `json:"id"`
	Region  string  `json:"region"`
	Name    string  `json:"name"`
	Type    string  `json:"type"`            // a SiteType's code
	Level   int     `json:"level,omitempty"` // 1–4 for a major hazard source; 0 otherwise
	Grid    string  `json:"grid"`            // the grid it lies in
	Unit    string  `json:"unit"`            // the unit that owns the grid
	Path    string  `json:"-"`               // that unit's path (jurisdiction)
	Lat     float64 `json:"lat"`
	Lng     float64 `json:"lng"`
	Address string  `json:"address,omitempty"`
	// Department is the unit code of the responsible department (主管部门).
	Department string `json:"department,omitempty"`
}
