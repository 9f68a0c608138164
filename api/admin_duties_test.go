package api_test

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/api"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// TestAdminDutiesEveryRoute sends every route of the API, with the
// sweep's values, as each of the three administrators (三权分立): a route
// whose capability the administrator's role lacks answers 403 with the
// table's refusal before anything is read; any other answers something
// else. The system administrator is refused the security policy, the
// security and the audit administrators every case and statistic.
func TestAdminDutiesEveryRoute(t *testing.T) {
	clock := storetest.NewClock(storetest.Epoch)
	db := storetest.OpenWith(t, store.Options{Clock: clock, Logger: slog.New(slog.DiscardHandler)})
	fx := storetest.Seed(t, db)
	storetest.SeedGrids(t, db, fx)
	srv := api.New(sweepConfig(db, clock))
	e := &env{t: t, db: db, fx: fx, clock: clock, h: srv.Handler(), tokens: map[string]string{}}
	ids := sweepFixture(e)
	bodies := sweepBody(e, ids)
	refused := map[pingan.Role]int{}
	for _, u := range []*pingan.User{fx.Admin, fx.SecAdmin, fx.Auditor} {
		token := e.token(u.Username)
		for _, pattern := range srv.Routes() {
			c, public, ok := api.RouteCapability(pattern)
			if !ok {
				t.Fatalf("%s: no row in operations", pattern)
			}
			if public || pattern == "DELETE /api/v1/session" {
				continue
			}
			method, tmpl, _ := strings.Cut(pattern, " ")
			var segs []string
			for _, seg := range strings.Split(tmpl, "/") {
				if strings.HasPrefix(seg, "{") {
					v, _ := sweepFill(pattern, strings.Trim(seg, "{}"), ids)
					seg = url.PathEscape(v)
				}
				segs = append(segs, seg)
			}
			status, raw := sweepControl(e.h, method, strings.Join(segs, "/"), token, bodies[pattern], "application/json")
			err := pingan.Permit(u, c)
			if c == "" {
				err = nil // the reference data every form needs
			}
			if err != nil {
				var pe *pingan.Error
				errors.As(err, &pe)
				if status != http.StatusForbidden || !strings.Contains(raw, `"message_key":"`+pe.Msg.Key+`"`) {
					t.Errorf("%s: %s answers %d %s, want 403 %s", u.Username, pattern, status, raw, pe.Msg.Key)
				}
				refused[u.Roles[0]]++
			} else if status == http.StatusForbidden && strings.Contains(raw, `"message_key":"capability.`) {
				t.Errorf("%s: %s refused by the table: %s", u.Username, pattern, raw)
			}
		}
	}
	// Each is refused something, and the security policy is the security
	// administrator's alone.
	for _, r := range []pingan.Role{pingan.RoleAdmin, pingan.RoleSecAdmin, pingan.RoleAuditor} {
		if refused[r] == 0 {
			t.Errorf("%s is refused no route", r)
		}
	}
	if a := send(t, e.h, "GET", "/api/v1/security/policy", e.token("admin"), ""); a.status != http.StatusForbidden {
		t.Errorf("the system administrator reads the security policy: %d", a.status)
	}
	if a := send(t, e.h, "GET", "/api/v1/cases", e.token("auditor"), ""); a.status != http.StatusForbidden {
		t.Errorf("the audit administrator lists cases: %d", a.status)
	}
}
