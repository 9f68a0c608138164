package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// The sensors of a key site (monitor.go): a dispatcher adds a gas detector
// on the sensors' page (a bad threshold is named on the form), readings
// come in and cross the alarm threshold, and the site's page shows the
// sensor in alarm, its chart and the alarm with the warning it raised; a
// viewer reads the panel but is not offered the configuration.
func TestMonitorPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	storetest.SeedGrids(t, e.db, e.fx)
	site, err := e.db.Sites.AddSite(ctx, e.fx.CountyDispatcher, &pingan.NewSite{Name: "富康燃气储配站", Type: "hazard_source", Level: 2,
		Location: &pingan.Location{Lat: 39.755, Lng: 98.505}, Department: e.fx.CountyHousing.Code})
	if err != nil {
		t.Fatal(err)
	}
	page := "/sites/" + strconv.FormatInt(site.ID, 10) + "/sensors"
	c := e.login(e.fx.CountyDispatcher)
	form := url.Values{"code": {"GT-7"}, "name": {"1号储罐可燃气体"}, "quantity": {"gas_lel"}, "warn_high": {"60"}, "alarm_high": {"50"},
		"target": {"warning"}, "hazard_level": {"general"}, "active": {"1"}}
	if res := c.post(page, form); res.status != http.StatusBadRequest || !strings.Contains(res.body, `name="warn_high" id="sensor-warn_high" value="60" aria-invalid="true"`) {
		t.Fatalf("a warning over the alarm: %d %s", res.status, res.body)
	}
	form.Set("warn_high", "20")
	if res := c.post(page, form); res.status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", res.status, res.body)
	}
	if res := c.get(page); !strings.Contains(res.body, "GT-7") || !strings.Contains(res.body, "可燃气体浓度") {
		t.Errorf("the sensors' page: %s", res.body)
	}
	key := &pingan.User{Username: "apikey:test", Name: "监测平台", Roles: []pingan.Role{pingan.RoleMonitor}, ScopePath: "/"}
	var rs []pingan.Reading
	for i := 0; i < 12; i++ {
		rs = append(rs, pingan.Reading{Sensor: "GT-7", At: e.clock.Now().Add(time.Duration(i-30) * time.Minute), Value: float64(10 + 5*i), Index: i})
	}
	if _, err := e.db.Monitor.Ingest(ctx, key, rs); err != nil {
		t.Fatal(err)
	}
	res := c.get("/sites/" + strconv.FormatInt(site.ID, 10))
	for _, want := range []string{`id="monitor-panel"`, "<polyline", `id="monitor-alarms"`, "报警", `href="/warnings/`, `id="monitor-configure"`} {
		if !strings.Contains(res.body, want) {
			t.Errorf("the site's page lacks %s", want)
		}
	}
	// The warning the alarm raised opens like any other.
	as, err := e.db.Monitor.Alarms(ctx, e.fx.CountyDispatcher, site.ID, 10)
	if err != nil || len(as) != 1 || as[0].Warning == 0 {
		t.Fatalf("alarms: %+v %v", as, err)
	}
	if res := c.get("/warnings/" + strconv.FormatInt(as[0].Warning, 10)); res.status != 200 || !strings.Contains(res.body, "监测报警") {
		t.Errorf("the warning's page: %d", res.status)
	}
	if res := e.login(e.fx.Viewer).get("/sites/" + strconv.FormatInt(site.ID, 10)); !strings.Contains(res.body, `id="monitor-panel"`) || strings.Contains(res.body, `id="monitor-configure"`) {
		t.Errorf("the viewer's panel: %d", res.status)
	}
	if res := e.login(e.fx.Viewer).get(page); res.status != http.StatusForbidden {
		t.Errorf("a viewer on the sensors' page: %d", res.status)
	}
	if res := e.login(e.fx.Admin).get("/admin/monitoring"); res.status != 200 || !strings.Contains(res.body, `id="broker-none"`) ||
		!strings.Contains(res.body, `id="monitor-counts"`) || !strings.Contains(res.body, "读数 12 条") {
		t.Errorf("the administration page: %d", res.status)
	}
}
