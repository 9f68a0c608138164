package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/pingan-gov/pingan"
)

// The warnings of the demo city (预警, docs/warnings.md). A city's ordinary
// flow of cases seldom gathers in one grid, so the history is given a
// cluster of disputes of one category in one grid every ten days or so —
// five to eleven reports over a day or two, reported and handled like any
// other case. The engine then runs over the history every other morning,
// as the job would, and raises what its rules find (the clusters, the
// spikes against each grid's own baseline); the community each warning is
// sent to — its staff, an account of its own — signs, handles and feeds
// back, and the township's centre releases; a few are escalated into the
// risk ledger by the county's centre, a few stay stuck and are marked
// overdue, and the latest are still open in every state.

// Warnings is the warning service with its engine: the store.
type Warnings interface {
	pingan.WarningService
	pingan.WarningEngine
}

// warningDemo is the plan of the demo's warnings while the history runs.
type warningDemo struct {
	rng        *rand.Rand
	start, end time.Time
}

// planWarnings adds the clusters to the history before it runs; nil when
// the demo has no warning service.
func planWarnings(h *history, start, end time.Time, seed uint64) *warningDemo {
	if h.svc.Warnings == nil {
		return nil
	}
	wd := &warningDemo{rng: rand.New(rand.NewPCG(seed, 13)), start: start, end: end}
	var disputes []*profile
	for _, p := range h.profs {
		if c := h.cats[p.code]; c != nil && c.Kind == pingan.KindDispute && len(p.code) == 4 && len(p.reports) > 0 {
			disputes = append(disputes, p)
		}
	}
	if len(disputes) == 0 || len(h.grids) == 0 {
		return wd
	}
	rng := wd.rng
	var days []time.Time
	for day := start.AddDate(0, 0, 3+rng.IntN(7)); day.Before(end.AddDate(0, 0, -4)); day = day.AddDate(0, 0, 7+rng.IntN(7)) {
		days = append(days, day)
	}
	// And one in the last two days, which the history ends with open.
	days = append(days, end.AddDate(0, 0, -2))
	for _, day := range days {
		// A grid as the history picks them: where more people live, more
		// happens.
		x := rng.Float64() * h.cum[len(h.cum)-1]
		g := h.grids[min(sort.SearchFloat64s(h.cum, x), len(h.grids)-1)]
		prof := disputes[rng.IntN(len(disputes))]
		n, days := 5+rng.IntN(7), 1+rng.IntN(2)
		for range n {
			at := day.AddDate(0, 0, rng.IntN(days)).Add(time.Duration(8.5*float64(time.Hour)) + time.Duration(rng.Float64()*9*float64(time.Hour)))
			if !at.Before(end) {
				continue
			}
			source := pingan.SourceGridWorker
			if rng.Float64() < 0.4 {
				source = pingan.SourceHotline
			}
			h.push(event{at: at.Truncate(time.Second), kind: eventReport, spec: &spec{at: at.Truncate(time.Second), grid: g, prof: prof, source: source}})
		}
	}
	return wd
}

// warningStep is a step planned on a warning.
type warningStep struct {
	at    time.Time
	id    int64
	actor *pingan.User
	in    pingan.WarningAction
}

// seed runs the engine over the history every other morning and takes the
// warnings it raises through their loop, in the order of the clock.
func (wd *warningDemo) seed(ctx context.Context, h *history, c *city) error {
	if wd == nil {
		return nil
	}
	svc, clock := h.svc.Warnings, h.clock
	defer clock.Set(wd.end)
	reader := c.staff.dispatcher[c.top.unit.Code]
	if reader == nil {
		return nil
	}
	var pending []warningStep
	var last int64
	// do takes the planned steps due before t, in order.
	do := func(t time.Time) error {
		sort.SliceStable(pending, func(i, j int) bool { return pending[i].at.Before(pending[j].at) })
		for len(pending) > 0 && pending[0].at.Before(t) {
			s := pending[0]
			pending = pending[1:]
			clock.Set(s.at)
			if _, err := svc.ActWarning(ctx, s.actor, s.id, &s.in); err != nil {
				return fmt.Errorf("demo warning %d %s: %w", s.id, s.in.Step, err)
			}
		}
		clock.Set(t)
		_, err := svc.MarkOverdue(ctx, t, 500)
		return err
	}
	// Every other morning, and once more at the end of the last evening.
	var runs []time.Time
	for day := wd.start.AddDate(0, 0, 2); day.Add(8 * time.Hour).Before(wd.end); day = day.AddDate(0, 0, 2) {
		runs = append(runs, day.Add(7*time.Hour+30*time.Minute))
	}
	runs = append(runs, wd.end.Add(-time.Hour))
	for _, at := range runs {
		if err := do(at); err != nil {
			return err
		}
		if _, err := svc.RunWarnings(ctx, at); err != nil {
			return fmt.Errorf("demo warnings at %s: %w", pingan.Day(at), err)
		}
		ws, err := svc.FindWarnings(ctx, reader, pingan.WarningFilter{State: pingan.WarningRaised, Limit: 500})
		if err != nil {
			return err
		}
		sort.Slice(ws, func(i, j int) bool { return ws[i].ID < ws[j].ID })
		for _, w := range ws {
			if w.ID <= last {
				continue
			}
			last = w.ID
			steps, err := wd.plan(ctx, h, c, w)
			if err != nil {
				return err
			}
			pending = append(pending, steps...)
		}
	}
	return do(wd.end)
}

// plan draws how the warning w will go: most through the whole loop, a
// few escalated into the risk ledger, a few stuck; those of the last days
// part of the way, by the end of the history.
func (wd *warningDemo) plan(ctx context.Context, h *history, c *city, w *pingan.Warning) ([]warningStep, error) {
	rng := wd.rng
	member, err := wd.member(ctx, h, c, w)
	if err != nil || member == nil {
		return nil, err
	}
	unit := c.places[w.Unit]
	var issuer, county *pingan.User
	if unit != nil {
		if t := unit.township(); t != nil {
			issuer = c.staff.dispatcher[t.unit.Code]
		}
		if k := unit.county(); k != nil {
			county = c.staff.dispatcher[k.unit.Code]
		}
	}
	if issuer == nil {
		issuer = county
	}
	t := w.RaisedAt
	hours := func(lo, hi float64) time.Duration {
		return time.Duration((lo + rng.Float64()*(hi-lo)) * float64(time.Hour))
	}
	sign := t.Add(hours(0.5, 3))
	handle := sign.Add(hours(3, 20))
	feedback := handle.Add(hours(18, 40))
	release := feedback.Add(hours(2, 30))
	out := []warningStep{{at: sign, id: w.ID, actor: member, in: pingan.WarningAction{Step: pingan.WarnStepSign}}}
	r := rng.Float64()
	switch {
	case r < 0.04: // stuck: signed, never fed back (overdue)
		return out, nil
	case r < 0.07: // never signed (overdue)
		return nil, nil
	case r < 0.11 && county != nil:
		if leader := c.staff.leader[c.places[w.Unit].county().unit.Code]; leader != nil {
			tw := c.places[w.Unit].township()
			return append(out, warningStep{at: handle, id: w.ID, actor: county, in: pingan.WarningAction{Step: pingan.WarnStepEscalateRisk,
				Note: "聚集苗头持续，纳入风险台账管控", Risk: &pingan.NewRisk{Field: "conflict", Leader: leader.ID, Responsible: tw.unit.Code}}}), nil
		}
	}
	note := warningHandled[rng.IntN(len(warningHandled))]
	out = append(out,
		warningStep{at: handle, id: w.ID, actor: member, in: pingan.WarningAction{Step: pingan.WarnStepHandle, Note: note[0]}},
		warningStep{at: feedback, id: w.ID, actor: member, in: pingan.WarningAction{Step: pingan.WarnStepFeedback, Note: note[1]}})
	if issuer != nil {
		out = append(out, warningStep{at: release, id: w.ID, actor: issuer, in: pingan.WarningAction{Step: pingan.WarnStepRelease, Note: "核实处置到位，予以解除"}})
	}
	return out, nil
}

// member answers the account of the unit the warning is sent to that signs
// and feeds back: a township's handler, or the community's staff, whose
// account is made the first time one is needed.
func (wd *warningDemo) member(ctx context.Context, h *history, c *city, w *pingan.Warning) (*pingan.User, error) {
	if hs := c.staff.handlers[w.Unit]; len(hs) > 0 {
		return hs[0], nil
	}
	p := c.places[w.Unit]
	if p == nil {
		return nil, nil
	}
	username := "s_" + strings.ReplaceAll(w.Unit, "-", "_")
	if u := c.staff.users[username]; u != nil {
		return u, nil
	}
	u := &pingan.User{Username: username, Name: p.unit.Name + "工作人员 " + personName(wd.rng), UnitCode: w.Unit,
		Roles: []pingan.Role{pingan.RoleHandler}}
	if err := h.svc.Users.CreateUser(ctx, u, Password); err != nil {
		return nil, fmt.Errorf("demo warnings: %s: %w", username, err)
	}
	u, err := h.svc.Users.UserByUsername(ctx, username)
	if err != nil {
		return nil, err
	}
	c.staff.users[username] = u
	c.staff.created++
	return u, nil
}

// warningHandled are what a community does about a cluster and feeds back.
var warningHandled = [][2]string{
	{"已组织网格员逐户走访，摸清纠纷起因", "走访涉及住户，召集双方协商，已达成一致，纠纷平息"},
	{"已会同司法所、派出所到现场调处", "联合调处后签订调解协议，现场秩序正常，持续关注"},
	{"已召开楼栋议事会，听取各方意见", "议事会形成处理方案并公示，相关问题已整改到位"},
	{"已联系物业和业委会共同处置", "物业完成整改，居民反映问题已解决，回访满意"},
	{"已安排专人包片跟进，逐一登记诉求", "诉求已分类转办并答复，未再发生同类纠纷"},
}
