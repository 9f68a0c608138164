package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/pingan-gov/pingan"
)

// The assessment of the demo city (考核, docs/assessment.md). The city's
// 平安办 — the account assessor — assesses its counties by a scheme of the
// year (按期结案率, 化解率, 满意率, 来信必复率 and 上交率 from the counters; the
// 综治中心's running and the grid staffing scored by hand), and the seat
// county's townships by a scheme of their own (for a district that is its
// own city, only that). Every month of the history that has ended (and
// that the history covers at least half of) is scored and published a few
// days after it ends: manual scores with a spread of their own for each
// unit, a couple of deductions, one veto; the last month's last-ranked
// unit is given a 通报 and a 约谈; one objection is upheld and its score
// corrected. A year the history covers whole is published too, so that
// its townships are designated 平安乡镇. Everything goes through the
// services, as the assessor and the units' own people.

// assessGuides are the manual indicators' guides (评分细则).
var assessGuides = map[string]string{
	"综治中心实体化运行": "场所、人员、制度、运行机制落实到位，按规定开展矛盾纠纷多元化解和风险研判",
	"网格员配备":     "专职网格员按标准配齐，培训、考核和信息更新及时",
	"网格化服务管理":   "网格划分、巡查走访、事件上报和办理闭环情况",
}

// assessComments are the assessor's comments of a manual score, from good
// to poor.
var assessComments = []string{
	"实地查看，各项工作落实到位，台账完整。",
	"总体落实较好，个别台账更新不及时。",
	"基本落实，部分制度执行不到位，已要求整改。",
	"落实不到位，人员配备和运行机制存在明显短板。",
}

// countyScheme is the city's scheme of its counties for year.
func countyScheme(unit string, year int) *pingan.Scheme {
	return &pingan.Scheme{Unit: unit, Year: year, Level: pingan.LevelCounty, Name: fmt.Sprintf("%d年度县（市、区）平安建设考核方案", year),
		Indicators: []pingan.Indicator{
			{Key: "i1", Name: "按期结案率", Weight: 25, Source: pingan.SourceComputed, Rate: "closed_on_time",
				Rule: pingan.ScoreRule{Kind: pingan.RuleLinear, Floor: 0.6, Target: 0.95}},
			settlementIndicator("i2", 20),
			satisfactionIndicator("i3", 15),
			{Key: "i4", Name: "来信必复率", Weight: 10, Source: pingan.SourceComputed, Rate: "petition_reply",
				Rule: pingan.ScoreRule{Kind: pingan.RuleLinear, Floor: 0.5, Target: 1}},
			{Key: "i5", Name: "上交率", Weight: 10, Source: pingan.SourceComputed, Rate: "escalation",
				Rule: pingan.ScoreRule{Kind: pingan.RuleRank, Last: 0.5}},
			{Key: "i6", Name: "综治中心实体化运行", Weight: 10, Source: pingan.SourceManual, Guide: assessGuides["综治中心实体化运行"]},
			{Key: "i7", Name: "网格员配备", Weight: 10, Source: pingan.SourceManual, Guide: assessGuides["网格员配备"]},
		}}
}

// townshipScheme is a county's scheme of its townships for year.
func townshipScheme(unit, name string, year int) *pingan.Scheme {
	return &pingan.Scheme{Unit: unit, Year: year, Level: pingan.LevelTownship, Name: fmt.Sprintf("%d年度%s乡镇（街道）平安建设考核方案", year, name),
		Indicators: []pingan.Indicator{
			{Key: "i1", Name: "办结率", Weight: 30, Source: pingan.SourceComputed, Rate: "resolution",
				Rule: pingan.ScoreRule{Kind: pingan.RuleLinear, Floor: 0.6, Target: 0.95}},
			settlementIndicator("i2", 25),
			satisfactionIndicator("i3", 15),
			{Key: "i4", Name: "上交率", Weight: 10, Source: pingan.SourceComputed, Rate: "escalation",
				Rule: pingan.ScoreRule{Kind: pingan.RuleRank, Last: 0.6}},
			{Key: "i5", Name: "网格化服务管理", Weight: 20, Source: pingan.SourceManual, Guide: assessGuides["网格化服务管理"]},
		}}
}

// settlementIndicator is the indicator of the 矛盾纠纷化解率 both levels'
// schemes hold, as key with weight.
func settlementIndicator(key string, weight float64) pingan.Indicator {
	return pingan.Indicator{Key: key, Name: "矛盾纠纷化解率", Weight: weight, Source: pingan.SourceComputed, Rate: "settlement",
		Rule: pingan.ScoreRule{Kind: pingan.RuleLinear, Floor: 0.5, Target: 0.9}}
}

// satisfactionIndicator is the indicator of the 群众满意率 both levels'
// schemes hold, as key with weight.
func satisfactionIndicator(key string, weight float64) pingan.Indicator {
	return pingan.Indicator{Key: key, Name: "群众满意率", Weight: weight, Source: pingan.SourceComputed, Rate: "satisfaction",
		Rule: pingan.ScoreRule{Kind: pingan.RuleThreshold, Steps: []pingan.Step{{At: 0.7, Share: 0.6}, {At: 0.8, Share: 0.8}, {At: 0.9, Share: 1}}}}
}

// assessedScheme is a scheme of the demo with the units it assesses.
type assessedScheme struct {
	scheme *pingan.Scheme
	units  []*place
	// quality of each unit, 0–1: how well its manual work is scored.
	quality map[string]float64
}

// seedAssessment writes the schemes and publishes the ended months (and a
// year covered whole) of the history [start, end). Nothing when the demo
// has no assessment services.
func seedAssessment(ctx context.Context, svc Services, clock *Clock, c *city, start, end time.Time, seed uint64) error {
	if svc.Schemes == nil || svc.Assess == nil {
		return nil
	}
	assessor := c.staff.users["assessor"]
	if assessor == nil {
		return nil
	}
	defer clock.Set(end)
	rng := rand.New(rand.NewPCG(seed, 12))
	// The months that have ended and that the history covers at least
	// half of, by year.
	var years []int
	months := map[int][]pingan.AssessPeriod{}
	for m := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, pingan.CST); !m.AddDate(0, 1, 0).After(end); m = m.AddDate(0, 1, 0) {
		if start.Sub(m) > 15*24*time.Hour {
			continue
		}
		p := pingan.AssessPeriod{Kind: pingan.PeriodMonth, Year: m.Year(), N: int(m.Month())}
		if len(months[p.Year]) == 0 {
			years = append(years, p.Year)
		}
		months[p.Year] = append(months[p.Year], p)
	}
	seat := c.places[c.ref.seat]
	for _, year := range years {
		var schemes []*assessedScheme
		if c.top.level() == pingan.LevelCity {
			schemes = append(schemes, &assessedScheme{scheme: countyScheme(c.top.unit.Code, year), units: childrenAt(c.top, pingan.LevelCounty)})
		}
		if seat != nil {
			schemes = append(schemes, &assessedScheme{scheme: townshipScheme(seat.unit.Code, seat.unit.Name, year), units: childrenAt(seat, pingan.LevelTownship)})
		}
		for k, as := range schemes {
			if len(as.units) == 0 {
				continue
			}
			clock.Set(time.Date(year, 1, 1, 9, 0, 0, 0, pingan.CST).AddDate(0, 0, -20))
			saved, err := svc.Schemes.SaveScheme(ctx, assessor, as.scheme)
			if err != nil {
				return fmt.Errorf("demo scheme %s: %w", as.scheme.Name, err)
			}
			as.scheme = saved
			as.quality = map[string]float64{}
			for _, u := range as.units {
				as.quality[u.unit.Code] = rng.Float64()
			}
			ms := months[year]
			for i, p := range ms {
				// The veto, the notices and the objection: the first
				// scheme's, of the last year.
				main := k == 0 && year == years[len(years)-1]
				events := assessEvents{
					veto:      main && i == len(ms)/2,
					deduction: i == len(ms)/3 || i == 2*len(ms)/3,
					notice:    main && i == len(ms)-1,
					objection: main && i == max(len(ms)-2, 0),
				}
				if err := assessMonth(ctx, svc, clock, c, as, assessor, p, end, events, rng); err != nil {
					return fmt.Errorf("demo assessment %s %s: %w", as.scheme.Name, p, err)
				}
			}
			// A year the history covers whole is published too.
			if from, to := (pingan.AssessPeriod{Kind: pingan.PeriodYear, Year: year}).Bounds(); !from.Before(start) && !to.After(end) {
				if err := assessYear(ctx, svc, clock, as, assessor, year, end, rng); err != nil {
					return fmt.Errorf("demo assessment %s %d: %w", as.scheme.Name, year, err)
				}
			}
		}
	}
	return nil
}

// childrenAt answers the children of p of the level.
func childrenAt(p *place, level pingan.Level) []*place {
	var out []*place
	for _, q := range p.children {
		if q.level() == level {
			out = append(out, q)
		}
	}
	return out
}

// assessEvents are what happens in a month beyond the scores.
type assessEvents struct{ veto, deduction, notice, objection bool }

// workday answers t, or the next Monday when it falls on a weekend.
func workday(t time.Time) time.Time {
	for t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
		t = t.AddDate(0, 0, 1)
	}
	return t
}

// manualScore answers a unit's score of a manual indicator of weight w:
// better for a unit of higher quality, with a month's noise, to half
// points.
func manualScore(w, quality float64, rng *rand.Rand) float64 {
	share := 0.62 + 0.34*quality + (rng.Float64()-0.5)*0.12
	return math.Round(w*min(1, max(0, share))*2) / 2
}

// comment answers the assessor's comment of a score of weight w.
func comment(score, w float64) string {
	switch share := score / w; {
	case share >= 0.9:
		return assessComments[0]
	case share >= 0.8:
		return assessComments[1]
	case share >= 0.7:
		return assessComments[2]
	}
	return assessComments[3]
}

// assessMonth scores and publishes the month p of the scheme: the manual
// scores on the month after's second working day, the publication on its
// fifth, and the events of the month.
func assessMonth(ctx context.Context, svc Services, clock *Clock, c *city, as *assessedScheme, assessor *pingan.User,
	p pingan.AssessPeriod, end time.Time, ev assessEvents, rng *rand.Rand) error {
	_, to := p.Bounds()
	at := func(days int, hour int) time.Time {
		t := workday(to.AddDate(0, 0, days)).Add(time.Duration(hour) * time.Hour)
		if t.After(end) {
			t = end
		}
		return t
	}
	s, period := as.scheme, p.String()
	clock.Set(at(1, 9))
	for _, u := range as.units {
		for _, ind := range s.Indicators {
			if ind.Source != pingan.SourceManual {
				continue
			}
			score := manualScore(ind.Weight, as.quality[u.unit.Code], rng)
			in := &pingan.Input{Kind: pingan.InputScore, Unit: u.unit.Code, Indicator: ind.Key, Points: score, Reason: comment(score, ind.Weight)}
			if _, err := svc.Assess.Enter(ctx, assessor, s.ID, period, in, nil); err != nil {
				return err
			}
		}
	}
	pick := func() *place { return as.units[rng.IntN(len(as.units))] }
	if ev.deduction {
		reasons := []string{"发生一起矛盾纠纷引发的群体性事件，未按规定时限报告", "督查发现3个网格空岗超过一个月，网格员信息未及时更新", "重复信访事项化解不力，被上级通报"}
		in := &pingan.Input{Kind: pingan.InputDeduction, Unit: pick().unit.Code, Points: float64(1 + rng.IntN(3)), Reason: reasons[rng.IntN(len(reasons))]}
		if _, err := svc.Assess.Enter(ctx, assessor, s.ID, period, in, nil); err != nil {
			return err
		}
	}
	if ev.veto {
		in := &pingan.Input{Kind: pingan.InputVeto, Unit: pick().unit.Code, Reason: "辖区发生因矛盾纠纷排查化解不力引发的命案，实行一票否决"}
		if _, err := svc.Assess.Enter(ctx, assessor, s.ID, period, in, nil); err != nil {
			return err
		}
	}
	clock.Set(at(4, 10))
	a, err := svc.Assess.Publish(ctx, assessor, s.ID, period)
	if err != nil {
		return err
	}
	if ev.notice {
		var last *pingan.Result
		for _, r := range a.Results {
			if r.Rank == r.Peers {
				last = r
			}
		}
		if last != nil {
			// The line it lost most on is what the interview is about.
			worst := last.Lines[0]
			for _, l := range last.Lines {
				if l.Weight-l.Score > worst.Weight-worst.Score {
					worst = l
				}
			}
			clock.Set(at(5, 15))
			day := pingan.Day(clock.Now())
			notices := []*pingan.AssessNotice{
				{Kind: pingan.NoticeCirculated, Day: day, Required: fmt.Sprintf("%s本月考核排名末位，全市通报。要求对照扣分项逐项分析原因，十个工作日内报送整改方案。", last.UnitName)},
				{Kind: pingan.NoticeInterview, Day: day, Host: "市委政法委副书记", Attendee: last.UnitName + "委政法委书记、综治中心主任",
					Required: "约谈指出" + worst.Name + "失分较多等问题，要求一个月内拿出整改措施，逾期未结案件逐件挂牌督办，整改情况书面报市委政法委。"},
			}
			for _, n := range notices {
				if _, err := svc.Assess.AddNotice(ctx, assessor, s.ID, period, last.Unit, n); err != nil {
					return err
				}
			}
		}
	}
	if ev.objection {
		return objectAndCorrect(ctx, svc, clock, c, as, assessor, a, at)
	}
	return nil
}

// objectAndCorrect has a unit object to its manual score of the grid
// staffing the day after publication, and the assessor uphold it the day
// after with the score corrected.
func objectAndCorrect(ctx context.Context, svc Services, clock *Clock, c *city, as *assessedScheme, assessor *pingan.User,
	a *pingan.Assessment, at func(int, int) time.Time) error {
	s := as.scheme
	key := s.Indicators[len(s.Indicators)-1].Key // the last, a manual one
	// The unit in the middle of the board objects: its people file it.
	r := a.Results[len(a.Results)/2]
	var line *pingan.IndicatorResult
	for i := range r.Lines {
		if r.Lines[i].Key == key {
			line = &r.Lines[i]
		}
	}
	by := c.staff.leader[r.Unit]
	if by == nil && len(c.staff.handlers[r.Unit]) > 0 {
		by = c.staff.handlers[r.Unit][0]
	}
	if by == nil || line == nil || line.Score >= line.Weight {
		return nil
	}
	clock.Set(at(5, 11))
	o, err := svc.Assess.Object(ctx, by, s.ID, a.Period, r.Unit, &pingan.Objection{
		Text: "本月新招录专职网格员4名已于月底前到岗并完成培训，考核时未纳入统计，申请复核" + line.Name + "得分。"}, nil)
	if err != nil {
		return err
	}
	clock.Set(at(6, 16))
	score := min(line.Weight, line.Score+1.5)
	_, err = svc.Assess.Answer(ctx, assessor, o.ID, true, "经核实，新招录网格员已于月底前到岗，申诉成立，予以更正。",
		&pingan.Correction{Indicator: key, Score: score})
	return err
}

// assessYear scores and publishes the year: each manual indicator the
// average of the unit's months, on the year after's fifth working day.
func assessYear(ctx context.Context, svc Services, clock *Clock, as *assessedScheme, assessor *pingan.User, year int, end time.Time, rng *rand.Rand) error {
	p := pingan.AssessPeriod{Kind: pingan.PeriodYear, Year: year}
	_, to := p.Bounds()
	t := workday(to.AddDate(0, 0, 2)).Add(9 * time.Hour)
	if t.After(end) {
		t = end
	}
	clock.Set(t)
	s := as.scheme
	for _, u := range as.units {
		for _, ind := range s.Indicators {
			if ind.Source != pingan.SourceManual {
				continue
			}
			score := manualScore(ind.Weight, as.quality[u.unit.Code], rng)
			in := &pingan.Input{Kind: pingan.InputScore, Unit: u.unit.Code, Indicator: ind.Key, Points: score, Reason: "年度综合评定：" + comment(score, ind.Weight)}
			if _, err := svc.Assess.Enter(ctx, assessor, s.ID, p.String(), in, nil); err != nil {
				return err
			}
		}
	}
	_, err := svc.Assess.Publish(ctx, assessor, s.ID, p.String())
	return err
}
