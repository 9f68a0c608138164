package loadgen

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/pingan-gov/pingan"
)

// kindMix is how often each kind of case is reported: the sums of the
// demo city's yearly weights of its categories by kind (package demo keeps
// them per category, unexported): disputes 43, hazards 21, service
// requests 24, petitions 9.5.
var kindMix = []struct {
	kind   pingan.Kind
	weight float64
}{{pingan.KindDispute, 43}, {pingan.KindHazard, 21}, {pingan.KindService, 24}, {pingan.KindPetition, 9.5}}

// corpus are titles and descriptions of reports by kind, as people write
// them.
var corpus = map[pingan.Kind][][2]string{
	pingan.KindDispute: {
		{"楼上漏水引发邻里纠纷", "楼上卫生间漏水致楼下天花板渗水，多次协商未果，双方发生争吵"},
		{"邻里噪音纠纷", "楼上住户夜间噪音扰民，楼下住户多次交涉无果，矛盾激化"},
		{"宅基地界址争议", "两户因宅基地边界发生争执，一方砌墙占用通道"},
		{"拖欠工资纠纷", "多名务工人员反映工程完工后工资未结清，包工头联系不上"},
		{"物业费纠纷", "业主以电梯长期故障为由拒交物业费，与物业公司发生冲突"},
		{"土地承包纠纷", "村民反映承包地被他人占种，多次协商未果"},
	},
	pingan.KindHazard: {
		{"电动车楼道充电", "居民在楼道内私拉电线为电动车充电，存在火灾隐患"},
		{"消防通道被占", "小区消防通道长期停放车辆，消防车无法通行"},
		{"燃气管道老化", "老旧小区燃气管道锈蚀，住户闻到异味"},
		{"井盖缺失", "路口井盖缺失，夜间行人车辆通行危险"},
		{"外墙瓷砖脱落", "居民楼外墙瓷砖松动脱落，威胁楼下行人安全"},
	},
	pingan.KindService: {
		{"路灯不亮", "街道路灯多日不亮，夜间出行不便"},
		{"小区停水", "小区突然停水，未见停水通知，居民生活受影响"},
		{"垃圾清运不及时", "小区垃圾桶满溢，多日无人清运，气味难闻"},
		{"下水道堵塞", "街巷下水道堵塞，污水外溢"},
		{"公厕损坏", "公共厕所水箱损坏，无法正常使用"},
	},
	pingan.KindPetition: {
		{"反映拆迁补偿问题", "群众反映拆迁补偿标准不一，要求公开补偿方案"},
		{"反映低保认定问题", "群众反映家庭困难未纳入低保，要求重新核查"},
		{"反映养老保险问题", "退休职工反映养老金待遇核定有误，要求复核"},
	},
}

// results are what a handler reports back when resolving.
var results = []string{
	"经人民调解，双方自愿达成调解协议，当场履行完毕",
	"已协调相关部门落实，问题已解决，群众认可",
	"已现场处置，隐患消除，复查合格",
	"已维修完毕，恢复正常使用",
}

var (
	surnames   = []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董")
	givenNames = []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "建国", "秀英", "桂英", "玉兰", "志强", "海燕"}
)

// reporterShare is the share of reports that name the person who told the
// grid worker.
const reporterShare = 0.3

// category is a category a report may be filed under.
type category struct {
	Code   string      `json:"code"`
	Kind   pingan.Kind `json:"kind"`
	Parent string      `json:"parent"`
}

// picker draws realistic reports: a category by the kind mix, a position
// inside the grids, a text from the corpus, a reporter sometimes.
type picker struct {
	byKind [][]string // category codes by kindMix entry
	kinds  []float64  // cumulative weights of the kinds that have categories
	areas  []area
	cum    []float64 // cumulative areas
}

// area is one polygon of a grid.
type area struct {
	grid  string
	poly  orb.Polygon
	bound orb.Bound
}

// newPicker answers a picker over the categories (the leaves of each kind,
// or all of the kind when it has no leaves) and the grids, a GeoJSON
// FeatureCollection (nil: reports carry no position).
func newPicker(cats []category, grids []byte) (*picker, error) {
	parents := map[string]bool{}
	for _, c := range cats {
		if c.Parent != "" {
			parents[c.Parent] = true
		}
	}
	p := &picker{}
	total := 0.0
	for _, m := range kindMix {
		var leaves, all []string
		for _, c := range cats {
			if c.Kind != m.kind {
				continue
			}
			all = append(all, c.Code)
			if !parents[c.Code] {
				leaves = append(leaves, c.Code)
			}
		}
		if len(leaves) == 0 {
			leaves = all
		}
		if len(leaves) > 0 {
			total += m.weight
		}
		p.byKind = append(p.byKind, leaves)
		p.kinds = append(p.kinds, total)
	}
	if total == 0 {
		return nil, fmt.Errorf("服务器没有可用的案件类别 (the server answered no categories)")
	}
	if len(grids) > 0 {
		polys, err := readGrids(grids)
		if err != nil {
			return nil, fmt.Errorf("网格数据无法解析 (the grids cannot be read): %w", err)
		}
		sum := 0.0
		for _, gp := range polys {
			a := math.Abs(planar.Area(gp.poly))
			if a == 0 {
				continue
			}
			sum += a
			p.areas = append(p.areas, area{grid: gp.code, poly: gp.poly, bound: gp.poly.Bound()})
			p.cum = append(p.cum, sum)
		}
	}
	return p, nil
}

// report is the body of POST /api/v1/cases.
type report struct {
	Kind        pingan.Kind      `json:"kind"`
	Category    string           `json:"category"`
	Title       string           `json:"title"`
	Description string           `json:"description"`
	Location    *pingan.Location `json:"location,omitempty"`
	Reporter    *pingan.Person   `json:"reporter,omitempty"`
}

// pick draws a report, by the same rng the same report.
func (p *picker) pick(rng *rand.Rand) report {
	k := searchCum(p.kinds, rng.Float64()*p.kinds[len(p.kinds)-1])
	kind := kindMix[k].kind
	codes := p.byKind[k]
	texts := corpus[kind]
	text := texts[rng.IntN(len(texts))]
	r := report{Kind: kind, Category: codes[rng.IntN(len(codes))], Title: text[0], Description: text[1]}
	if len(p.areas) > 0 {
		r.Location = p.point(rng)
	}
	if rng.Float64() < reporterShare {
		name := string(surnames[rng.IntN(len(surnames))]) + givenNames[rng.IntN(len(givenNames))]
		phone := fmt.Sprintf("1%d%09d", 3+rng.IntN(7), rng.IntN(1e9))
		r.Reporter = &pingan.Person{Role: "reporter", Name: name, Phone: phone}
	}
	return r
}

// point draws a position uniformly inside the grids: a polygon by its
// area, then a point of its bounding box until one falls inside it.
func (p *picker) point(rng *rand.Rand) *pingan.Location {
	a := p.areas[searchCum(p.cum, rng.Float64()*p.cum[len(p.cum)-1])]
	b := a.bound
	for range 100 {
		pt := orb.Point{b.Min[0] + (b.Max[0]-b.Min[0])*rng.Float64(), b.Min[1] + (b.Max[1]-b.Min[1])*rng.Float64()}
		if planar.PolygonContains(a.poly, pt) {
			return &pingan.Location{Lat: pt[1], Lng: pt[0]}
		}
	}
	// A sliver that hardly fills its box: the box's centre, near it at least.
	c := b.Center()
	return &pingan.Location{Lat: c[1], Lng: c[0]}
}

// searchCum answers the index of the first cumulative weight above x.
func searchCum(cum []float64, x float64) int {
	i, _ := slices.BinarySearchFunc(cum, x, func(c, x float64) int {
		if c <= x {
			return -1
		}
		return 1
	})
	return min(i, len(cum)-1)
}

// gridPolygon is one polygon of a grid.
type gridPolygon struct {
	code string
	poly orb.Polygon
}

// readGrids reads the polygons of a GeoJSON FeatureCollection of grids
// (Polygon and MultiPolygon geometries; others are passed over).
func readGrids(data []byte) ([]gridPolygon, error) {
	var fc struct {
		Features []struct {
			Properties struct {
				Code string `json:"code"`
			} `json:"properties"`
			Geometry struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(data, &fc); err != nil {
		return nil, err
	}
	polygon := func(rings [][][2]float64) orb.Polygon {
		p := make(orb.Polygon, len(rings))
		for i, r := range rings {
			p[i] = make(orb.Ring, len(r))
			for j, pt := range r {
				p[i][j] = orb.Point(pt)
			}
		}
		return p
	}
	var out []gridPolygon
	for _, f := range fc.Features {
		switch f.Geometry.Type {
		case "Polygon":
			var rings [][][2]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &rings); err != nil {
				return nil, fmt.Errorf("grid %s: %w", f.Properties.Code, err)
			}
			out = append(out, gridPolygon{f.Properties.Code, polygon(rings)})
		case "MultiPolygon":
			var polys [][][][2]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &polys); err != nil {
				return nil, fmt.Errorf("grid %s: %w", f.Properties.Code, err)
			}
			for _, rings := range polys {
				out = append(out, gridPolygon{f.Properties.Code, polygon(rings)})
			}
		}
	}
	return out, nil
}
