package store_test

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/geo"
	"github.com/pingan-gov/pingan/secret"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// Tests of the edges found by attacking the landed server: a deadline
// counted past the calendar's last year, a store opened with the wrong data
// key, a refusal naming a grid of another county. They run on both
// databases.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"ExtendPastCalendar", testExtendPastCalendar},
		{"PolicyPastCalendar", testPolicyPastCalendar},
		{"EscalationPastCalendar", testEscalationPastCalendar},
		{"PlacementKeepsOtherJurisdictions", testPlacementKeepsOtherJurisdictions},
		{"KeyCanary", testKeyCanary},
		{"KeyOfOldDatabase", testKeyOfOldDatabase},
		{"NewKeyOnlyForEmptyDatabase", testNewKeyOnlyForEmptyDatabase},
	}...)
}

// late2999 is a working day late in the calendar's last year.
var late2999 = time.Date(2999, 6, 3, 9, 0, 0, 0, pingan.CST)

// wantField fails unless err is EINVALID naming field.
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	if pe := wantCode(t, err, pingan.EINVALID); zh(pe, field) == "" {
		t.Errorf("%v does not name %s", err, field)
	}
}

// testExtendPastCalendar: an extension (延期) that runs past 2999 is the
// input's fault, 400 naming days, not a 500.
func testExtendPastCalendar(t *testing.T, e *env) {
	fx := e.fx
	e.clock.Set(late2999)
	c := e.report(t, fx.GridWorker, "")
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	e.act(t, fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActSign})
	_, err := e.db.Cases.Act(ctx, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActExtend, Days: 365, Reason: "需等待鉴定"})
	wantField(t, err, "days")
	if pe := wantCode(t, err, pingan.EINVALID); !strings.Contains(zh(pe, "days"), "3000") {
		t.Errorf("the refusal does not say the year: %v", err)
	}
	// A shorter extension still fits.
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActExtend, Days: 5, Reason: "需等待鉴定"})
}

// testPolicyPastCalendar: a category whose period cannot be counted from
// now — past the calendar's years, or too long to count at all — refuses
// the report naming the policy, instead of a 500.
func testPolicyPastCalendar(t *testing.T, e *env) {
	fx := e.fx
	for _, n := range []int{400_000, 2_000_000} {
		cat := &pingan.Category{Code: "9901", Kind: pingan.KindService, Name: "超长时限",
			Policy: pingan.Policy{Sign: pingan.Period{N: 1, Unit: "working"}, Resolve: pingan.Period{N: n, Unit: "calendar"}}}
		if err := e.db.Categories.SaveCategory(ctx, fx.Admin, cat); err != nil {
			t.Fatalf("save a category of %d days: %v", n, err)
		}
		_, err := e.db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindService, Category: "9901", Title: "路灯不亮"})
		wantField(t, err, "policy")
	}
}

// testEscalationPastCalendar: an escalation whose new period would run past
// the calendar leaves the case marked overdue where it is; the deadline
// watch goes on with the next instead of failing on it at every tick.
func testEscalationPastCalendar(t *testing.T, e *env) {
	fx := e.fx
	cat := &pingan.Category{Code: "9902", Kind: pingan.KindService, Name: "半年时限",
		Policy: pingan.Policy{Sign: pingan.Period{N: 1, Unit: "working"}, Resolve: pingan.Period{N: 200, Unit: "calendar"}}}
	if err := e.db.Categories.SaveCategory(ctx, fx.Admin, cat); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(time.Date(2999, 1, 4, 9, 0, 0, 0, pingan.CST))
	c, err := e.db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindService, Category: "9902", Title: "路灯不亮"})
	if err != nil {
		t.Fatal(err)
	}
	late := c.ResolveBy.Add(time.Hour)
	n, err := e.db.Cases.EscalateDue(ctx, late, 10)
	if err != nil || n != 1 {
		t.Fatalf("the deadline watch: %d, %v", n, err)
	}
	got := e.find(t, c.ID)
	if !got.Overdue || got.HoldingUnit != c.HoldingUnit {
		t.Errorf("overdue %v, held by %s (was %s)", got.Overdue, got.HoldingUnit, c.HoldingUnit)
	}
	if n, err := e.db.Cases.EscalateDue(ctx, late, 10); err != nil || n != 0 {
		t.Errorf("the watch again: %d, %v", n, err)
	}
}

// testPlacementKeepsOtherJurisdictions: a position refused as outside the
// reporter's jurisdiction names no grid or unit there, and a sentence about
// a shared border names only the grids the reporter sees.
func testPlacementKeepsOtherJurisdictions(t *testing.T, e *env) {
	fx := e.fx
	storetest.SeedGrids(t, e.db, fx)
	if _, err := e.db.Units.ImportUnitAreas(ctx, []geo.UnitArea{{Code: "620921", Geometry: storetest.Rect(98.80, 39.95, 99.20, 40.30)}}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name     string
		lat, lng float64
	}{
		{"in another county's grid", 40.01, 98.91},
		{"in another county's area", 40.2, 99.1},
	} {
		_, err := e.db.Cases.CreateCase(ctx, fx.CountyDispatcher, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102", Title: "漏水",
			Location: &pingan.Location{Lat: tt.lat, Lng: tt.lng}})
		pe := wantCode(t, err, pingan.EINVALID)
		if !strings.Contains(zh(pe, "location"), "不在您的辖区内") {
			t.Errorf("%s: %v", tt.name, err)
		}
		wantKey(t, pe, "location", "placement.location.outside")
		for _, secret := range []string{"620921", "金塔"} {
			if strings.Contains(pe.Error(), secret) || strings.Contains(pe.Fields["location"].Text(pingan.EN), secret) {
				t.Errorf("%s: the refusal names %s: %v", tt.name, secret, err)
			}
		}
	}
	// On the border of 富康社区's second grid and 南苑社区's: the grid worker
	// of 富康 sees only the first.
	c := e.report(t, fx.GridWorker, "", func(n *pingan.NewCase) { n.Location = &pingan.Location{Lat: 39.755, Lng: 98.52} })
	if c.Grid != "620902001001-02" || strings.Contains(c.Placement, "620902001002-01") || !strings.Contains(c.Placement, "1 neighbouring grid") {
		t.Errorf("on the border: grid %s, %q", c.Grid, c.Placement)
	}
	// One who sees both is told both.
	c = e.report(t, fx.TownshipDispatcher, "", func(n *pingan.NewCase) { n.Location = &pingan.Location{Lat: 39.755, Lng: 98.52} })
	if !strings.Contains(c.Placement, "620902001001-02、620902001002-01") {
		t.Errorf("on the border, for the township: %q", c.Placement)
	}
}

// openWith opens the database of e with a sealer, or with none and newKey,
// and closes it again when it opens.
func (e *env) openWith(sealer pingan.Sealer, newKey func() (pingan.Sealer, error)) (*store.DB, error) {
	db, err := e.openKeyed(sealer, newKey)
	if err == nil {
		db.Close()
	}
	return db, err
}

func (e *env) openKeyed(sealer pingan.Sealer, newKey func() (pingan.Sealer, error)) (*store.DB, error) {
	return store.Open(ctx, store.Options{DSN: e.dsn, Sealer: sealer, NewKey: newKey, Clock: e.clock,
		PasswordParams: secret.TestParams, Logger: slog.New(slog.DiscardHandler)})
}

func otherSealer(t *testing.T) *secret.Sealer {
	key, _ := secret.GenerateKey()
	s, err := secret.NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// withReporter gives a report personal data to seal.
func withReporter(n *pingan.NewCase) {
	n.Reporter = &pingan.Person{Name: "张三丰", Phone: "13812345678"}
}

// testKeyCanary: a store opened with another key, or none, on a database
// whose personal data is sealed refuses to open, saying which key it wants;
// the right key opens it. Until something is sealed, any key will do.
func testKeyCanary(t *testing.T, e *env) {
	b := otherSealer(t)
	if _, err := e.openWith(b, nil); err != nil {
		t.Fatalf("nothing sealed yet, opened with key B: %v", err)
	}
	e.report(t, e.fx.GridWorker, "", withReporter)
	e.db.WaitBackground() // the first seal writes the canary
	_, err := e.openWith(b, nil)
	var ke *store.KeyError
	if !errors.As(err, &ke) || !errors.Is(err, store.ErrKey) || ke.Missing || ke.Want != secret.KeyID(storetest.Key) || ke.Got != b.KeyID() {
		t.Fatalf("opened with key B: %v (%+v)", err, ke)
	}
	if !strings.Contains(err.Error(), ke.Want) {
		t.Errorf("the refusal does not name the key wanted: %v", err)
	}
	asked := false
	_, err = e.openWith(nil, func() (pingan.Sealer, error) { asked = true; return b, nil })
	if !errors.As(err, &ke) || !ke.Missing || ke.Want != secret.KeyID(storetest.Key) || asked {
		t.Fatalf("opened with no key: %v (%+v), new key asked for: %v", err, ke, asked)
	}
	if _, err := e.openWith(storetest.Sealer(t), nil); err != nil {
		t.Fatalf("opened with key A: %v", err)
	}
}

// testKeyOfOldDatabase: a database sealed before the canary existed is
// checked against its sealed data, and gets its canary once the right key
// opens it.
func testKeyOfOldDatabase(t *testing.T, e *env) {
	e.report(t, e.fx.GridWorker, "", func(n *pingan.NewCase) { n.Parties = []pingan.Person{{Name: "李四", Phone: "13912345678"}} })
	e.db.WaitBackground()
	if _, err := e.db.SQL().ExecContext(ctx, `DELETE FROM key_canary`); err != nil {
		t.Fatal(err)
	}
	b := otherSealer(t)
	_, err := e.openWith(b, nil)
	var ke *store.KeyError
	if !errors.As(err, &ke) || ke.Want != "" || ke.Got != b.KeyID() {
		t.Fatalf("opened with key B: %v (%+v)", err, ke)
	}
	if _, err := e.openWith(nil, func() (pingan.Sealer, error) { return b, nil }); !errors.As(err, &ke) || !ke.Missing {
		t.Fatalf("opened with no key: %v (%+v)", err, ke)
	}
	if _, err := e.openWith(storetest.Sealer(t), nil); err != nil {
		t.Fatalf("opened with key A: %v", err)
	}
	// The canary is back: key B is told which key is wanted.
	if _, err := e.openWith(b, nil); !errors.As(err, &ke) || ke.Want != secret.KeyID(storetest.Key) {
		t.Fatalf("opened with key B again: %v (%+v)", err, ke)
	}
}

// testNewKeyOnlyForEmptyDatabase: with no key given, a database that holds
// nothing sealed takes a new one, which is its key once it sealed something.
func testNewKeyOnlyForEmptyDatabase(t *testing.T, e *env) {
	b := otherSealer(t)
	db, err := e.openKeyed(nil, func() (pingan.Sealer, error) { return b, nil })
	if err != nil {
		t.Fatalf("an empty database with a new key: %v", err)
	}
	in := &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102", Title: "漏水"}
	withReporter(in)
	_, err = db.Cases.CreateCase(ctx, e.fx.GridWorker, in)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	var ke *store.KeyError
	if _, err := e.openWith(storetest.Sealer(t), nil); !errors.As(err, &ke) || ke.Want != b.KeyID() {
		t.Fatalf("the first key after the new one sealed: %v (%+v)", err, ke)
	}
	if _, err := e.openWith(b, nil); err != nil {
		t.Fatalf("the new key: %v", err)
	}
}
