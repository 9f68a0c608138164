package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/geo"
)

// The demo's register of key sites (重点场所, docs/sites.md): about forty
// sites — the schools, markets, hospitals, shopping areas and industrial
// parks of the dedicated grids, stations and building sites, and six
// enterprises with a major hazard source (重大危险源, 一级 to 四级) — each
// added by its county's dispatcher under a department of the county, in
// its grid (the showcase community's grids first, so that its patrols
// pass them). A year of inspections follows each one's schedule through
// the real path: mostly a day or two before the due day, now and then
// late, and a failed item now and then, which files a hazard case with
// its photo. A few sites have missed their last inspection: the watch
// marks them overdue.

// demoSites is how many sites the demo registers at most.
const demoSites = 40

// siteOfDedicated is the type of a dedicated grid's site by the grid's
// name (grids.go, dedicated).
var siteOfDedicated = []struct{ suffix, typ, name string }{
	{"校园专属网格", pingan.SiteSchool, "实验小学"},
	{"农贸市场专属网格", pingan.SiteMarket, "农贸市场"},
	{"医院专属网格", pingan.SiteHospital, "人民医院"},
	{"商圈专属网格", pingan.SiteMarket, "商业步行街"},
	{"专属网格", pingan.SiteIndustrialPark, "工业园区"},
}

// siteDept is the responsible department of each type, by the suffix of
// the county's departments (city.go).
var siteDept = map[string]string{
	pingan.SiteSchool: "GA", pingan.SiteHospital: "SJ", pingan.SiteStation: "GA", pingan.SiteMarket: "SJ",
	pingan.SiteIndustrialPark: "YJ", pingan.SiteConstruction: "ZJ", pingan.SiteHazardSource: "YJ", pingan.SiteOther: "YJ",
}

// hazardSourceNames name the demo's major hazard sources, most serious first.
var hazardSourceNames = []struct {
	name  string
	level int
}{
	{"液化石油气储配站", 1}, {"化工有限公司储罐区", 2}, {"天然气门站", 2}, {"加油加气站", 3}, {"危险化学品仓库", 4}, {"氨制冷冷库", 4},
}

// sitePNG is the demo's photo of a failed item: a 1×1 PNG.
var sitePNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
	"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")

// sitePlan is a site the demo registers, and who inspects it.
type sitePlan struct {
	in        *pingan.NewSite
	by        *pingan.User // the county's dispatcher
	inspector *pingan.User // the grid's worker, else the dispatcher
	skipLast  bool         // misses its last inspection: overdue
	id        int64
	items     int
	due       string
}

func seedSites(ctx context.Context, svc Services, clock *Clock, c *city, ix *geo.Index, seed uint64, start, end time.Time) error {
	if svc.Sites == nil {
		return nil
	}
	rng := rand.New(rand.NewPCG(seed, 30))
	defer clock.Set(end)
	// The grids: the showcase community's first, then the dedicated ones,
	// then the others in a fixed shuffle.
	var showcase, special, rest []*gridPlace
	for _, g := range c.grids {
		switch {
		case g.village == c.showcase:
			showcase = append(showcase, g)
		case g.grid.Type == pingan.GridDedicated:
			special = append(special, g)
		default:
			rest = append(rest, g)
		}
	}
	rng.Shuffle(len(special), func(i, j int) { special[i], special[j] = special[j], special[i] })
	rng.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	point := func(g *gridPlace) (*pingan.Location, bool) {
		for try := 0; try < 50; try++ {
			lat := g.bound.Min.Lat() + rng.Float64()*(g.bound.Max.Lat()-g.bound.Min.Lat())
			lng := g.bound.Min.Lon() + rng.Float64()*(g.bound.Max.Lon()-g.bound.Min.Lon())
			if code, ok := ix.Locate(lat, lng); ok && code == g.grid.Code {
				return &pingan.Location{Lat: lat, Lng: lng}, true
			}
		}
		return nil, false
	}
	var plans []*sitePlan
	used := map[string]int{} // names per grid
	add := func(g *gridPlace, typ string, level int, name string) {
		county := g.village.county()
		if county == nil || len(plans) >= demoSites {
			return
		}
		by, dept := c.staff.dispatcher[county.unit.Code], county.depts[siteDept[typ]]
		if by == nil || dept == nil {
			return
		}
		// The grid's worker inspects (a department's handler sees the
		// site but not its grid, where a failed item's hazard is filed).
		inspector := g.reporter
		if inspector == nil {
			inspector = by
		}
		loc, ok := point(g)
		if !ok {
			return
		}
		full := shortName(g.village.unit.Name) + name
		if used[g.grid.Code+full] > 0 {
			return
		}
		used[g.grid.Code+full]++
		plans = append(plans, &sitePlan{by: by, inspector: inspector, in: &pingan.NewSite{Name: full, Type: typ, Level: level,
			Grid: g.grid.Code, Location: loc, Address: g.village.unit.Name + name,
			Department: dept.Code, Contact: &pingan.SiteContact{Name: siteContactName(rng), Phone: fmt.Sprintf("139%08d", rng.IntN(1e8))}}})
	}
	// The showcase community: a school, a market, a building site.
	for i, g := range showcase {
		switch i {
		case 0:
			add(g, pingan.SiteSchool, 0, "社区幼儿园")
		case 1:
			add(g, pingan.SiteMarket, 0, "社区菜市场")
		case 2:
			add(g, pingan.SiteConstruction, 0, "安置小区建设工地")
		}
	}
	// The major hazard sources: in industrial parks where there are, else
	// in villages.
	hosts := slices.Clone(special)
	slices.SortStableFunc(hosts, func(a, b *gridPlace) int { return boolRank(!park(a.village)) - boolRank(!park(b.village)) })
	hosts = append(hosts, rest...)
	for i, h := range hazardSourceNames {
		if i < len(hosts) {
			add(hosts[i], pingan.SiteHazardSource, h.level, h.name)
		}
	}
	for _, g := range special {
		if len(plans) >= demoSites-6 {
			break // room for stations and building sites
		}
		for _, d := range siteOfDedicated {
			if strings.HasSuffix(g.grid.Name, d.suffix) {
				add(g, d.typ, 0, d.name)
				break
			}
		}
	}
	extra := []struct{ typ, name string }{{pingan.SiteStation, "汽车客运站"}, {pingan.SiteConstruction, "道路改造工程工地"},
		{pingan.SiteOther, "大型仓储物流中心"}, {pingan.SiteStation, "公交枢纽站"}}
	for i, g := range rest {
		if len(plans) >= demoSites {
			break
		}
		e := extra[i%len(extra)]
		add(g, e.typ, 0, e.name)
	}
	if len(plans) == 0 {
		return nil
	}
	types, err := svc.Sites.SiteTypes(ctx)
	if err != nil {
		return err
	}
	schedule := map[string]*pingan.SiteType{}
	for _, t := range types {
		schedule[t.Code] = t
	}
	// Registered on the first day, each first due within its cadence; a
	// few will miss their last inspection.
	clock.Set(start.Add(9 * time.Hour))
	for i, p := range plans {
		t := schedule[p.in.Type]
		sc, _ := t.Schedule(p.in.Level)
		span := max(1, int(pingan.DayOf(start).AddDate(0, sc.Months, sc.Days).Sub(pingan.DayOf(start)).Hours()/24))
		p.due = pingan.Day(start.AddDate(0, 0, rng.IntN(span)))
		p.in.NextDue = p.due
		p.items = len(t.Checklist)
		p.skipLast = i%9 == 4
		s, err := svc.Sites.AddSite(ctx, p.by, p.in)
		if err != nil {
			return fmt.Errorf("demo site %s: %w", p.in.Name, err)
		}
		p.id = s.ID
	}
	// The inspections, in the order of their days across the sites.
	today := pingan.Day(end)
	for {
		var next *sitePlan
		for _, p := range plans {
			if p.due != "" && (next == nil || p.due < next.due) {
				next = p
			}
		}
		if next == nil || next.due > today {
			break
		}
		p := next
		due, _ := pingan.ParseDay(p.due)
		day := due.AddDate(0, 0, -rng.IntN(3))
		if rng.IntN(10) == 0 {
			day = due.AddDate(0, 0, 1+rng.IntN(6)) // late
		}
		t := schedule[p.in.Type]
		sc, _ := t.Schedule(p.in.Level)
		if p.skipLast && sc.Next(p.due) > today || day.After(end) {
			p.due = "" // missed: left overdue
			continue
		}
		clock.Set(day.Add(time.Duration(9+rng.IntN(8)) * time.Hour))
		in := &pingan.NewInspection{Day: pingan.Day(day)}
		for k := 1; k <= p.items; k++ {
			it := pingan.NewInspectionItem{Seq: k, OK: true}
			if rng.IntN(40) == 0 {
				it.OK, it.Note = false, "现场检查发现问题，已要求整改"
				it.Major = p.in.Type == pingan.SiteHazardSource && rng.IntN(4) == 0
				it.Photo = &pingan.Upload{Name: "现场照片.png", Data: sitePNG}
			}
			in.Items = append(in.Items, it)
		}
		if _, err := svc.Sites.RecordInspection(ctx, p.inspector, p.id, in); err != nil {
			return fmt.Errorf("demo inspection of %s: %w", p.in.Name, err)
		}
		s, err := svc.Sites.FindSite(ctx, p.inspector, p.id)
		if err != nil {
			return err
		}
		p.due = s.NextDue
	}
	clock.Set(end)
	_, err = svc.Sites.MarkOverdueInspections(ctx)
	return err
}

// hazardSources answers the demo's major hazard sources (重大危险源企业),
// for the parts that hang things on them (the monitoring's sensors).
func hazardSources(ctx context.Context, svc Services, c *city) ([]*pingan.Site, error) {
	admin := c.staff.users["admin"]
	if svc.Sites == nil || admin == nil {
		return nil, nil
	}
	return svc.Sites.FindSites(ctx, admin, pingan.SiteFilter{Type: pingan.SiteHazardSource})
}

// siteContactName draws a contact's name (the demo's own, never a real person's).
func siteContactName(rng *rand.Rand) string {
	family := []string{"王", "李", "张", "刘", "陈", "杨", "赵", "黄"}
	given := []string{"建国", "秀英", "志强", "丽华", "海燕", "国庆", "明", "芳"}
	return family[rng.IntN(len(family))] + given[rng.IntN(len(given))]
}

// boolRank orders false before true.
func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}
