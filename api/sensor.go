package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/pingan-gov/pingan"
)

// Sensors of key sites, their alarms and charts (监测, docs/monitoring.md).

// routesMonitor registers the monitoring routes when the service is configured.
func (s *Server) routesMonitor() {
	if s.monitor == nil {
		return
	}
	s.authed("POST "+readingsPath, s.may(pingan.CapReadings, s.postReadings))
	s.authed("GET /api/v1/sensors", s.may(pingan.CapSites, s.listSensors))
	s.authed("POST /api/v1/sensors", s.may(pingan.CapSensors, s.createSensor))
	s.authed("GET /api/v1/sensors/{id}", s.may(pingan.CapSites, s.getSensor))
	s.authed("PUT /api/v1/sensors/{id}", s.may(pingan.CapSensors, s.updateSensor))
	s.authed("GET /api/v1/sensors/{id}/series", s.may(pingan.CapSites, s.sensorSeries))
	s.authed("GET /api/v1/alarms", s.may(pingan.CapSites, s.listAlarms))
}

// siteParam reads ?site=ID; 0 when absent (every site of the jurisdiction).
func siteParam(q *query) int64 {
	if !q.has("site") {
		return 0
	}
	id, err := strconv.ParseInt(q.str("site"), 10, 64)
	if err != nil || id <= 0 {
		q.v.Add("site", "api.query.int", 1, int64(1)<<53)
	}
	return id
}

// listSensors answers GET /api/v1/sensors?site=ID (every site when absent) with {"sensors": […]}.
func (s *Server) listSensors(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	site := siteParam(q)
	if err := q.err(); err != nil {
		return err
	}
	ss, err := s.monitor.Sensors(r.Context(), userFrom(r.Context()), site)
	if err != nil {
		return err
	}
	if ss == nil {
		ss = []*pingan.Sensor{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"sensors": ss})
	return nil
}

// createSensor adds a sensor: POST /api/v1/sensors with a pingan.Sensor → 201.
func (s *Server) createSensor(w http.ResponseWriter, r *http.Request) error {
	var in pingan.Sensor
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	in.ID, in.Active = 0, true
	x, err := s.monitor.SaveSensor(r.Context(), userFrom(r.Context()), &in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"sensors/"+strconv.FormatInt(x.ID, 10))
	s.writeJSON(w, http.StatusCreated, x)
	return nil
}

// getSensor answers GET /api/v1/sensors/{id}.
func (s *Server) getSensor(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "monitor.sensor.notfound")
	if err != nil {
		return err
	}
	x, err := s.monitor.FindSensor(r.Context(), userFrom(r.Context()), id)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, x)
	return nil
}

// updateSensor changes a sensor: PUT /api/v1/sensors/{id} with the whole
// pingan.Sensor (its version as read; a stale one answers 409).
func (s *Server) updateSensor(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "monitor.sensor.notfound")
	if err != nil {
		return err
	}
	var in pingan.Sensor
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	in.ID = id
	x, err := s.monitor.SaveSensor(r.Context(), userFrom(r.Context()), &in)
	if err != nil {
		return err
	}
	s.writeJSON(w, http.StatusOK, x)
	return nil
}

// sensorSeries answers GET /api/v1/sensors/{id}/series?from=&to= (the last
// 7 days by default) with {"series": [hourly rollups]}.
func (s *Server) sensorSeries(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "monitor.sensor.notfound")
	if err != nil {
		return err
	}
	q := newQuery(r)
	from, to := q.time("from", false), q.time("to", true)
	if err := q.err(); err != nil {
		return err
	}
	if to.IsZero() {
		to = s.clock.Now()
	}
	if from.IsZero() {
		from = to.Add(-7 * 24 * time.Hour)
	}
	rs, err := s.monitor.Series(r.Context(), userFrom(r.Context()), id, from, to)
	if err != nil {
		return err
	}
	if rs == nil {
		rs = []pingan.Rollup{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"series": rs})
	return nil
}

// listAlarms answers GET /api/v1/alarms?site=ID&limit= with {"alarms": […]}, newest first.
func (s *Server) listAlarms(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	site := siteParam(q)
	limit := q.int("limit", 50, 1, 500)
	if err := q.err(); err != nil {
		return err
	}
	as, err := s.monitor.Alarms(r.Context(), userFrom(r.Context()), site, limit)
	if err != nil {
		return err
	}
	if as == nil {
		as = []*pingan.Alarm{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"alarms": as})
	return nil
}
