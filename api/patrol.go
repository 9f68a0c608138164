package api

import (
	"net/http"
	"strconv"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/sheet"
)

// Patrols of the grids (网格巡查, docs/patrols.md, docs/api.md "Patrols"):
// the patrol points of a grid, a worker's patrol with its check-ins, and
// the weekly coverage.

// routesPatrols registers the patrols' routes when a patrol service is
// configured. The order is the order of a patrol's life: the bad-text
// sweep sends its control requests in it.
func (s *Server) routesPatrols() {
	if s.patrols == nil {
		return
	}
	s.authed("GET /api/v1/patrol-points", s.may(pingan.CapReadCases, s.listPatrolPoints))
	s.authed("POST /api/v1/patrol-points", s.may(pingan.CapPatrolPoints, s.addPatrolPoint))
	s.authed("PATCH /api/v1/patrol-points/{id}", s.may(pingan.CapPatrolPoints, s.changePatrolPoint))
	s.authed("GET /api/v1/patrols/coverage", s.may(pingan.CapStatistics, s.patrolCoverage))
	s.authed("GET /api/v1/patrols/open", s.may(pingan.CapPatrol, s.openPatrol))
	s.authed("GET /api/v1/patrols/{id}", s.may(pingan.CapReadCases, s.getPatrol))
	s.authed("POST /api/v1/patrols/{id}/checkins", s.may(pingan.CapPatrol, s.checkIn))
	s.authed("POST /api/v1/patrols/{id}/end", s.may(pingan.CapPatrol, s.endPatrol))
	s.authed("POST /api/v1/patrols", s.may(pingan.CapPatrol, s.startPatrol))
}

// listPatrolPoints answers GET /api/v1/patrol-points?grid=CODE&all=true
// with {"points": […]}: the grid's points, due ones first; retired ones
// too with all.
func (s *Server) listPatrolPoints(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	grid := q.str("grid")
	if grid == "" {
		q.v.Add("grid", "patrol.grid.choose")
	}
	all := q.bool("all")
	if err := q.err(); err != nil {
		return err
	}
	pts, err := s.patrols.PatrolPoints(r.Context(), userFrom(r.Context()), grid, all != nil && *all)
	if err != nil {
		return err
	}
	if pts == nil {
		pts = []*pingan.PatrolPoint{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"points": pts})
	return nil
}

// addPatrolPoint adds a point: POST /api/v1/patrol-points with a
// pingan.NewPatrolPoint (grid, name, location, cadence in days) → 201.
func (s *Server) addPatrolPoint(w http.ResponseWriter, r *http.Request) error {
	var in pingan.NewPatrolPoint
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	p, err := s.patrols.AddPatrolPoint(r.Context(), userFrom(r.Context()), &in)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusCreated, p)
	return nil
}

// changePatrolPoint answers PATCH /api/v1/patrol-points/{id} with
// {"cadence": days, "active": bool} (either) with the point changed.
func (s *Server) changePatrolPoint(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "patrol.point.notfound")
	if err != nil {
		return err
	}
	var in pingan.PatrolPointChange
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	p, err := s.patrols.ChangePatrolPoint(r.Context(), userFrom(r.Context()), id, &in)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, p)
	return nil
}

// startPatrol starts a patrol: POST /api/v1/patrols with {"grid": CODE} →
// 201 with the patrol; 409 naming patrol while another is open.
func (s *Server) startPatrol(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Grid string `json:"grid"`
	}
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	p, err := s.patrols.StartPatrol(r.Context(), userFrom(r.Context()), in.Grid)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"patrols/"+strconv.FormatInt(p.ID, 10))
	s.writeJSON(w, http.StatusCreated, p)
	return nil
}

// openPatrol answers GET /api/v1/patrols/open with {"patrol": the
// caller's open patrol or null}.
func (s *Server) openPatrol(w http.ResponseWriter, r *http.Request) error {
	p, err := s.patrols.OpenPatrol(r.Context(), userFrom(r.Context()))
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"patrol": p})
	return nil
}

// getPatrol answers GET /api/v1/patrols/{id} with the patrol and its
// check-ins.
func (s *Server) getPatrol(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "patrol.notfound")
	if err != nil {
		return err
	}
	p, cs, err := s.patrols.FindPatrol(r.Context(), userFrom(r.Context()), id)
	if err != nil {
		return err
	}
	if cs == nil {
		cs = []*pingan.CheckIn{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"patrol": p, "checkins": cs})
	return nil
}

// checkInBody is a check-in as the API takes it: pingan.NewCheckIn with
// the finding's photos as base64 (photos: [{"name", "data"}]).
type checkInBody struct {
	pingan.NewCheckIn
	Photos []struct {
		Name string `json:"name"`
		Data []byte `json:"data"`
	} `json:"photos,omitempty"`
}

// checkIn records a check-in: POST /api/v1/patrols/{id}/checkins with
// {"point", "location", "result": "ok"|"finding", "note", "case": a
// report (kind hazard with hazard.level, or dispute), "photos"} → 201.
func (s *Server) checkIn(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "patrol.notfound")
	if err != nil {
		return err
	}
	var in checkInBody
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	if in.Case != nil {
		for _, p := range in.Photos {
			in.Case.Photos = append(in.Case.Photos, pingan.Upload{Name: p.Name, Data: p.Data})
		}
	}
	c, err := s.patrols.CheckIn(r.Context(), userFrom(r.Context()), id, &in.NewCheckIn)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusCreated, c)
	return nil
}

// endPatrol ends the caller's patrol: POST /api/v1/patrols/{id}/end.
func (s *Server) endPatrol(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "patrol.notfound")
	if err != nil {
		return err
	}
	p, err := s.patrols.EndPatrol(r.Context(), userFrom(r.Context()), id)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, p)
	return nil
}

// coverageAnswer is the coverage with its weeks written as 2026-W10.
type coverageAnswer struct {
	*pingan.PatrolCoverage
	FromWeek string        `json:"from"`
	ToWeek   string        `json:"to"`
	Weeks    []weekCounted `json:"weeks"`
}

type weekCounted struct {
	Week string `json:"week"`
	pingan.PatrolLine
}

// patrolCoverage answers GET /api/v1/patrols/coverage?unit=&from=&to=
// (ISO weeks, 2026-W10; this week by default) with the coverage under
// unit, line by line and week by week.
func (s *Server) patrolCoverage(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	var from, to pingan.Week
	for _, p := range []struct {
		name string
		w    *pingan.Week
	}{{"from", &from}, {"to", &to}} {
		if v := q.str(p.name); v != "" {
			wk, err := pingan.ReadWeek(v)
			if err != nil {
				q.v.Add(p.name, "patrol.week.bad", v)
			}
			*p.w = wk
		}
	}
	if err := q.err(); err != nil {
		return err
	}
	cv, err := s.patrols.PatrolCoverage(r.Context(), userFrom(r.Context()), q.str("unit"), from, to)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, coverageOut(cv))
	return nil
}

// coverageOut answers cv as the API writes it.
func coverageOut(cv *pingan.PatrolCoverage) coverageAnswer {
	out := coverageAnswer{PatrolCoverage: cv, FromWeek: cv.From.String(), ToWeek: cv.To.String(), Weeks: []weekCounted{}}
	for _, wk := range cv.Weeks {
		out.Weeks = append(out.Weeks, weekCounted{Week: wk.Week.String(), PatrolLine: wk.PatrolLine})
	}
	if out.Lines == nil {
		out.Lines = []pingan.PatrolLine{}
	}
	return out
}

// statsPatrols answers the patrols block of GET /api/v1/stats: the
// coverage of unit over the ISO weeks from the period's first day to its
// last (or today); nil without a patrol service.
func (s *Server) statsPatrols(r *http.Request, unit string, sq pingan.StatsQuery) (*coverageAnswer, error) {
	if s.patrols == nil {
		return nil, nil
	}
	from, to, ok := pingan.WeeksOf(sq.From, sq.To, s.clock.Now())
	if !ok { // a period to come: its first week
		from, to = pingan.WeekAt(sq.From), pingan.WeekAt(sq.From)
	}
	cv, err := s.patrols.PatrolCoverage(r.Context(), userFrom(r.Context()), unit, from, to)
	if pingan.ErrorCode(err) == pingan.ENOTFOUND {
		return nil, nil // a centre or a department: no grids of its own
	}
	if err != nil {
		return nil, err
	}
	out := coverageOut(cv)
	return &out, nil
}

// patrolHeader and patrolRows are the sheet of the patrols in the
// statistics' workbook: the unit's coverage week by week, then in total.
func patrolHeader(lang pingan.Lang) []string {
	t := func(key string) string { return pingan.Text(lang, key) }
	return []string{t("patrol.stats.col.week"), t("patrol.dash.due"), t("patrol.dash.visited"), t("patrol.dash.rate"),
		t("patrol.dash.checkins"), t("patrol.dash.findings")}
}

func patrolRows(cv *coverageAnswer) [][]sheet.Cell {
	row := func(name string, l pingan.PatrolLine) []sheet.Cell {
		rate := sheet.NoRate()
		if l.Rate != nil {
			rate = sheet.Rate(*l.Rate)
		}
		return []sheet.Cell{sheet.Text(name), sheet.Int(l.Due), sheet.Int(l.Visited), rate, sheet.Int(l.CheckIns), sheet.Int(l.Findings)}
	}
	var rows [][]sheet.Cell
	for _, w := range cv.Weeks {
		rows = append(rows, row(w.Week, w.PatrolLine))
	}
	return append(rows, row(cv.FromWeek+" – "+cv.ToWeek, cv.Total))
}
