package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/geo"
)

// The demo's campaigns (大排查, 敲门行动, docs/campaigns.md): a city-wide
// 矛盾纠纷大排查 over a month that is still running, and a 敲门行动 of the
// seat county over two weeks that ended a month ago. Their visits are
// written through the campaign service by the grid workers of the grids
// they work in, on the days of the campaign (the clock set to each day),
// each at a door plate (3号楼2单元501, 东关村12号 …); about one in forty
// finds a dispute or a hazard, reported with the visit at a position in
// the grid. A demo of a shorter history writes fewer visits.

// Visits the demo writes at most, for the two campaigns together: enough
// to show coverage that varies from grid to grid, few enough that the demo
// is built in seconds.
const (
	maxSweepVisits = 2400
	maxKnockVisits = 600
)

// campaignFindings are the categories a visit may find something of: its
// report is one of the category's (profiles, categories.go).
var campaignFindings = []string{"02", "02", "0102", "0402", "AQ02", "AQ01"}

// findingsEvery: one visit in so many finds a dispute or a hazard.
const findingsEvery = 40

// seedCampaigns writes the two campaigns and their visits, the clock set
// back to their days; it leaves the clock at end.
func seedCampaigns(ctx context.Context, svc Services, clock *Clock, c *city, ix *geo.Index, seed uint64, end time.Time, cases int) error {
	if svc.Campaigns == nil {
		return nil
	}
	rng := rand.New(rand.NewPCG(seed, 22))
	today := midnight(end)
	defer clock.Set(end)
	cityDispatcher := c.staff.dispatcher[c.top.unit.Code]
	seat := c.places[c.ref.seat]
	if cityDispatcher == nil || seat == nil || c.staff.dispatcher[seat.unit.Code] == nil {
		return nil
	}
	clock.Set(today.AddDate(0, 0, -44).Add(9 * time.Hour))
	knock, err := svc.Campaigns.CreateCampaign(ctx, c.staff.dispatcher[seat.unit.Code], &pingan.Campaign{
		Name: seat.unit.Name + "“敲门行动”", Kind: pingan.CampaignKnock,
		From: pingan.Day(today.AddDate(0, 0, -43)), To: pingan.Day(today.AddDate(0, 0, -30)),
		Note: "网格员逐户敲门，宣传平安建设、反诈知识，了解群众诉求"})
	if err != nil {
		return fmt.Errorf("demo campaign: %w", err)
	}
	clock.Set(today.AddDate(0, 0, -21).Add(9 * time.Hour))
	sweep, err := svc.Campaigns.CreateCampaign(ctx, cityDispatcher, &pingan.Campaign{
		Name: c.top.unit.Name + "矛盾纠纷大排查", Kind: pingan.CampaignSweep,
		From: pingan.Day(today.AddDate(0, 0, -20)), To: pingan.Day(today.AddDate(0, 0, 10)),
		Note: "全市各县区、乡镇街道参加，每个网格每户走访一次，发现矛盾纠纷和隐患当场上报"})
	if err != nil {
		return fmt.Errorf("demo campaign: %w", err)
	}

	// The grids whose reporter works in them, the showcase community's
	// first, the others in a random order over the whole city.
	var grids, seatGrids []*gridPlace
	for _, g := range c.grids {
		if g.reporter == nil || !worksIn(g) {
			continue
		}
		if g.village == c.showcase {
			grids = append([]*gridPlace{g}, grids...)
		} else {
			grids = append(grids, g)
		}
		if g.village.county() == seat {
			seatGrids = append(seatGrids, g)
		}
	}
	showcase := 0
	for showcase < len(grids) && grids[showcase].village == c.showcase {
		showcase++
	}
	rest := grids[showcase:]
	rng.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	rng.Shuffle(len(seatGrids), func(i, j int) { seatGrids[i], seatGrids[j] = seatGrids[j], seatGrids[i] })
	// A smaller history, fewer visits: about twice its cases at most.
	v := visits{ix: ix, rng: rng, clock: clock, svc: svc, reports: map[string][][2]string{}}
	for _, p := range profiles {
		v.reports[p.code] = p.reports
	}
	if err := v.grids(ctx, knock, seatGrids, today.AddDate(0, 0, -43), 14, min(maxKnockVisits, cases/2), 0.6); err != nil {
		return err
	}
	return v.grids(ctx, sweep, grids, today.AddDate(0, 0, -20), 20, min(maxSweepVisits, cases*3/2), 0.9)
}

// worksIn reports whether the grid's reporter is one of its workers.
func worksIn(g *gridPlace) bool {
	for _, w := range g.grid.Workers {
		if w.UserID == g.reporter.ID {
			return true
		}
	}
	return false
}

// visits writes a campaign's visits.
type visits struct {
	ix      *geo.Index
	rng     *rand.Rand
	clock   *Clock
	svc     Services
	reports map[string][][2]string // by category: its reports' titles and descriptions
}

// grids visits the households of the grids in turn, a share of each (up
// to most), over days days from first, until budget visits are written.
func (w *visits) grids(ctx context.Context, camp *pingan.Campaign, grids []*gridPlace, first time.Time, days, budget int, most float64) error {
	rng, clock := w.rng, w.clock
	type visit struct {
		g     *gridPlace
		house int
		day   int
	}
	var plan []visit
	for _, g := range grids {
		if len(plan) >= budget {
			break
		}
		h := g.grid.Households
		if h <= 0 {
			continue
		}
		n := int(float64(h) * (0.25 + rng.Float64()*(most-0.25)))
		n = min(n, budget-len(plan), 160)
		for i := range n {
			house := i
			if rng.IntN(20) == 0 { // a household visited twice
				house = rng.IntN(i + 1)
			}
			plan = append(plan, visit{g: g, house: house, day: rng.IntN(days)})
		}
	}
	// Day after day, as the workers went.
	for d := range days {
		clock.Set(first.AddDate(0, 0, d).Add(17 * time.Hour))
		for _, v := range plan {
			if v.day != d {
				continue
			}
			in := &pingan.NewVisit{Grid: v.g.grid.Code, Place: doorPlate(v.g, v.house), VisitedOn: pingan.Day(clock.Now()),
				Outcome: pingan.VisitNothing}
			if rng.IntN(findingsEvery) == 0 {
				code := campaignFindings[rng.IntN(len(campaignFindings))]
				rep := w.reports[code][rng.IntN(len(w.reports[code]))]
				loc := point(w.ix, v.g, rng)
				in.Outcome = pingan.VisitCase
				in.Case = &pingan.NewCase{Category: code, Title: rep[0], Description: rep[1], Location: &loc}
			}
			if _, err := w.svc.Campaigns.RecordVisit(ctx, v.g.reporter, camp.ID, in); err != nil {
				return fmt.Errorf("demo visit %s %s: %w", in.Grid, in.Place, err)
			}
		}
	}
	return nil
}

// doorPlate answers the door plate of the i-th household of a grid: a flat
// in a community (3号楼2单元501), a house in a village (东关村12号), a shop
// in a dedicated grid (商铺17号).
func doorPlate(g *gridPlace, i int) string {
	switch g.grid.Type {
	case pingan.GridCommunity:
		// Six floors, two flats a floor, three entrances a building.
		flat, floor, entrance, building := i%2+1, i/2%6+1, i/12%3+1, i/36+1
		return fmt.Sprintf("%d号楼%d单元%d%02d", building, entrance, floor, flat)
	case pingan.GridVillage:
		return fmt.Sprintf("%s%d号", shortName(g.village.unit.Name), i+1)
	}
	return fmt.Sprintf("商铺%d号", i+1)
}
