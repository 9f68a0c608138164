package mqtt_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/mqtt"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// The subscriber against a real broker: Debian's mosquitto at
// 127.0.0.1:1883 (PINGAN_TEST_MQTT to use another), which .ci/run starts.
// Without it the test skips, saying so; under CI it fails.

const defaultBroker = "tcp://127.0.0.1:1883"

func broker(t *testing.T) string {
	t.Helper()
	b := defaultBroker
	if env := os.Getenv("PINGAN_TEST_MQTT"); env != "" {
		b = env
	}
	u, _ := url.Parse(b)
	c, err := net.DialTimeout("tcp", u.Host, 2*time.Second)
	if err != nil {
		msg := fmt.Sprintf("no MQTT broker at %s (install and start Debian's mosquitto, or set PINGAN_TEST_MQTT): %v", b, err)
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	c.Close()
	return b
}

// waitFor polls cond until it holds, failing after a generous minute.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(time.Minute); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("waiting for %s", what)
}

func monitorActor() *pingan.User {
	return &pingan.User{Username: "mqtt", Name: "监测消息订阅", Roles: []pingan.Role{pingan.RoleMonitor}, ScopePath: "/"}
}

func TestSubscriberStoresReadings(t *testing.T) {
	b := broker(t)
	ctx := context.Background()
	clock := storetest.NewClock(storetest.Epoch)
	db := storetest.OpenWith(t, store.Options{Clock: clock, Logger: slog.New(slog.DiscardHandler)})
	fx := storetest.Seed(t, db)
	storetest.SeedGrids(t, db, fx)
	site, err := db.Sites.AddSite(ctx, fx.CountyDispatcher, &pingan.NewSite{Name: "富康燃气储配站", Type: "hazard_source", Level: 2,
		Location: &pingan.Location{Lat: 39.755, Lng: 98.505}, Department: fx.CountyHousing.Code})
	if err != nil {
		t.Fatal(err)
	}
	alarm := 50.0
	sensor, err := db.Monitor.SaveSensor(ctx, fx.CountyDispatcher, &pingan.Sensor{Site: site.ID, Code: "MQ-1", Name: "储罐可燃气体",
		Quantity: pingan.QuantityGasLEL, Thresholds: pingan.Thresholds{AlarmHigh: &alarm}, Target: pingan.AlarmToNone})
	if err != nil {
		t.Fatal(err)
	}
	topic := fmt.Sprintf("pingan-test/%d/readings", time.Now().UnixNano())
	sub, err := mqtt.Start(ctx, mqtt.Config{Broker: b, Topic: topic + "/#", Monitor: db.Monitor, Actor: monitorActor(), Clock: clock,
		Logger: slog.New(slog.DiscardHandler), ClientID: clientID()})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close(ctx)
	waitFor(t, "the subscription", func() bool { return sub.State().Status == mqtt.Up })

	pub := publisher(t, b)
	at := clock.Now().Add(-time.Hour)
	msg := func(code string, i int, v string) string {
		return fmt.Sprintf(`{"readings":[{"sensor":%q,"at":%q,"value":%s}]}`, code, at.Add(time.Duration(i)*time.Second).Format(time.RFC3339), v)
	}
	for _, payload := range []string{
		msg("MQ-1", 0, "12.5"),
		`{"readings":[`,       // not JSON
		msg("MQ-1", 1, `"x"`), // not a number
		msg("MQ-404", 2, "1"), // an unknown sensor
		msg("MQ-1", 3, "13"),
		msg("MQ-1", 3, "13"), // a duplicate
	} {
		if _, err := pub.Publish(ctx, &paho.Publish{Topic: topic + "/site-1", QoS: 1, Payload: []byte(payload)}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "six messages handled", func() bool {
		st := sub.State()
		return st.Messages == 6 && st.Readings+st.Dupes+st.Refused == 6
	})
	st := sub.State()
	if st.Readings != 2 || st.Dupes != 1 || st.Refused != 3 {
		t.Errorf("state: %+v", st)
	}
	got, err := db.Monitor.FindSensor(ctx, fx.CountyDispatcher, sensor.ID)
	if err != nil || got.LastValue == nil || *got.LastValue != 13 {
		t.Errorf("the sensor after the messages: %+v %v", got, err)
	}
}

// TestSubscriberBrokerDown: with no broker the subscriber reports down,
// keeps trying, and closes cleanly.
func TestSubscriberBrokerDown(t *testing.T) {
	ctx := context.Background()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	db := storetest.Open(t)
	sub, err := mqtt.Start(ctx, mqtt.Config{Broker: "tcp://" + addr, Topic: "pingan/readings/#", Monitor: db.Monitor, Actor: monitorActor(),
		ClientID: clientID(), Logger: slog.New(slog.DiscardHandler), Backoff: func(int) time.Duration { return 10 * time.Millisecond }})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the state down", func() bool { st := sub.State(); return st.Status == mqtt.Down && st.LastError != "" })
	if err := sub.Close(ctx); err != nil {
		t.Errorf("close: %v", err)
	}
	if _, err := mqtt.Start(ctx, mqtt.Config{Broker: "http://x", Topic: "t", Monitor: db.Monitor, Actor: monitorActor()}); err == nil {
		t.Error("an http broker is accepted")
	}
}

// publisher connects a plain client to the broker.
func publisher(t *testing.T, b string) *autopaho.ConnectionManager {
	t.Helper()
	u, _ := url.Parse(b)
	u.Scheme = "mqtt"
	ctx, cancel := context.WithCancel(context.Background())
	cm, err := autopaho.NewConnection(ctx, autopaho.ClientConfig{ServerUrls: []*url.URL{u}, KeepAlive: 30,
		ClientConfig: paho.ClientConfig{ClientID: fmt.Sprintf("pingan-test-pub-%d", time.Now().UnixNano())}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cm.Disconnect(context.Background()); cancel() })
	if err := cm.AwaitConnection(ctx); err != nil {
		t.Fatal(err)
	}
	return cm
}

// clientID is a client id of its own for a test's subscriber.
func clientID() string { return fmt.Sprintf("pingan-test-sub-%d", time.Now().UnixNano()) }

// fixture is a database with a gas sensor MQ-1 at a key site.
type fixture struct {
	db     *store.DB
	clock  *storetest.Clock
	sensor *pingan.Sensor
	fx     *storetest.Fixture
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	clock := storetest.NewClock(storetest.Epoch)
	db := storetest.OpenWith(t, store.Options{Clock: clock, Logger: slog.New(slog.DiscardHandler)})
	fx := storetest.Seed(t, db)
	storetest.SeedGrids(t, db, fx)
	site, err := db.Sites.AddSite(ctx, fx.CountyDispatcher, &pingan.NewSite{Name: "富康燃气储配站", Type: "hazard_source", Level: 2,
		Location: &pingan.Location{Lat: 39.755, Lng: 98.505}, Department: fx.CountyHousing.Code})
	if err != nil {
		t.Fatal(err)
	}
	alarm := 50.0
	sensor, err := db.Monitor.SaveSensor(ctx, fx.CountyDispatcher, &pingan.Sensor{Site: site.ID, Code: "MQ-1", Name: "储罐可燃气体",
		Quantity: pingan.QuantityGasLEL, Thresholds: pingan.Thresholds{AlarmHigh: &alarm}, Target: pingan.AlarmToNone})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{db: db, clock: clock, sensor: sensor, fx: fx}
}

// reading is a message of one reading of MQ-1, i seconds past an hour ago.
func (f *fixture) reading(i int, v float64) []byte {
	at := f.clock.Now().Add(-time.Hour).Add(time.Duration(i) * time.Second)
	return fmt.Appendf(nil, `{"readings":[{"sensor":"MQ-1","at":%q,"value":%g}]}`, at.Format(time.RFC3339), v)
}

// flaky stores through the database, failing its first calls as a busy
// database does, and, with a gate, holding its first call until the gate
// opens or the subscriber's context ends.
type flaky struct {
	pingan.MonitorService
	mu    sync.Mutex
	fail  int // calls left to fail
	calls int
	gate  chan struct{}
}

func (f *flaky) Ingest(ctx context.Context, actor *pingan.User, rs []pingan.Reading) (pingan.IngestResult, error) {
	f.mu.Lock()
	f.calls++
	first, failing := f.calls == 1, f.fail > 0
	if failing {
		f.fail--
	}
	f.mu.Unlock()
	if first && f.gate != nil {
		select {
		case <-f.gate:
		case <-ctx.Done():
			return pingan.IngestResult{}, ctx.Err()
		}
	}
	if failing {
		return pingan.IngestResult{}, errors.New("database is locked (SQLITE_BUSY)")
	}
	return f.MonitorService.Ingest(ctx, actor, rs)
}

func (f *flaky) failNext(n int) {
	f.mu.Lock()
	f.fail = n
	f.mu.Unlock()
}

// TestSubscriberRetriesStoreErrors: a reading the database fails to store
// is stored on a later attempt; when every attempt fails, the message is
// not acknowledged, and the broker sends it again after the reconnect.
// Nothing is counted refused.
func TestSubscriberRetriesStoreErrors(t *testing.T) {
	b := broker(t)
	ctx := context.Background()
	f := newFixture(t)
	mon := &flaky{MonitorService: f.db.Monitor, fail: 2}
	topic := fmt.Sprintf("pingan-test/%d/readings", time.Now().UnixNano())
	sub, err := mqtt.Start(ctx, mqtt.Config{Broker: b, Topic: topic, Monitor: mon, Actor: monitorActor(), Clock: f.clock,
		Logger: slog.New(slog.DiscardHandler), ClientID: clientID(), Backoff: func(int) time.Duration { return 10 * time.Millisecond },
		StoreRetry: []time.Duration{time.Millisecond, time.Millisecond, time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close(ctx)
	waitFor(t, "the subscription", func() bool { return sub.State().Status == mqtt.Up })
	pub := publisher(t, b)
	send := func(payload []byte) {
		t.Helper()
		if _, err := pub.Publish(ctx, &paho.Publish{Topic: topic, QoS: 1, Payload: payload}); err != nil {
			t.Fatal(err)
		}
	}
	send(f.reading(0, 12.5)) // fails twice, then stored
	waitFor(t, "the reading stored on its third attempt", func() bool { return sub.State().Readings == 1 })
	mon.failNext(6) // more than the four attempts: given up, sent again
	send(f.reading(1, 13))
	waitFor(t, "the reading stored after the broker sent it again", func() bool { return sub.State().Readings == 2 })
	st := sub.State()
	if st.Refused != 0 || st.Messages < 3 {
		t.Errorf("state: %+v; want nothing refused, the second message received twice", st)
	}
	got, err := f.db.Monitor.FindSensor(ctx, f.fx.CountyDispatcher, f.sensor.ID)
	if err != nil || got.LastValue == nil || *got.LastValue != 13 {
		t.Errorf("the sensor: %+v %v", got, err)
	}
}

// TestSubscriberCloseDrains: Close stores every message already taken,
// acknowledged before it disconnects; the session, kept under the same
// client id, brings a message sent while pingan was down to the next start
// and none of those stored again.
func TestSubscriberCloseDrains(t *testing.T) {
	b := broker(t)
	ctx := context.Background()
	f := newFixture(t)
	gate := make(chan struct{})
	mon := &flaky{MonitorService: f.db.Monitor, gate: gate}
	topic := fmt.Sprintf("pingan-test/%d/readings", time.Now().UnixNano())
	id := clientID()
	cfg := mqtt.Config{Broker: b, Topic: topic, Monitor: mon, Actor: monitorActor(), Clock: f.clock,
		Logger: slog.New(slog.DiscardHandler), ClientID: id}
	sub, err := mqtt.Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the subscription", func() bool { return sub.State().Status == mqtt.Up })
	pub := publisher(t, b)
	send := func(payload []byte) {
		t.Helper()
		if _, err := pub.Publish(ctx, &paho.Publish{Topic: topic, QoS: 1, Payload: payload}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 5 {
		send(f.reading(i, float64(10+i)))
	}
	// The first is held in the database, the others queued behind it.
	waitFor(t, "five messages taken", func() bool { return sub.State().Messages == 5 })
	mqtt.OnClosing(sub, func() { close(gate) })
	if err := sub.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if st := sub.State(); st.Readings != 5 || st.Refused != 0 {
		t.Fatalf("after Close: %+v, want the five readings stored", st)
	}
	send(f.reading(5, 15)) // while pingan is down
	cfg.Monitor = f.db.Monitor
	again, err := mqtt.Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close(ctx)
	waitFor(t, "the message sent meanwhile", func() bool { return again.State().Readings == 1 })
	send(f.reading(6, 16)) // after it: once it is in, whatever the broker had is
	waitFor(t, "the next message", func() bool { st := again.State(); return st.Readings+st.Dupes == 2 })
	if st := again.State(); st.Messages != 2 || st.Dupes != 0 {
		t.Errorf("the next start: %+v, want the two new messages only", st)
	}
}
