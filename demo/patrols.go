package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/geo"
)

// The demo's patrols (网格巡查, docs/patrols.md): three points of their own
// in each grid of the showcase community (the key sites of those grids
// are points by themselves), and half a year of weekly patrols by the
// grids' workers through the real path — most points visited, some
// missed, now and then a finding reported — so the dashboard's 网格巡查
// has weeks to show.

// patrolWeeks is how many weeks of patrols the demo writes.
const patrolWeeks = 26

// patrolPointNames name the demo's own points.
var patrolPointNames = []string{"小区主入口", "沿街商铺", "电动车集中充电点"}

func seedPatrols(ctx context.Context, svc Services, clock *Clock, c *city, ix *geo.Index, seed uint64, end time.Time) error {
	if svc.Patrols == nil {
		return nil
	}
	setter := c.staff.dispatcher[c.top.unit.Code]
	if setter == nil {
		return nil
	}
	rng := rand.New(rand.NewPCG(seed, 33))
	defer clock.Set(end)
	today := midnight(end)
	first := today.AddDate(0, 0, -7*patrolWeeks)
	clock.Set(first.Add(8 * time.Hour))
	type round struct {
		grid   *gridPlace
		points []*pingan.PatrolPoint
	}
	var rounds []round
	for _, g := range c.grids {
		if g.village != c.showcase || g.reporter == nil || !worksIn(g) {
			continue
		}
		r := round{grid: g}
		for i, name := range patrolPointNames {
			// A position inside the grid: tried at random in its bound.
			for try := 0; try < 50; try++ {
				lat := g.bound.Min.Lat() + rng.Float64()*(g.bound.Max.Lat()-g.bound.Min.Lat())
				lng := g.bound.Min.Lon() + rng.Float64()*(g.bound.Max.Lon()-g.bound.Min.Lon())
				if code, ok := ix.Locate(lat, lng); !ok || code != g.grid.Code {
					continue
				}
				cadence := pingan.DefaultPatrolCadence
				if i == 2 {
					cadence = 14
				}
				p, err := svc.Patrols.AddPatrolPoint(ctx, setter, &pingan.NewPatrolPoint{Grid: g.grid.Code, Name: name,
					Location: &pingan.Location{Lat: lat, Lng: lng}, Cadence: cadence})
				if err != nil {
					return fmt.Errorf("demo patrol point: %w", err)
				}
				r.points = append(r.points, p)
				break
			}
		}
		rounds = append(rounds, r)
	}
	// A finding is a neighbours' dispute from the category's own reports.
	reports := map[string][][2]string{}
	for _, p := range profiles {
		reports[p.code] = p.reports
	}
	for w := 0; w < patrolWeeks; w++ {
		for _, r := range rounds {
			if rng.IntN(10) == 0 {
				continue // a week missed
			}
			day := first.AddDate(0, 0, 7*w+rng.IntN(5))
			clock.Set(day.Add(time.Duration(9+rng.IntN(6)) * time.Hour))
			worker := r.grid.reporter
			p, err := svc.Patrols.StartPatrol(ctx, worker, r.grid.grid.Code)
			if err != nil {
				return fmt.Errorf("demo patrol: %w", err)
			}
			pts, err := svc.Patrols.PatrolPoints(ctx, worker, r.grid.grid.Code, false)
			if err != nil {
				return fmt.Errorf("demo patrol: %w", err)
			}
			for _, pt := range pts {
				if !pt.Due || rng.IntN(8) == 0 {
					continue // not due, or missed
				}
				clock.Set(clock.Now().Add(time.Duration(5+rng.IntN(20)) * time.Minute))
				in := &pingan.NewCheckIn{Point: pt.ID, Location: &pingan.Location{Lat: pt.Lat, Lng: pt.Lng}}
				if rs := reports["0102"]; len(rs) > 0 && rng.IntN(25) == 0 {
					r := rs[rng.IntN(len(rs))]
					in.Result, in.Case = pingan.PatrolFinding, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102",
						Title: r[0], Description: r[1]}
				}
				if _, err := svc.Patrols.CheckIn(ctx, worker, p.ID, in); err != nil {
					return fmt.Errorf("demo patrol check-in: %w", err)
				}
			}
			if _, err := svc.Patrols.EndPatrol(ctx, worker, p.ID); err != nil {
				return fmt.Errorf("demo patrol: %w", err)
			}
		}
	}
	return nil
}
