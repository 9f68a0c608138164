package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/jobs"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// receiver is a webhook receiver: it records each request, checks its
// signature with the shared secret as docs/webhooks.md tells a receiver
// to, and answers the statuses queued, then 204.
type receiver struct {
	mu       sync.Mutex
	secret   string
	statuses []int
	got      []received
	srv      *httptest.Server
}

type received struct {
	event, delivery, body string
	signed                bool
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	r := &receiver{statuses: statuses}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		ts, err := strconv.ParseInt(req.Header.Get("X-Pingan-Timestamp"), 10, 64)
		sig := req.Header.Get("X-Pingan-Signature")
		signed := err == nil && req.Header.Get("Content-Type") == "application/json" &&
			sig == "sha256="+pingan.SignWebhook(r.secret, ts, body)
		r.got = append(r.got, received{req.Header.Get("X-Pingan-Event"), req.Header.Get("X-Pingan-Delivery"), string(body), signed})
		status := http.StatusNoContent
		if len(r.statuses) > 0 {
			status, r.statuses = r.statuses[0], r.statuses[1:]
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

// hookEnv is a store with the fixture and a webhook of the county on url.
func hookEnv(t *testing.T, url string) (*store.DB, *storetest.Clock, *storetest.Fixture, *pingan.Webhook, string) {
	t.Helper()
	clock := storetest.NewClock(storetest.Epoch)
	db := storetest.OpenWith(t, store.Options{Clock: clock})
	fx := storetest.Seed(t, db)
	w, secret, err := db.Webhooks.Add(context.Background(), fx.SecAdmin, &pingan.NewWebhook{Name: "接收系统", URL: url,
		Events: []string{"case.*"}, Unit: fx.County.Code, AllowPrivate: true}) // the test's receiver is on 127.0.0.1
	if err != nil {
		t.Fatal(err)
	}
	return db, clock, fx, w, secret
}

func reportCase(t *testing.T, db *store.DB, u *pingan.User) *pingan.Case {
	t.Helper()
	c, err := db.Cases.CreateCase(context.Background(), u, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102",
		Title: "楼上漏水", Description: "楼上住户卫生间漏水", Address: "富康社区3号楼", Location: &pingan.Location{Lat: 39.74, Lng: 98.51},
		Reporter: &pingan.Person{Name: "张三", Phone: "13812345678"}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A receiver that fails twice and then accepts: the delivery log shows
// three attempts, the second 30 s after the first and the third a minute
// after the second; every request is signed so that the receiver verifies
// it; nothing is sent before its retry is due.
func TestWebhooksRetryWithGrowingGaps(t *testing.T) {
	ctx := context.Background()
	r := newReceiver(t, http.StatusInternalServerError, http.StatusServiceUnavailable)
	db, clock, fx, w, secret := hookEnv(t, r.srv.URL+"/pingan")
	r.secret = secret
	c := reportCase(t, db, fx.GridWorker)
	job := &jobs.Webhooks{Outbox: db.Webhooks, Clock: clock, Logger: slog.New(slog.DiscardHandler)}

	delivery := func() *pingan.WebhookDelivery {
		t.Helper()
		ds, err := db.Webhooks.Deliveries(ctx, fx.SecAdmin, w.ID, 0)
		if err != nil || len(ds) != 1 {
			t.Fatalf("deliveries %v, %v", ds, err)
		}
		d, err := db.Webhooks.Delivery(ctx, fx.SecAdmin, ds[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for pass := 1; pass <= 3; pass++ {
		n, err := job.Pass(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(r.requests()); got != pass {
			t.Fatalf("after pass %d the receiver has %d requests", pass, got)
		}
		if n != map[bool]int{true: 1}[pass == 3] {
			t.Errorf("pass %d delivered %d", pass, n)
		}
		d := delivery()
		if pass < 3 {
			if d.State != pingan.DeliveryPending || d.NextAt == nil {
				t.Fatalf("after pass %d: %+v", pass, d)
			}
			// Not due yet: nothing is sent.
			clock.Set(d.NextAt.Add(-time.Second))
			if _, err := job.Pass(ctx); err != nil || len(r.requests()) != pass {
				t.Fatalf("a pass before the retry sent again: %v", err)
			}
			clock.Set(*d.NextAt)
		}
	}
	d := delivery()
	if d.State != pingan.DeliveryDelivered || d.Attempts != 3 || len(d.Log) != 3 || d.LastStatus != http.StatusNoContent {
		t.Fatalf("the delivery %+v", d)
	}
	if d.Log[0].Status != 500 || d.Log[1].Status != 503 || d.Log[2].Status != 204 || d.Log[2].Error != "" || d.Log[0].Error == "" {
		t.Errorf("the attempts %+v %+v %+v", d.Log[0], d.Log[1], d.Log[2])
	}
	gap1, gap2 := d.Log[1].At.Sub(d.Log[0].At), d.Log[2].At.Sub(d.Log[1].At)
	if gap1 != 30*time.Second || gap2 != time.Minute || gap2 <= gap1 {
		t.Errorf("the gaps %v, %v: want 30s, then 1m", gap1, gap2)
	}
	for i, q := range r.requests() {
		if !q.signed {
			t.Errorf("request %d does not verify: %+v", i, q)
		}
		if q.event != "case.created" || q.delivery != strconv.FormatInt(d.ID, 10) || !strings.Contains(q.body, `"number":"`+c.Number+`"`) {
			t.Errorf("request %d: %+v", i, q)
		}
		for _, personal := range []string{"张三", "13812345678", "楼上漏水", "富康社区3号楼"} {
			if strings.Contains(q.body, personal) {
				t.Errorf("request %d carries %q", i, personal)
			}
		}
	}
	// A body signed with another secret does not verify.
	if q := r.requests()[0]; pingan.SignWebhook("another-secret-of-16", 0, []byte(q.body)) == pingan.SignWebhook(secret, 0, []byte(q.body)) {
		t.Error("the signature does not depend on the secret")
	}
}

// A receiver that never accepts: the delivery is tried with growing gaps,
// at most an hour apart, and given up once a retry would fall later than
// a day after the first attempt; then the next event of the case goes.
func TestWebhooksGiveUpAfterADay(t *testing.T) {
	ctx := context.Background()
	r := newReceiver(t)
	r.statuses = make([]int, 200)
	for i := range r.statuses {
		r.statuses[i] = http.StatusBadGateway
	}
	db, clock, fx, w, secret := hookEnv(t, r.srv.URL)
	r.secret = secret
	c := reportCase(t, db, fx.GridWorker)
	if _, err := db.Cases.Act(ctx, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept}); err != nil {
		t.Fatal(err)
	}
	job := &jobs.Webhooks{Outbox: db.Webhooks, Clock: clock, Logger: slog.New(slog.DiscardHandler)}
	start := clock.Now()
	var first *pingan.WebhookDelivery
	for i := 0; i < 100; i++ {
		if _, err := job.Pass(ctx); err != nil {
			t.Fatal(err)
		}
		ds, err := db.Webhooks.Deliveries(ctx, fx.SecAdmin, w.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		first = ds[len(ds)-1]
		if first.State != pingan.DeliveryPending {
			break
		}
		clock.Set(*first.NextAt)
	}
	if first.State != pingan.DeliveryFailed {
		t.Fatalf("not given up: %+v", first)
	}
	d, err := db.Webhooks.Delivery(ctx, fx.SecAdmin, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := d.Log[len(d.Log)-1].At
	if last.Sub(start) > 24*time.Hour || last.Add(time.Hour).Sub(start) <= 23*time.Hour {
		t.Errorf("the last attempt %v after the first", last.Sub(start))
	}
	for i := 1; i < len(d.Log); i++ {
		gap := d.Log[i].At.Sub(d.Log[i-1].At)
		if gap > time.Hour || (i > 1 && gap < d.Log[i-1].At.Sub(d.Log[i-2].At)) {
			t.Errorf("gap %d: %v", i, gap)
		}
	}
	// The accept of the same case was held back, and goes now.
	for _, q := range r.requests() {
		if q.event != "case.created" {
			t.Fatalf("the accept went before the report was given up: %+v", q)
		}
	}
	if _, err := job.Pass(ctx); err != nil {
		t.Fatal(err)
	}
	if got := r.requests(); got[len(got)-1].event != "case.accept" {
		t.Errorf("the next event after giving up: %+v", got[len(got)-1])
	}
	// Its day counts from when it was written, almost a day ago too: it is
	// given up within that day, not a day more behind the report.
	var accept *pingan.WebhookDelivery
	for i := 0; i < 100; i++ {
		ds, err := db.Webhooks.Deliveries(ctx, fx.SecAdmin, w.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if accept = ds[0]; accept.State != pingan.DeliveryPending {
			break
		}
		clock.Set(*accept.NextAt)
		if _, err := job.Pass(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if accept.Event != "case.accept" || accept.State != pingan.DeliveryFailed || accept.LastAt.After(accept.CreatedAt.Add(24*time.Hour)) {
		t.Errorf("the accept waited a day behind the report: %+v", accept)
	}
}

// A receiver that hangs holds up its delivery, never a report: a case is
// filed while the sender waits for the receiver.
func TestWebhooksHangingReceiverDoesNotBlockIntake(t *testing.T) {
	ctx := context.Background()
	arrived, release := make(chan struct{}, 10), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release
	}))
	t.Cleanup(srv.Close)
	db, clock, fx, _, _ := hookEnv(t, srv.URL)
	reportCase(t, db, fx.GridWorker)
	job := &jobs.Webhooks{Outbox: db.Webhooks, Clock: clock, Timeout: time.Minute, Logger: slog.New(slog.DiscardHandler)}
	done := make(chan error)
	go func() {
		_, err := job.Pass(ctx)
		done <- err
	}()
	<-arrived // the sender is stuck on the receiver now
	c := reportCase(t, db, fx.GridWorker)
	if _, err := db.Cases.Act(ctx, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept}); err != nil {
		t.Fatal(err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// The client of a webhook that does not allow private addresses refuses
// to connect to one, whatever the name resolved to; the client of one that
// allows them connects.
func TestWebhookClientRefusesPrivateAddresses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(srv.Close)
	for _, u := range []string{srv.URL, strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)} {
		_, err := jobs.WebhookClient(false, 5*time.Second).Post(u, "application/json", strings.NewReader("{}"))
		if !errors.Is(err, jobs.ErrPrivateAddress) {
			t.Errorf("%s: %v, want the refusal", u, err)
		}
	}
	res, err := jobs.WebhookClient(true, 5*time.Second).Post(srv.URL, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
}
