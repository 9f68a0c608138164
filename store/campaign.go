package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/pingan-gov/pingan"
)

// Campaigns is the campaigns (大排查, 敲门行动) and their door-knock visits
// (走访): pingan.CampaignService. A visit names a grid and a door plate or
// place, never a person. Its numbers are counters written in the visit's
// transaction (migration 0022, docs/campaigns.md): campaign_places keeps
// each place once per campaign and grid by its key (pingan.PlaceKey), so
// a visit covers a new household exactly when its row is new, and
// campaign_tallies adds the visit, the new place and the case found to the
// grid and to every unit above it up to the owning unit. A visit that
// finds a dispute or a hazard is a report through intake (case.go), with
// the visit written by the report's after hook: numbering, sealing, the
// statistics' counters and the group writer apply as to every report, and
// the case and the visit are written together or not at all.
type Campaigns struct{ *handle }

var _ pingan.CampaignService = (*Campaigns)(nil)

const campaignColumns = `c.id, c.name, c.kind, c.day_from, c.day_to, c.unit_code, u.name, u.path, c.note,
	c.created_by, c.created_at, c.closed`

// campaign is a campaign as read, with the paths the store needs.
type campaign struct {
	*pingan.Campaign
	path  string   // the owning unit's
	paths []string // the participating units', in the order of Units
}

func scanCampaign(s scanner) (*campaign, error) {
	var c pingan.Campaign
	out := &campaign{Campaign: &c}
	var created stamp
	if err := s.Scan(&c.ID, &c.Name, &c.Kind, &c.From, &c.To, &c.Unit, &c.UnitName, &out.path, &c.Note,
		&c.CreatedBy, &created, &c.Closed); err != nil {
		return nil, err
	}
	c.CreatedAt = created.T
	return out, nil
}

// campaignTouches is the condition that the campaign c (the alias) has a
// participating subtree that meets the subtree of the LIKE pattern p whose
// path is the parameter q: a participating unit lies in it, or it lies
// in a participating unit.
func campaignTouches(p, q string) string {
	return `EXISTS (SELECT 1 FROM campaign_units cu WHERE cu.campaign_id = c.id AND (` + unitIn("cu.unit_path", p) +
		` OR substr(CAST(` + q + ` AS TEXT), 1, length(cu.unit_path)) = cu.unit_path))`
}

// lastCode answers the code of the unit a path ends with.
func lastCode(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	return parts[len(parts)-1]
}

// CreateCampaign creates a campaign owned by a city or county of the
// actor's jurisdiction, with its participating units, in one transaction.
func (s *Campaigns) CreateCampaign(ctx context.Context, actor *pingan.User, in *pingan.Campaign) (*pingan.Campaign, error) {
	if err := pingan.Permit(actor, pingan.CapManageCampaigns); err != nil {
		return nil, err
	}
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	if in == nil {
		return nil, pingan.E(pingan.EINVALID, "campaign.none")
	}
	c := *in
	c.Normalize()
	var v pingan.Invalid
	c.Check(&v)
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if c.Unit == "" {
		c.Unit = lastCode(actor.ScopePath)
	}
	owner, err := unitInScope(ctx, tx, c.Unit, scope)
	switch {
	case pingan.ErrorCode(err) == pingan.ENOTFOUND:
		v.Add("unit", "campaign.unit.unknown", c.Unit)
	case err != nil:
		return nil, err
	case owner.Level != pingan.LevelCity && owner.Level != pingan.LevelCounty:
		v.Add("unit", "campaign.unit.level", owner.Name)
	}
	if len(c.Units) == 0 {
		c.Units = []string{c.Unit}
	}
	paths := make([]string, len(c.Units))
	for i, code := range c.Units {
		u, err := unitByCode(ctx, tx, code)
		switch {
		case err != nil:
			return nil, err
		case owner == nil:
		case u == nil || !strings.HasPrefix(u.Path, owner.Path):
			v.Add("units", "campaign.units.outside", code)
		case !u.Level.Administrative():
			v.Add("units", "campaign.units.level", u.Name)
		default:
			paths[i] = u.Path
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	err = tx.QueryRowContext(ctx, `INSERT INTO campaigns (region, name, kind, day_from, day_to, unit_code, unit_path, note,
		created_by, created_at, closed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		owner.Region, c.Name, c.Kind, c.From, c.To, owner.Code, owner.Path, c.Note, actor.ID, s.dialect.ts(now), false).Scan(&c.ID)
	if err != nil {
		return nil, err
	}
	for i, code := range c.Units {
		if _, err := tx.ExecContext(ctx, `INSERT INTO campaign_units (campaign_id, unit_code, unit_path) VALUES ($1, $2, $3)`,
			c.ID, code, paths[i]); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	c.UnitName, c.CreatedBy, c.CreatedAt, c.Closed = owner.Name, actor.ID, now, false
	return &c, nil
}

// FindCampaigns answers the campaigns touching the actor's jurisdiction.
func (s *Campaigns) FindCampaigns(ctx context.Context, actor *pingan.User, f pingan.CampaignFilter) ([]*pingan.Campaign, error) {
	cs, err := s.campaigns(ctx, actor, 0, f)
	if err != nil {
		return nil, err
	}
	out := make([]*pingan.Campaign, len(cs))
	for i, c := range cs {
		out[i] = c.Campaign
	}
	return out, nil
}

// FindCampaign answers one campaign touching the actor's jurisdiction.
func (s *Campaigns) FindCampaign(ctx context.Context, actor *pingan.User, id int64) (*pingan.Campaign, error) {
	c, err := s.campaign(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	return c.Campaign, nil
}

func (s *Campaigns) campaign(ctx context.Context, actor *pingan.User, id int64) (*campaign, error) {
	cs, err := s.campaigns(ctx, actor, id, pingan.CampaignFilter{})
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, pingan.E(pingan.ENOTFOUND, "campaign.notfound", id)
	}
	return cs[0], nil
}

// campaigns answers the campaigns touching the actor's jurisdiction, newest
// first, with their units: the one with the id when it is not 0.
func (s *Campaigns) campaigns(ctx context.Context, actor *pingan.User, id int64, f pingan.CampaignFilter) ([]*campaign, error) {
	scope, err := scopeOf(actor)
	if err != nil {
		return nil, err
	}
	a := args{scope, actor.ScopePath}
	q := `SELECT ` + campaignColumns + ` FROM campaigns c JOIN units u ON u.code = c.unit_code WHERE ` + campaignTouches("$1", "$2")
	if id != 0 {
		q += ` AND c.id = ` + a.add(id)
	}
	if f.Active != "" {
		p := a.add(f.Active)
		q += ` AND NOT c.closed AND c.day_from <= ` + p + ` AND c.day_to >= ` + p
	}
	q += ` ORDER BY c.id DESC LIMIT 200`
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, q, a...)
	if err != nil {
		return nil, err
	}
	var out []*campaign
	byID := map[int64]*campaign{}
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, c)
		byID[c.ID] = c
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, nil
	}
	ua := args{}
	marks := make([]string, len(out))
	for i, c := range out {
		marks[i] = ua.add(c.ID)
	}
	rows, err = tx.QueryContext(ctx, `SELECT campaign_id, unit_code, unit_path FROM campaign_units
		WHERE campaign_id IN (`+strings.Join(marks, ", ")+`) ORDER BY campaign_id, unit_path`, ua...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var cid int64
		var code, path string
		if err := rows.Scan(&cid, &code, &path); err != nil {
			return nil, err
		}
		if c := byID[cid]; c != nil {
			c.Units = append(c.Units, code)
			c.paths = append(c.paths, path)
		}
	}
	return out, rows.Err()
}

// takesPart reports whether the unit or grid at path lies in a
// participating subtree of c.
func (c *campaign) takesPart(path string) bool {
	for _, p := range c.paths {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// meets reports whether the subtree at path meets a participating subtree of c.
func (c *campaign) meets(path string) bool {
	for _, p := range c.paths {
		if strings.HasPrefix(path, p) || strings.HasPrefix(p, path) {
			return true
		}
	}
	return false
}

// visitGrid is the grid of a visit as the store checked it.
type visitGrid struct {
	code, region, path string // path: its village's
}

// checkVisit adds to v what is wrong with the visit in to campaign c by the
// actor — NewVisit.Check's fields, and a grid that is not the actor's or
// does not take part — and answers the grid when it is good.
func (s *Campaigns) checkVisit(ctx context.Context, tx *sql.Tx, actor *pingan.User, c *campaign, in *pingan.NewVisit,
	today string, v *pingan.Invalid) (*visitGrid, error) {
	in.Check(v, c.Campaign, today)
	if v.Has("grid") {
		return nil, nil
	}
	g := &visitGrid{code: in.Grid}
	var works int
	err := tx.QueryRowContext(ctx, `SELECT g.region, u.path,
		(SELECT count(*) FROM grid_workers w WHERE w.grid_code = g.code AND w.user_id = $2)
		FROM grids g JOIN units u ON u.code = g.unit_code WHERE g.code = $1`, in.Grid, actor.ID).Scan(&g.region, &g.path, &works)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		v.Add("grid", "campaign.grid.notyours", in.Grid)
	case err != nil:
		return nil, err
	case works == 0 || !actor.Sees(g.path):
		v.Add("grid", "campaign.grid.notyours", in.Grid)
	case !c.takesPart(g.path):
		v.Add("grid", "campaign.grid.outside", in.Grid)
	default:
		return g, nil
	}
	return nil, nil
}

// RecordVisit records a visit, with its case when it found one.
func (s *Campaigns) RecordVisit(ctx context.Context, actor *pingan.User, id int64, in *pingan.NewVisit) (*pingan.Visit, error) {
	if err := pingan.Permit(actor, pingan.CapPatrol); err != nil {
		return nil, err
	}
	if in == nil {
		return nil, pingan.E(pingan.EINVALID, "campaign.visit.none")
	}
	c, err := s.campaign(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if c.Closed {
		return nil, pingan.E(pingan.ECONFLICT, "campaign.closed", c.Name)
	}
	nv := *in
	today := pingan.Day(s.now())
	nv.Normalize(today)
	var visit *pingan.Visit
	if nv.Outcome != pingan.VisitCase || nv.Case == nil {
		err := s.inGroup(ctx, func(ctx context.Context, tx *sql.Tx) error {
			var v pingan.Invalid
			g, err := s.checkVisit(ctx, tx, actor, c, &nv, today, &v)
			if err != nil {
				return err
			}
			if err := v.Err(); err != nil {
				return err
			}
			visit, err = s.writeVisit(ctx, tx, actor, c, &nv, g, nil)
			return err
		})
		return visit, err
	}
	// A case found: the report's path, with the visit checked in the
	// report's collector and written by its after hook.
	if err := pingan.Permit(actor, pingan.CapReport); err != nil {
		return nil, err
	}
	nc := *nv.Case
	if strings.TrimSpace(nc.Grid) == "" && nc.Unit == "" {
		nc.Grid = nv.Grid
	}
	if strings.TrimSpace(nc.Address) == "" {
		nc.Address = nv.Place
	}
	if nc.Source == "" {
		nc.Source = pingan.SourceGridWorker
	}
	var g *visitGrid
	r := &intake{actor: actor, in: nc,
		check: func(ctx context.Context, tx *sql.Tx, v *pingan.Invalid) (err error) {
			g, err = s.checkVisit(ctx, tx, actor, c, &nv, today, v)
			return err
		},
		after: func(ctx context.Context, tx *sql.Tx, k *pingan.Case) (err error) {
			if k.Kind != pingan.KindDispute && k.Kind != pingan.KindHazard {
				return pingan.Invalidf("kind", "campaign.case.kind")
			}
			visit, err = s.writeVisit(ctx, tx, actor, c, &nv, g, k)
			return err
		}}
	if _, err := s.intake(ctx, r); err != nil {
		return nil, err
	}
	return visit, nil
}

// writeVisit writes the visit, its place and the counters of every node
// from its grid up to the owning unit, in tx; k is the case it found, or nil.
func (s *Campaigns) writeVisit(ctx context.Context, tx *sql.Tx, actor *pingan.User, c *campaign, in *pingan.NewVisit,
	g *visitGrid, k *pingan.Case) (*pingan.Visit, error) {
	now := s.now()
	vis := &pingan.Visit{Campaign: c.ID, Region: g.region, Grid: g.code, Place: in.Place, VisitedOn: in.VisitedOn,
		Worker: actor.ID, Outcome: pingan.VisitNothing, Note: in.Note, CreatedAt: now}
	if k != nil {
		vis.Outcome, vis.CaseID = pingan.VisitCase, k.ID
	}
	key := pingan.PlaceKey(in.Place)
	err := tx.QueryRowContext(ctx, `INSERT INTO visits (region, campaign_id, grid, unit_path, place, place_key, visited_on,
		worker, outcome, case_id, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		g.region, c.ID, g.code, g.path, vis.Place, key, vis.VisitedOn, actor.ID, vis.Outcome, vis.CaseID, vis.Note,
		s.dialect.ts(now)).Scan(&vis.ID)
	if err != nil {
		return nil, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO campaign_places (region, campaign_id, grid, place_key) VALUES ($1, $2, $3, $4)
		ON CONFLICT (region, campaign_id, grid, place_key) DO NOTHING`, g.region, c.ID, g.code, key)
	if err != nil {
		return nil, err
	}
	places, err := res.RowsAffected()
	if err != nil {
		return nil, err
	}
	var cases, disputes, hazards int
	if k != nil {
		cases = 1
		switch k.Kind {
		case pingan.KindDispute:
			disputes = 1
		case pingan.KindHazard:
			hazards = 1
		}
	}
	nodes := []string{g.code}
	codes := strings.Split(strings.Trim(g.path, "/"), "/")
	for i := len(codes) - 1; i >= 0; i-- {
		nodes = append(nodes, codes[i])
		if codes[i] == c.Unit {
			break
		}
	}
	a := args{c.ID, g.region, places, cases, disputes, hazards}
	tuples := make([]string, len(nodes))
	for i, n := range nodes {
		tuples[i] = `($1, ` + a.add(n) + `, $2, 1, $3, $4, $5, $6)`
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO campaign_tallies (campaign_id, node, region, visits, places, cases, disputes, hazards)
		VALUES `+strings.Join(tuples, ", ")+`
		ON CONFLICT (campaign_id, node, region) DO UPDATE SET visits = campaign_tallies.visits + excluded.visits,
		places = campaign_tallies.places + excluded.places, cases = campaign_tallies.cases + excluded.cases,
		disputes = campaign_tallies.disputes + excluded.disputes, hazards = campaign_tallies.hazards + excluded.hazards`, a...)
	if err != nil {
		return nil, err
	}
	return vis, nil
}

// FindVisits answers the visits of a campaign in the actor's jurisdiction.
func (s *Campaigns) FindVisits(ctx context.Context, actor *pingan.User, id int64, limit int) ([]*pingan.Visit, error) {
	c, err := s.campaign(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	scope, _ := scopeOf(actor)
	if limit <= 0 || limit > 200 {
		limit = 200
	}
	rows, err := s.read.QueryContext(ctx, `SELECT id, region, grid, place, visited_on, worker, outcome, case_id, note, created_at
		FROM visits WHERE campaign_id = $1 AND `+unitIn("unit_path", "$2")+` ORDER BY created_at DESC, id DESC LIMIT `+strconv.Itoa(limit),
		c.ID, scope)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*pingan.Visit
	for rows.Next() {
		v := &pingan.Visit{Campaign: c.ID}
		var created stamp
		if err := rows.Scan(&v.ID, &v.Region, &v.Grid, &v.Place, &v.VisitedOn, &v.Worker, &v.Outcome, &v.CaseID, &v.Note, &created); err != nil {
			return nil, err
		}
		v.CreatedAt = created.T
		out = append(out, v)
	}
	return out, rows.Err()
}

// Coverage answers the coverage of a campaign under a unit, line by line,
// from the counters; the households are those of the grids that take part.
func (s *Campaigns) Coverage(ctx context.Context, actor *pingan.User, id int64, unit string) (*pingan.Coverage, error) {
	c, err := s.campaign(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	scope, _ := scopeOf(actor)
	if unit == "" {
		unit = c.Unit
		if !actor.Sees(c.path) {
			unit = lastCode(actor.ScopePath)
		}
	}
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	u, err := unitInScope(ctx, tx, unit, scope)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(u.Path, c.path) || !c.meets(u.Path) || !u.Level.Administrative() {
		return nil, errUnitNotFound(unit)
	}
	out := &pingan.Coverage{Campaign: c.Campaign, Unit: u, ByGrid: u.Level == pingan.LevelVillage,
		Total: pingan.CoverageLine{Code: u.Code, Name: u.Name, Level: u.Level}}

	// The grids that take part under u, with their villages' paths.
	type grid struct {
		code, name, path string
		households       int64
	}
	var grids []grid
	rows, err := tx.QueryContext(ctx, `SELECT g.code, g.name, u.path, g.households FROM grids g JOIN units u ON u.code = g.unit_code
		WHERE `+unitIn("u.path", "$1")+` ORDER BY g.code`, likePrefix(u.Path))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var g grid
		if err := rows.Scan(&g.code, &g.name, &g.path, &g.households); err != nil {
			rows.Close()
			return nil, err
		}
		if c.takesPart(g.path) {
			grids = append(grids, g)
			out.Total.Households += g.households
		}
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}

	// The lines: the grids of a village, or the children that take part.
	if out.ByGrid {
		for _, g := range grids {
			out.Lines = append(out.Lines, pingan.CoverageLine{Code: g.code, Name: g.name, Households: g.households})
		}
	} else {
		rows, err := tx.QueryContext(ctx, `SELECT `+unitColumns+` FROM units WHERE parent_code = $1 ORDER BY path`, u.Code)
		if err != nil {
			return nil, err
		}
		var children []*pingan.Unit
		for rows.Next() {
			ch, err := scanUnit(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			if ch.Level.Administrative() && c.meets(ch.Path) {
				children = append(children, ch)
			}
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		for _, ch := range children {
			l := pingan.CoverageLine{Code: ch.Code, Name: ch.Name, Level: ch.Level}
			for _, g := range grids {
				if strings.HasPrefix(g.path, ch.Path) {
					l.Households += g.households
				}
			}
			out.Lines = append(out.Lines, l)
		}
	}

	// The counters of u and its lines.
	a := args{c.ID}
	marks := []string{a.add(u.Code)}
	at := map[string]*pingan.CoverageLine{u.Code: &out.Total}
	for i := range out.Lines {
		marks = append(marks, a.add(out.Lines[i].Code))
		at[out.Lines[i].Code] = &out.Lines[i]
	}
	rows, err = tx.QueryContext(ctx, `SELECT node, CAST(sum(visits) AS BIGINT), CAST(sum(places) AS BIGINT), CAST(sum(cases) AS BIGINT),
		CAST(sum(disputes) AS BIGINT), CAST(sum(hazards) AS BIGINT)
		FROM campaign_tallies WHERE campaign_id = $1 AND node IN (`+strings.Join(marks, ", ")+`) GROUP BY node`, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var node string
		var l pingan.CoverageLine
		if err := rows.Scan(&node, &l.Visits, &l.Places, &l.Cases, &l.Disputes, &l.Hazards); err != nil {
			return nil, err
		}
		if p := at[node]; p != nil {
			p.Visits, p.Places, p.Cases, p.Disputes, p.Hazards = l.Visits, l.Places, l.Cases, l.Disputes, l.Hazards
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out.Total.SetRate()
	for i := range out.Lines {
		out.Lines[i].SetRate()
	}
	return out, nil
}
