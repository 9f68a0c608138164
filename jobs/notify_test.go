package jobs_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/jobs"
	"github.com/pingan-gov/pingan/notify"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// gateway is a local receiver of notices: it records each body and answers
// the statuses queued, then 200.
type gateway struct {
	mu       sync.Mutex
	bodies   []string
	statuses []int
	srv      *httptest.Server
}

func newGateway(t *testing.T, statuses ...int) *gateway {
	g := &gateway{statuses: statuses}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		g.mu.Lock()
		g.bodies = append(g.bodies, string(b))
		status := http.StatusOK
		if len(g.statuses) > 0 {
			status, g.statuses = g.statuses[0], g.statuses[1:]
		}
		g.mu.Unlock()
		w.WriteHeader(status)
		io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
	}))
	t.Cleanup(g.srv.Close)
	return g
}

func (g *gateway) received() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.bodies...)
}

// The outbox job sends each notice once; a notice the far end refuses
// with a 500 is logged and sent again after its backoff, never blocking
// the others; the citizen's text message carries the case number and no
// other personal data, and the phone is never logged whole.
func TestOutboxSendsOnceAndRetries(t *testing.T) {
	clock := storetest.NewClock(storetest.Epoch)
	db := storetest.OpenWith(t, store.Options{Clock: clock})
	fx := storetest.Seed(t, db)
	ctx := context.Background()
	db.Notifications.SetChannels(pingan.ChannelWeCom, pingan.ChannelSMS)

	robot := newGateway(t, http.StatusInternalServerError)
	sms := newGateway(t)
	smsSender, err := notify.NewSMS(notify.SMSConfig{URL: sms.srv.URL + "/send",
		Body: `{"phone":{{json .Phone}},"text":{{json .Text}}}`}, "--sms-url", "--sms-body")
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	job := &jobs.Outbox{Outbox: db.Notifications, Clock: clock, Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		Sender: notify.Channels{pingan.ChannelWeCom: &notify.WeCom{URL: robot.srv.URL}, pingan.ChannelSMS: smsSender}}

	reporter := pingan.Person{Role: "reporter", Name: "王小明", Phone: "13912345678", IDNumber: "620902199001011234"}
	c, err := db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102",
		Title: "楼上漏水邻里纠纷", Description: "王小明家卫生间漏水", Address: "富康社区3号楼", Unit: fx.Village.Code, Reporter: &reporter})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []pingan.ActionInput{{Action: pingan.ActAccept}, {Action: pingan.ActDispatch, ToUnit: fx.CountyHousing.Code}} {
		if _, err := db.Cases.Act(ctx, fx.CountyDispatcher, c.ID, in); err != nil {
			t.Fatal(err)
		}
	}

	sent, err := job.Pass(ctx)
	if err != nil || sent != 1 {
		t.Fatalf("first pass: %d sent, %v", sent, err)
	}
	texts := sms.received()
	if len(texts) != 1 {
		t.Fatalf("the gateway got %d messages", len(texts))
	}
	want := `{"phone":"13912345678","text":"` + pingan.Text(pingan.ZH, "notify.sms.accepted", c.Number) + `"}`
	if texts[0] != want {
		t.Errorf("text message %s, want %s", texts[0], want)
	}
	for _, bad := range []string{reporter.Name, reporter.IDNumber, c.Title, c.Description, c.Address} {
		if strings.Contains(texts[0], bad) || strings.Contains(robot.received()[0], bad) {
			t.Errorf("a notice carries %q", bad)
		}
	}
	if len(robot.received()) != 1 || !strings.Contains(logs.String(), "will try again") {
		t.Fatalf("the robot's 500 was not tried and logged: %d requests, log %s", len(robot.received()), logs.String())
	}

	// Nothing is due again before the backoff.
	if sent, err := job.Pass(ctx); err != nil || sent != 0 || len(robot.received()) != 1 || len(sms.received()) != 1 {
		t.Fatalf("second pass at once: %d sent, %v; robot %d, gateway %d", sent, err, len(robot.received()), len(sms.received()))
	}
	clock.Advance(jobs.Backoff(1))
	if sent, err := job.Pass(ctx); err != nil || sent != 1 || len(robot.received()) != 2 || len(sms.received()) != 1 {
		t.Fatalf("after the backoff: %d sent, %v; robot %d, gateway %d", sent, err, len(robot.received()), len(sms.received()))
	}
	clock.Advance(time.Hour)
	if sent, _ := job.Pass(ctx); sent != 0 || len(robot.received()) != 2 || len(sms.received()) != 1 {
		t.Fatalf("a notice was sent twice: robot %d, gateway %d", len(robot.received()), len(sms.received()))
	}
	rows, err := db.Notifications.Outbox(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.SentAt == nil || r.NextAt != nil {
			t.Errorf("notice %+v not recorded sent", r)
		}
	}
	if strings.Contains(logs.String(), "13912345678") {
		t.Errorf("the phone is in the log: %s", logs.String())
	}
}

// A notice refused every time is given up after MaxAttempts, with an error
// in the log naming the masked phone only.
func TestOutboxGivesUp(t *testing.T) {
	clock := storetest.NewClock(storetest.Epoch)
	db := storetest.OpenWith(t, store.Options{Clock: clock})
	fx := storetest.Seed(t, db)
	ctx := context.Background()
	db.Notifications.SetChannels(pingan.ChannelSMS)
	sms := newGateway(t, 500, 500, 500)
	sender, err := notify.NewSMS(notify.SMSConfig{URL: sms.srv.URL, Body: `{{.Phone}} {{.Text}}`, ContentType: "text/plain"}, "--sms-url", "--sms-body")
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	job := &jobs.Outbox{Outbox: db.Notifications, Clock: clock, MaxAttempts: 3, Logger: slog.New(slog.NewTextHandler(&logs, nil)), Sender: sender}
	c, err := db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102",
		Title: "噪音扰民", Description: "夜间施工", Unit: fx.Village.Code, Reporter: &pingan.Person{Phone: "13700001111"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Cases.Act(ctx, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept}); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if _, err := job.Pass(ctx); err != nil {
			t.Fatal(err)
		}
		clock.Advance(2 * time.Hour)
	}
	if n := len(sms.received()); n != 3 {
		t.Errorf("tried %d times, want 3", n)
	}
	if !strings.Contains(logs.String(), "notice given up") || !strings.Contains(logs.String(), "137****1111") ||
		strings.Contains(logs.String(), "13700001111") {
		t.Errorf("log: %s", logs.String())
	}
}

// The sign deadline job reminds the unit once per deadline.
func TestSignDuePass(t *testing.T) {
	clock := storetest.NewClock(storetest.Epoch)
	db := storetest.OpenWith(t, store.Options{Clock: clock})
	fx := storetest.Seed(t, db)
	ctx := context.Background()
	c, err := db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102",
		Title: "噪音扰民", Description: "夜间施工", Unit: fx.Village.Code})
	if err != nil {
		t.Fatal(err)
	}
	db.Cases.Act(ctx, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	d, err := db.Cases.Act(ctx, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.CountyHousing.Code})
	if err != nil {
		t.Fatal(err)
	}
	job := &jobs.SignDue{Notifier: db.Notifications, Clock: clock, Within: 2 * time.Hour, Logger: slog.New(slog.DiscardHandler)}
	if n, err := job.Pass(ctx); err != nil || n != 0 {
		t.Fatalf("a day early: %d, %v", n, err)
	}
	clock.Set(d.SignBy.Add(-time.Hour))
	for want := range []int{1, 0} {
		if n, err := job.Pass(ctx); err != nil || n != 1-want {
			t.Fatalf("pass %d: %d, %v", want+1, n, err)
		}
	}
	if n, _ := db.Notifications.Unread(ctx, fx.CountyHandler); n != 2 {
		t.Errorf("the handler has %d unread, want the dispatch and the reminder", n)
	}
}
