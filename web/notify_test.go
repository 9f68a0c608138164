package web

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"github.com/pingan-gov/pingan"
)

// newNotifyEnv is newEnv with the notification service configured.
func newNotifyEnv(t *testing.T) *env {
	e := newEnv(t)
	db := e.db
	e.srv = New(Config{Units: db.Units, Users: db.Users, Categories: db.Categories, Cases: db.Cases, Stats: db.Stats,
		Public: db.Public, Grids: db.Grids, Holidays: db.Calendar, Calendar: db.Calendar, Notifications: db.Notifications,
		Clock: e.clock, Logger: slog.New(slog.DiscardHandler), DataDir: e.dataDir})
	e.ts = httptest.NewServer(e.srv.Handler())
	t.Cleanup(e.ts.Close)
	return e
}

var bellCountRe = regexp.MustCompile(`id="bell-count">(\d+)<`)

// bellCount answers the number the bell shows on the page, 0 for none,
// failing the test when the page has no bell.
func bellCount(t *testing.T, body string) int {
	t.Helper()
	if !regexp.MustCompile(`<a class="bell" id="bell" href="/notifications"`).MatchString(body) {
		t.Fatalf("the page has no bell")
	}
	m := bellCountRe.FindStringSubmatch(body)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// The bell in the header counts the user's unread notifications on every
// page; the list shows them, and marking one or all read empties the bell.
func TestBellCountsAndMarksRead(t *testing.T) {
	t.Parallel()
	e := newNotifyEnv(t)
	fx := e.fx
	handler := e.login(fx.CountyHandler)
	if n := bellCount(t, handler.get("/inbox").body); n != 0 {
		t.Fatalf("the bell shows %d before anything happened", n)
	}
	var ids []string
	for _, title := range []string{"楼道堆放杂物", "小区路灯损坏"} {
		c := e.newCase(fx.GridWorker, "0102", title)
		ids = append(ids, c.ID)
		e.act(fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
		e.act(fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.CountyHousing.Code})
	}
	for _, path := range []string{"/inbox", "/dashboard", "/cases/" + ids[0]} {
		if n := bellCount(t, handler.get(path).body); n != 2 {
			t.Errorf("%s: the bell shows %d, want 2", path, n)
		}
	}
	// The dispatcher, who acted, is not told.
	if n := bellCount(t, e.login(fx.CountyDispatcher).get("/inbox").body); n != 0 {
		t.Errorf("the dispatcher's bell shows %d", n)
	}

	list := handler.get("/notifications")
	if list.status != http.StatusOK {
		t.Fatalf("/notifications: %d", list.status)
	}
	mustContain(t, list.body, pingan.Text(pingan.ZH, "notify.kind.dispatched"), `href="/cases/`+ids[0]+`"`, "楼道堆放杂物", "小区路灯损坏")
	m := regexp.MustCompile(`id="read-(\d+)"`).FindAllStringSubmatch(list.body, -1)
	if len(m) != 2 {
		t.Fatalf("%d mark-read buttons, want 2", len(m))
	}

	res := handler.post("/notifications/read", url.Values{"id": {m[0][1]}})
	if res.status != http.StatusSeeOther || res.location != "/notifications?marked=1" {
		t.Fatalf("marking one: %d → %q", res.status, res.location)
	}
	page := handler.get(res.location).body
	mustContain(t, page, pingan.Text(pingan.ZH, "notify.marked", 1))
	if n := bellCount(t, page); n != 1 {
		t.Errorf("after marking one the bell shows %d", n)
	}
	// Another user cannot mark the handler's notifications.
	other := e.login(fx.CountyDispatcher)
	if res := other.post("/notifications/read", url.Values{"id": {m[1][1]}}); res.location != "/notifications?marked=0" {
		t.Errorf("another user marked the handler's notification: %q", res.location)
	}
	if res := handler.post("/notifications/read", url.Values{"id": {"abc"}}); res.status != http.StatusBadRequest {
		t.Errorf("a bad id: %d", res.status)
	}
	if res := handler.post("/notifications/read", url.Values{"id": {m[1][1]}, "csrf": {"forged"}}); res.status == http.StatusSeeOther {
		t.Error("a forged form marked a notification")
	}
	if res := handler.post("/notifications/read", nil); res.location != "/notifications?marked=1" {
		t.Errorf("marking all: %q", res.location)
	}
	if n := bellCount(t, handler.get("/inbox").body); n != 0 {
		t.Errorf("after marking all the bell shows %d", n)
	}

	// Signed out, the list asks to sign in.
	if res := e.anon().get("/notifications"); res.status != http.StatusSeeOther {
		t.Errorf("anonymous /notifications: %d", res.status)
	}
}

// Without a notification service there is no bell and no list.
func TestNoBellWithoutService(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.login(e.fx.CountyHandler)
	mustNotContain(t, c.get("/inbox").body, `id="bell"`)
	if res := c.get("/notifications"); res.status != http.StatusNotFound {
		t.Errorf("/notifications without the service: %d", res.status)
	}
}
