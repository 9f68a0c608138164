package web

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/internal/httpx"
	"github.com/pingan-gov/pingan/internal/pinyin"
)

// Pickers (选择器) that scale: a unit or a grid is found by its name, the
// initials of its pinyin (XBC finds 下坝村委会) or its code, in a list
// grouped by level, where a name that repeats (下坝村委会 under two
// townships) is shown with the path of names above it. static/picker.js
// turns a select or an input marked data-picker into a search box over
// these answers; without the script the page keeps its plain control.
//
//	GET /picker/units?q=&level=&limit=   the units of the user's jurisdiction
//	GET /picker/grids?q=&limit=          the grids of the user's jurisdiction
//	GET /public/picker/units?parent=&q=  the citizens' places: the counties,
//	                                     a county's townships, a township's
//	                                     villages, or a search of both

// routesPicker registers the pickers' answers (called from routesFind).
func (s *Server) routesPicker(h func(pattern string, handler http.HandlerFunc)) {
	h("GET /picker/units", s.signedIn(s.pickUnits))
	h("GET /picker/grids", s.signedIn(s.pickGrids))
	h("GET /public/picker/units", s.publicOnly(s.limited(s.limits.Public, "limit.public", s.pickPublicUnits)))
}

// pick is one unit or grid as a picker lists it.
type pick struct {
	Code      string       `json:"code"`
	Name      string       `json:"name"`
	Level     pingan.Level `json:"level"` // "grid" for a grid
	LevelName string       `json:"level_name"`
	// Path is the names above it inside the list's reach, top down,
	// joined by " / ": 肃州区 / 东北街街道.
	Path string `json:"path"`
	// Initials are those of the usual readings of the name (pinyin.Initials).
	Initials string `json:"initials"`
	// Repeated says another entry of the reach has the same name: show
	// the path beside it.
	Repeated bool `json:"repeated"`
	// Up are the codes above it, top down, in the citizens' cascade
	// (county, township); empty elsewhere.
	Up []string `json:"up,omitempty"`

	parent string
	group  int    // the order of its level in the list
	sort   string // its place in the tree, for the order inside a group
}

// pickAnswer is a picker's answer: the matches in order, grouped by level,
// and whether more matched than are listed.
type pickAnswer struct {
	Items []pick `json:"items"`
	More  bool   `json:"more"`
}

const (
	pickLimit    = 50  // the matches answered unless ?limit= says otherwise
	pickLimitMax = 200 // the most ?limit= may ask
	pickQueryMax = 50  // the longest query, in characters
	// pickTTL is how long a reach's list is kept. A unit imported meanwhile
	// shows in a picker that much later; the plain select of the page
	// shows it at once.
	pickTTL = 30 * time.Second
)

// pickCache keeps the lists of the reaches lately asked for, by server
// and by what the list is of (the jurisdiction's path, the language), for
// pickTTL.
type pickCache struct {
	mu sync.Mutex
	m  map[pickKey]pickList
}

type pickKey struct {
	s    *Server
	what string
}

type pickList struct {
	at    time.Time
	items []pick
}

var picks = &pickCache{m: map[pickKey]pickList{}}

// list answers the list kept under key, or loads it.
func (c *pickCache) list(key pickKey, load func() ([]pick, error)) ([]pick, error) {
	now := time.Now()
	c.mu.Lock()
	l, ok := c.m[key]
	c.mu.Unlock()
	if ok && now.Sub(l.at) < pickTTL {
		return l.items, nil
	}
	items, err := load()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.m) > 1000 { // many reaches: start again rather than grow
		clear(c.m)
	}
	c.m[key] = pickList{at: now, items: items}
	c.mu.Unlock()
	return items, nil
}

// pickQuery reads ?q= and ?limit=: EINVALID naming the field for a query
// too long or a limit that is no number in range.
func pickQuery(r *http.Request) (q string, limit int, err error) {
	var v pingan.Invalid
	q = strings.TrimSpace(r.URL.Query().Get("q"))
	if n := len([]rune(q)); n > pickQueryMax {
		v.Add("q", "picker.q.long", pickQueryMax)
	}
	limit = pickLimit
	if l := r.URL.Query().Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > pickLimitMax {
			v.Add("limit", "picker.limit.bad", pickLimitMax)
		} else {
			limit = n
		}
	}
	return q, limit, v.Err()
}

// writePicks answers the matches of q among items, the best first inside
// each group, at most limit of them.
func writePicks(w http.ResponseWriter, items []pick, q string, limit int, keep func(*pick) bool) {
	type match struct {
		p    *pick
		rank int
	}
	var ms []match
	words := strings.Fields(strings.ToLower(q))
	inis := make([]string, len(words))
	for i, w := range words {
		inis[i] = pinyin.Query(w)
	}
	for i := range items {
		p := &items[i]
		if keep != nil && !keep(p) {
			continue
		}
		if rank := pickRank(p, words, inis); rank >= 0 {
			ms = append(ms, match{p, rank})
		}
	}
	slices.SortStableFunc(ms, func(a, b match) int {
		return cmp.Or(cmp.Compare(a.p.group, b.p.group), cmp.Compare(a.rank, b.rank), cmp.Compare(a.p.sort, b.p.sort))
	})
	ans := pickAnswer{Items: []pick{}, More: len(ms) > limit}
	for _, m := range ms[:min(len(ms), limit)] {
		ans.Items = append(ans.Items, *m.p)
	}
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, http.StatusOK, ans)
}

// pickRank answers how well p matches every word of a query (lower case):
// 0 the name or code itself, 1 the start of the name or of its initials,
// 2 inside the name, the initials or the code, 3 a name above it (东北街
// 下坝 finds the 下坝村委会 of 东北街街道); -1 when a word matches none. An
// empty query matches everything alike. inis are the words as initials
// (pinyin.Query).
func pickRank(p *pick, words, inis []string) int {
	worst := 0
	name := strings.ToLower(p.Name)
	for i, w := range words {
		rank := -1
		ini := inis[i]
		switch {
		case name == w || strings.ToLower(p.Code) == w:
			rank = 0
		case strings.HasPrefix(name, w):
			rank = 1
		case ini != "" && pinyin.Index(p.Name, ini) == 0:
			rank = 1
		case strings.Contains(name, w), strings.HasPrefix(strings.ToLower(p.Code), w):
			rank = 2
		case ini != "" && pinyin.Index(p.Name, ini) > 0:
			rank = 2
		case strings.Contains(strings.ToLower(p.Path), w):
			rank = 3
		case ini != "" && pathInitials(p.Path, ini):
			rank = 3
		}
		if rank < 0 {
			return -1
		}
		worst = max(worst, rank)
	}
	return worst
}

// pathInitials reports whether the initials ini start one of the names of path.
func pathInitials(path, ini string) bool {
	for n := range strings.SplitSeq(path, " / ") {
		if pinyin.Index(n, ini) == 0 {
			return true
		}
	}
	return false
}

// pathSep joins the names of a path.
const pathSep = " / "

// unitPicks answers the units as picks: each with the names above it
// among them, marked when its name repeats, grouped by level (departments
// and centres first for a dispatcher, who dispatches to them; the
// administrative levels top down first for everyone else).
func unitPicks(units []*pingan.Unit, lang pingan.Lang, dispatcher bool) []pick {
	byCode := make(map[string]*pingan.Unit, len(units))
	names := map[string]int{}
	for _, u := range units {
		byCode[u.Code] = u
		names[u.Name]++
	}
	out := make([]pick, 0, len(units))
	for _, u := range units {
		var above []string
		for c := u.ParentCode; c != ""; {
			p := byCode[c]
			if p == nil {
				break
			}
			above = append(above, p.Name)
			c = p.ParentCode
		}
		slices.Reverse(above)
		out = append(out, pick{Code: u.Code, Name: u.Name, Level: u.Level, LevelName: pingan.Text(lang, "level."+string(u.Level)),
			Path: strings.Join(above, pathSep), Initials: pinyin.Initials(u.Name), Repeated: names[u.Name] > 1,
			parent: u.ParentCode, group: levelGroup(u.Level, dispatcher), sort: u.Path})
	}
	return out
}

// levelGroup orders the levels in a picker's list.
func levelGroup(l pingan.Level, dispatcher bool) int {
	switch {
	case l.Administrative():
		if dispatcher {
			return 2 + l.Rank()
		}
		return l.Rank()
	case l == pingan.LevelDepartment:
		if dispatcher {
			return 0
		}
		return 11
	case l == pingan.LevelCentre:
		if dispatcher {
			return 1
		}
		return 10
	}
	return 20
}

// pickUnits answers GET /picker/units: the units of the user's
// jurisdiction matching ?q=, of the levels ?level= lists (comma
// separated; every level when empty). Another county's units are never
// answered: the list is the unit service's for the user.
func (s *Server) pickUnits(w http.ResponseWriter, r *http.Request) {
	ctx, u, lang := r.Context(), userOf(r), langOf(r)
	q, limit, err := pickQuery(r)
	levels := map[pingan.Level]bool{}
	if err == nil {
		for l := range strings.SplitSeq(r.URL.Query().Get("level"), ",") {
			if l = strings.TrimSpace(l); l == "" {
				continue
			}
			if !pingan.Level(l).Valid() {
				var v pingan.Invalid
				v.Add("level", "api.query.level.unknown")
				err = v.Err()
				break
			}
			levels[pingan.Level(l)] = true
		}
	}
	if err != nil {
		httpx.WriteError(w, r, err, lang)
		return
	}
	dispatcher := u.Has(pingan.RoleDispatcher)
	key := "units " + string(lang) + " " + strconv.FormatBool(dispatcher) + " " + u.ScopePath
	items, err := picks.list(pickKey{s, key}, func() ([]pick, error) {
		units, err := s.units.FindUnits(ctx, u, pingan.UnitFilter{})
		if err != nil {
			return nil, err
		}
		return unitPicks(units, lang, dispatcher), nil
	})
	if err != nil {
		s.pickFailed(w, r, err)
		return
	}
	writePicks(w, items, q, limit, func(p *pick) bool { return len(levels) == 0 || levels[p.Level] })
}

// pickGrids answers GET /picker/grids: the grids of the user's
// jurisdiction matching ?q=, by name, initials or code, each with the
// path of its village.
func (s *Server) pickGrids(w http.ResponseWriter, r *http.Request) {
	ctx, u, lang := r.Context(), userOf(r), langOf(r)
	q, limit, err := pickQuery(r)
	if err == nil && s.grids == nil {
		err = pingan.E(pingan.ENOTFOUND, "page.notfound")
	}
	if err != nil {
		httpx.WriteError(w, r, err, lang)
		return
	}
	items, err := picks.list(pickKey{s, "grids " + string(lang) + " " + u.ScopePath}, func() ([]pick, error) {
		return s.gridPicks(ctx, u, lang)
	})
	if err != nil {
		s.pickFailed(w, r, err)
		return
	}
	writePicks(w, items, q, limit, nil)
}

// gridPicks answers the grids of the user's jurisdiction as picks, the
// path being the names of the units above each (its village last).
func (s *Server) gridPicks(ctx context.Context, u *pingan.User, lang pingan.Lang) ([]pick, error) {
	root, err := s.rootUnit(ctx, u)
	if err != nil {
		return nil, err
	}
	grids, err := s.grids.GridShapes(ctx, u, root.Code)
	if err != nil && !isNotFound(err) {
		return nil, err
	}
	units, err := s.units.FindUnits(ctx, u, pingan.UnitFilter{})
	if err != nil {
		return nil, err
	}
	byCode := map[string]pick{}
	for _, p := range unitPicks(units, lang, false) {
		byCode[p.Code] = p
	}
	names := map[string]int{}
	for _, g := range grids {
		names[g.Name]++
	}
	out := make([]pick, 0, len(grids))
	for _, g := range grids {
		v := byCode[g.Unit]
		path := v.Name
		if v.Path != "" {
			path = v.Path + pathSep + v.Name
		}
		out = append(out, pick{Code: g.Code, Name: g.Name, Level: pingan.Level("grid"), LevelName: pingan.Text(lang, "picker.grid"),
			Path: path, Initials: pinyin.Initials(g.Name), Repeated: names[g.Name] > 1, parent: g.Unit, sort: g.Code})
	}
	return out, nil
}

// publicPlaces is the reach through which the citizens' picker reads the
// names of the counties above the townships the citizens' form offers.
// The public service answers townships and villages only; the names of
// the counties are no more secret than those, and only the counties
// holding such a township are answered.
var publicPlaces = &pingan.User{Username: "public-places", ScopePath: "/"}

// pickPublicUnits answers GET /public/picker/units for the citizens'
// cascade (county → township → village): without ?parent= the counties,
// with a county its townships, with a township its villages, and nothing
// for any other code; with ?q= the townships and villages matching it.
// Only townships and villages may be chosen as the place of a report.
func (s *Server) pickPublicUnits(w http.ResponseWriter, r *http.Request) {
	ctx, lang := r.Context(), langOf(r)
	q, limit, err := pickQuery(r)
	if err != nil {
		httpx.WriteError(w, r, err, lang)
		return
	}
	items, err := picks.list(pickKey{s, "public " + string(lang)}, func() ([]pick, error) {
		return s.publicPicks(ctx, lang)
	})
	if err != nil {
		s.pickFailed(w, r, err)
		return
	}
	parent := strings.TrimSpace(r.URL.Query().Get("parent"))
	var keep func(*pick) bool
	switch {
	case q != "":
		keep = func(p *pick) bool {
			return p.Level != pingan.LevelCounty && (parent == "" || slices.Contains(p.Up, parent))
		}
	case parent == "":
		keep = func(p *pick) bool { return p.Level == pingan.LevelCounty }
		limit = pickLimitMax
	default:
		keep = func(p *pick) bool { return p.parent == parent && p.Level != pingan.LevelCounty }
		limit = len(items)
	}
	writePicks(w, items, q, max(limit, 1), keep)
}

// publicPicks answers the citizens' places: the townships and villages of
// the public service and the counties above them.
func (s *Server) publicPicks(ctx context.Context, lang pingan.Lang) ([]pick, error) {
	places, err := s.public.PublicUnits(ctx)
	if err != nil {
		return nil, err
	}
	holds := map[string]bool{}
	for _, u := range places {
		if u.Level == pingan.LevelTownship {
			holds[u.ParentCode] = true
		}
	}
	counties, err := s.units.FindUnits(ctx, publicPlaces, pingan.UnitFilter{Level: pingan.LevelCounty})
	if err != nil {
		return nil, err
	}
	var units []*pingan.Unit
	for _, c := range counties {
		if holds[c.Code] {
			units = append(units, c)
		}
	}
	for _, u := range places {
		if u.Level == pingan.LevelTownship || u.Level == pingan.LevelVillage {
			units = append(units, u)
		}
	}
	out := unitPicks(units, lang, false)
	index := make(map[string]int, len(out))
	for i := range out {
		index[out[i].Code] = i
	}
	for i := range out {
		for c := out[i].parent; c != ""; {
			j, ok := index[c]
			if !ok {
				break
			}
			out[i].Up = append([]string{c}, out[i].Up...)
			c = out[j].parent
		}
	}
	return out, nil
}

// pickFailed answers an error of the service to a picker's script.
func (s *Server) pickFailed(w http.ResponseWriter, r *http.Request, err error) {
	if pingan.ErrorCode(err) == pingan.EINTERNAL {
		s.log.ErrorContext(r.Context(), "web: picker", "request_id", httpx.RequestIDOf(r.Context()), "err", err)
	}
	httpx.WriteError(w, r, err, langOf(r))
}
