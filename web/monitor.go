package web

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pingan-gov/pingan"
)

// Monitoring (监测, docs/monitoring.md): on a key site's page, a panel with
// its sensors — level, latest value, a chart of the last seven days from
// the hourly rollups with the thresholds drawn across — and the latest
// alarms; the page that configures a site's sensors and thresholds; the
// administrators' page with the MQTT subscription's state and the API
// keys.

func init() {
	pageNames = append(pageNames, "monitor_sensors", "admin_monitoring")
	registerSitePanel(monitorPanel)
}

// routesMonitor registers the monitoring pages when the service is configured.
func (s *Server) routesMonitor(h func(pattern string, handler http.HandlerFunc)) {
	if s.monitor == nil || s.sites == nil {
		return
	}
	h("GET /sites/{site}/sensors", s.signedIn(s.may(pingan.CapSensors, s.sensorsPage)))
	h("POST /sites/{site}/sensors", s.signedIn(s.may(pingan.CapSensors, s.form(s.saveSensor))))
	h("GET /admin/monitoring", s.signedIn(s.may(pingan.CapAdminUsers, s.adminMonitoringPage)))
}

// chartDays is how far back a site's chart reaches.
const chartDays = 7

// sensorChart is one sensor's row of the panel: its chart as SVG points.
type sensorChart struct {
	S           *pingan.Sensor
	Avg, Band   string // polyline points of the hourly mean; polygon of min … max
	Lines       []chartLine
	Lo, Hi      float64 // the y axis
	From, To    string
	Empty       bool
	Quantity    string
	LevelText   string
	LevelMarker string
}

// chartLine is a threshold across the chart.
type chartLine struct {
	Y     float64
	Class string
}

const chartW, chartH = 600.0, 120.0

// chartOf draws the rollups of one sensor.
func chartOf(s *pingan.Sensor, rs []pingan.Rollup, from, to time.Time) sensorChart {
	c := sensorChart{S: s, From: from.In(pingan.CST).Format("01-02"), To: to.In(pingan.CST).Format("01-02"), Empty: len(rs) == 0}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, r := range rs {
		lo, hi = math.Min(lo, r.Min), math.Max(hi, r.Max)
	}
	th := []struct {
		p     *float64
		class string
	}{{s.WarnHigh, "warn"}, {s.AlarmHigh, "alarm"}, {s.WarnLow, "warn"}, {s.AlarmLow, "alarm"}}
	for _, t := range th {
		if t.p != nil {
			lo, hi = math.Min(lo, *t.p), math.Max(hi, *t.p)
		}
	}
	if math.IsInf(lo, 0) {
		lo, hi = 0, 1
	}
	if hi-lo < 1e-9 {
		hi = lo + 1
	}
	pad := (hi - lo) * 0.05
	lo, hi = lo-pad, hi+pad
	c.Lo, c.Hi = lo, hi
	span := to.Sub(from).Seconds()
	x := func(t time.Time) float64 { return math.Round(t.Sub(from).Seconds()/span*chartW*10) / 10 }
	y := func(v float64) float64 { return math.Round((hi-v)/(hi-lo)*chartH*10) / 10 }
	var avg, top, bottom []string
	for _, r := range rs {
		px := x(r.At.Add(30 * time.Minute))
		avg = append(avg, fmt.Sprintf("%g,%g", px, y(r.Avg)))
		top = append(top, fmt.Sprintf("%g,%g", px, y(r.Max)))
		bottom = append([]string{fmt.Sprintf("%g,%g", px, y(r.Min))}, bottom...)
	}
	c.Avg, c.Band = strings.Join(avg, " "), strings.Join(append(top, bottom...), " ")
	for _, t := range th {
		if t.p != nil {
			c.Lines = append(c.Lines, chartLine{Y: y(*t.p), Class: t.class})
		}
	}
	return c
}

// monitorPanelData is the panel of a site's sensors.
type monitorPanelData struct {
	V       *view
	Site    *pingan.Site
	Charts  []sensorChart
	Alarms  []*pingan.Alarm
	MayEdit bool
}

var (
	monitorPanelOnce sync.Once
	monitorPanelT    *template.Template
)

// monitorPanel is the site page's panel of sensors (site_panels.go).
func monitorPanel(s *Server, r *http.Request, v *view, u *pingan.User, site *pingan.Site) (sitePanel, bool, error) {
	if s.monitor == nil || !u.May(pingan.CapSites) {
		return sitePanel{}, false, nil
	}
	ctx := r.Context()
	ss, err := s.monitor.Sensors(ctx, u, site.ID)
	if err != nil {
		return sitePanel{}, false, err
	}
	mayEdit := u.May(pingan.CapSensors)
	if len(ss) == 0 && !mayEdit {
		return sitePanel{}, false, nil
	}
	d := &monitorPanelData{V: v, Site: site, MayEdit: mayEdit}
	to := s.clock.Now().Truncate(time.Hour).Add(time.Hour)
	from := to.AddDate(0, 0, -chartDays)
	for _, x := range ss {
		rs, err := s.monitor.Series(ctx, u, x.ID, from, to)
		if err != nil {
			return sitePanel{}, false, err
		}
		d.Charts = append(d.Charts, chartOf(x, rs, from, to))
	}
	if d.Alarms, err = s.monitor.Alarms(ctx, u, site.ID, 10); err != nil {
		return sitePanel{}, false, err
	}
	monitorPanelOnce.Do(func() {
		monitorPanelT = template.Must(template.New("monitor_panel.html").Funcs(funcs).ParseFS(assets, "templates/monitor_panel.html"))
	})
	var buf bytes.Buffer
	if err := monitorPanelT.ExecuteTemplate(&buf, "monitor_panel", d); err != nil {
		return sitePanel{}, false, err
	}
	return sitePanel{Title: v.T("monitor.panel.title"), Body: template.HTML(buf.String())}, true, nil
}

// MonitorReady reports whether the monitoring pages are served (the
// administration tabs).
func (v *view) MonitorReady() bool {
	return v.s != nil && v.s.monitor != nil && v.s.sites != nil && v.User.May(pingan.CapAdminUsers)
}

// SensorLevel names a sensor's level; SensorQuantity its quantity;
// AlarmTarget what its alarms become.
func (v *view) SensorLevel(l pingan.SensorLevel) string { return v.T("monitor.level." + string(l)) }
func (v *view) SensorQuantity(q pingan.Quantity) string { return v.T("monitor.quantity." + string(q)) }
func (v *view) AlarmTargetName(t pingan.AlarmTarget) string {
	return v.T("monitor.target." + string(t))
}

// Quantities and AlarmTargets are the choices of the sensors' form.
func (v *view) Quantities() []pingan.Quantity      { return pingan.Quantities }
func (v *view) AlarmTargets() []pingan.AlarmTarget { return pingan.AlarmTargets }

// Num prints a threshold or a value; "—" for none.
func (v *view) Num(p *float64) string {
	if p == nil {
		return "—"
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

// sensorsData is the page of a site's sensors.
type sensorsData struct {
	Site       *pingan.Site
	Sensors    []*pingan.Sensor
	Categories []*pingan.Category
	Values     url.Values // the form refused, or empty
	Errors     map[string]string
	Error      string
}

func (s *Server) sensorsPage(w http.ResponseWriter, r *http.Request) {
	s.renderSensors(w, r, url.Values{}, nil, http.StatusOK)
}

// renderSensors draws the sensors of a site and the form; after a refused
// form (ferr), with what was typed and each bad field marked.
func (s *Server) renderSensors(w http.ResponseWriter, r *http.Request, values url.Values, ferr error, status int) {
	ctx, u := r.Context(), userOf(r)
	id, err := siteID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	site, err := s.sites.FindSite(ctx, u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.newView(r, "monitor_sensors")
	v.Title, v.Nav = v.T("monitor.sensors.title", site.Name), "sites"
	d := &sensorsData{Site: site, Values: values}
	if ferr != nil {
		d.Errors, d.Error = v.fields(ferr), v.Message(ferr)
	}
	if d.Sensors, err = s.monitor.Sensors(ctx, u, id); err != nil {
		s.fail(w, r, err)
		return
	}
	cats, err := s.categories.Categories(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, c := range cats {
		if c.Kind == pingan.KindHazard {
			d.Categories = append(d.Categories, c)
		}
	}
	if r.URL.Query().Get("saved") != "" {
		v.Notice = v.T("monitor.sensor.saved")
	}
	v.D = d
	s.renderStatus(w, r, v, status)
}

// formFloat reads an optional number of the form; nil when empty.
func formFloat(r *http.Request, name string, bad *pingan.Invalid) *float64 {
	t := strings.TrimSpace(r.PostFormValue(name))
	if t == "" {
		return nil
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil {
		bad.Add(name, "monitor.value.nan")
		return nil
	}
	return &f
}

// saveSensor adds a sensor to the site, or changes the one of the form's id.
func (s *Server) saveSensor(w http.ResponseWriter, r *http.Request) {
	site, err := siteID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var bad pingan.Invalid
	in := &pingan.Sensor{Site: site, Code: r.PostFormValue("code"), Name: r.PostFormValue("name"),
		Quantity: pingan.Quantity(r.PostFormValue("quantity")), Unit: r.PostFormValue("unit"),
		Target: pingan.AlarmTarget(r.PostFormValue("target")), HazardLevel: pingan.HazardLevel(r.PostFormValue("hazard_level")),
		Category: r.PostFormValue("category"), Active: r.PostFormValue("active") != "0"}
	in.WarnHigh, in.AlarmHigh = formFloat(r, "warn_high", &bad), formFloat(r, "alarm_high", &bad)
	in.WarnLow, in.AlarmLow = formFloat(r, "warn_low", &bad), formFloat(r, "alarm_low", &bad)
	if db := formFloat(r, "deadband", &bad); db != nil {
		in.Deadband = *db
	}
	if t := strings.TrimSpace(r.PostFormValue("no_data_minutes")); t != "" {
		if in.NoDataMinutes, err = strconv.Atoi(t); err != nil {
			bad.Add("no_data_minutes", "monitor.nodata.bad")
		}
	}
	in.ID, _ = strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	in.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	if err := bad.Err(); err != nil {
		s.renderSensors(w, r, r.PostForm, err, http.StatusBadRequest)
		return
	}
	if _, err := s.monitor.SaveSensor(r.Context(), userOf(r), in); err != nil {
		if pingan.ErrorCode(err) == pingan.EINVALID || pingan.ErrorCode(err) == pingan.ECONFLICT {
			s.renderSensors(w, r, r.PostForm, err, statusOf(err))
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/sites/"+strconv.FormatInt(site, 10)+"/sensors?saved=1", http.StatusSeeOther)
}

// adminMonitoringData is the administrators' page of monitoring.
type adminMonitoringData struct {
	Broker    pingan.BrokerState
	Subscribe bool // pingan serve subscribes to a broker
	// Month and Counts are the counters of the reader's jurisdiction this month.
	Month  string
	Counts pingan.MonitorCounts
}

func (s *Server) adminMonitoringPage(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r, "admin_monitoring")
	v.Title, v.Nav = v.T("monitor.admin.title"), "admin"
	d := &adminMonitoringData{Month: s.clock.Now().In(pingan.CST).Format("2006-01")}
	if s.broker != nil {
		d.Broker, d.Subscribe = s.broker.BrokerState()
	}
	u := userOf(r)
	unit := u.UnitCode
	if parts := strings.Split(strings.Trim(u.ScopePath, "/"), "/"); len(parts) > 0 && parts[0] != "" {
		unit = parts[len(parts)-1] // a centre's: the unit it serves
	}
	var err error
	if d.Counts, err = s.monitor.MonitorCounts(r.Context(), u, unit, d.Month, d.Month); err != nil {
		s.fail(w, r, err)
		return
	}
	v.D = d
	s.render(w, r, v)
}
