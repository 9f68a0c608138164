package store_test

import (
	"context"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pingan-gov/pingan"
)

// Tests of webhooks (事件推送): the outbox written in the event's
// transaction, one delivery per webhook that wants the event in its
// subtree; claims in order per subject with a lease; the attempts, the
// backoff's states and giving up; resending. They run on both databases.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"WebhookOutboxInTheEventsTransaction", testWebhookOutbox},
		{"WebhookClaimsInOrder", testWebhookClaimsInOrder},
		{"WebhookResend", testWebhookResend},
		{"WebhookRefusedAndScoped", testWebhookRefusedAndScoped},
		{"WebhookAttemptBadBytes", testWebhookAttemptBadBytes},
		{"WebhookResolveOutsideTheWrite", testWebhookResolveOutsideTheWrite},
		{"WebhookLateResultFenced", testWebhookLateResultFenced},
	}...)
}

// publicResolver resolves every host to a public address.
func publicResolver(context.Context, string) ([]netip.Addr, error) {
	return []netip.Addr{netip.MustParseAddr("203.0.113.7")}, nil
}

func (e *env) addWebhook(t *testing.T, name, unit string, events ...string) *pingan.Webhook {
	t.Helper()
	e.db.Webhooks.SetResolver(publicResolver)
	w, secret, err := e.db.Webhooks.Add(ctx, e.fx.SecAdmin, &pingan.NewWebhook{Name: name, URL: "https://hooks.example.org/" + name,
		Events: events, Unit: unit})
	if err != nil {
		t.Fatalf("add webhook %s: %v", name, err)
	}
	if !strings.HasPrefix(secret, "whsec_") || len(secret) < 30 {
		t.Fatalf("secret %q", secret)
	}
	return w
}

// deliveries answers the events of the webhook's deliveries, oldest first.
func (e *env) deliveries(t *testing.T, w *pingan.Webhook) []*pingan.WebhookDelivery {
	t.Helper()
	ds, err := e.db.Webhooks.Deliveries(ctx, e.fx.SecAdmin, w.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(ds)-1; i < j; i, j = i+1, j-1 {
		ds[i], ds[j] = ds[j], ds[i]
	}
	return ds
}

func events(ds []*pingan.WebhookDelivery) string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Event)
	}
	return strings.Join(out, ",")
}

// An event writes one delivery for each webhook that wants it and whose
// subtree holds the case, in the event's own transaction: a report rolled
// back (its idempotency key used already) and a refused action write
// none; a webhook of another county, or of other events, gets none.
func testWebhookOutbox(t *testing.T, e *env) {
	fx := e.fx
	c0 := e.report(t, fx.GridWorker, "") // before any webhook: nothing
	county := e.addWebhook(t, "county", fx.County.Code, "case.*")
	other := e.addWebhook(t, "other", fx.OtherCounty.Code, "case.*")
	closing := e.addWebhook(t, "closing", fx.Township.Code, "case.closed", "case.overdue")
	risks := e.addWebhook(t, "risks", fx.County.Code, "risk.*")

	c := e.report(t, fx.GridWorker, "", func(n *pingan.NewCase) { n.IdempotencyKey = "k-1" })
	again := e.report(t, fx.GridWorker, "", func(n *pingan.NewCase) { n.IdempotencyKey = "k-1" })
	if again.ID != c.ID {
		t.Fatalf("the key answered %s, want %s", again.ID, c.ID)
	}
	if _, err := e.db.Cases.Act(ctx, fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActClose}); err == nil {
		t.Fatal("a handler closed a reported case")
	}
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	e.act(t, fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActSign})
	e.act(t, fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActResolve, Result: "已修复"})
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActClose})

	ds := e.deliveries(t, county)
	if got := events(ds); got != "case.created,case.accept,case.dispatch,case.sign,case.resolve,case.closed" {
		t.Errorf("the county's deliveries: %s", got)
	}
	for _, d := range ds {
		if d.Subject != c.Number || d.State != pingan.DeliveryPending || d.Attempts != 0 {
			t.Errorf("delivery %+v", d)
		}
	}
	if got := events(e.deliveries(t, other)); got != "" {
		t.Errorf("the other county's webhook got %s", got)
	}
	if got := events(e.deliveries(t, closing)); got != "case.closed" {
		t.Errorf("the closing webhook got %s", got)
	}
	if got := events(e.deliveries(t, risks)); got != "" {
		t.Errorf("the risks' webhook got %s", got)
	}
	_ = c0

	// The body: the case's codes, states and times, the action; nothing
	// personal, no title, no description, no note.
	claimed, err := e.db.Webhooks.ClaimDeliveries(ctx, e.clock.Now(), time.Minute, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(claimed) != 2 { // the first of each webhook and subject
		t.Fatalf("claimed %d, want 2", len(claimed))
	}
	var body struct {
		ID     int64  `json:"id"`
		Event  string `json:"event"`
		Case   map[string]any
		Action map[string]any
	}
	d := claimed[0]
	if err := json.Unmarshal(d.Body, &body); err != nil {
		t.Fatalf("%s: %v", d.Body, err)
	}
	if body.ID != d.ID || body.Event != "case.created" || body.Case["number"] != c.Number || body.Case["status"] != "reported" ||
		body.Action["action"] != "report" || body.Action["to_status"] != "reported" {
		t.Errorf("body %s", d.Body)
	}
	for _, secret := range []string{c.Title, c.Description, c.Address, "楼上", "富康社区3号楼", "reporter", "parties", "note"} {
		if strings.Contains(string(d.Body), secret) {
			t.Errorf("the body holds %q: %s", secret, d.Body)
		}
	}
	if d.URL != "https://hooks.example.org/county" || !strings.HasPrefix(d.Secret, "whsec_") {
		t.Errorf("claimed %s with secret %q", d.URL, d.Secret)
	}

	// A risk's step is an event of the ledger too.
	r, err := e.db.Risks.RegisterRisk(ctx, fx.CountyDispatcher, redRisk(e))
	if err != nil {
		t.Fatal(err)
	}
	rs := e.deliveries(t, risks)
	if events(rs) != "risk.register" || len(rs) != 1 || rs[0].Subject != "risk/"+itoa(r.ID) {
		t.Errorf("the risks' webhook got %s (%v)", events(rs), rs)
	}

	// A task's too, matched on its lead unit's subtree.
	tasks := e.addWebhook(t, "tasks", fx.Township.Code, "task.issue")
	k := new13710(t, e)
	if ts := e.deliveries(t, tasks); events(ts) != "task.issue" || ts[0].Subject != "task/"+itoa(k.ID) {
		t.Errorf("the tasks' webhook got %s", events(ts))
	}

	// The deadline watch's mark: case.overdue, before the escalation.
	late := e.report(t, fx.GridWorker, "")
	now := late.ResolveBy.Add(time.Hour)
	e.clock.Set(now)
	if _, err := e.db.Cases.EscalateDue(ctx, now, 100); err != nil {
		t.Fatal(err)
	}
	var lateEvents []string
	for _, d := range e.deliveries(t, county) {
		if d.Subject != late.Number {
			continue
		}
		lateEvents = append(lateEvents, d.Event)
		if d.Event != pingan.EventCaseOverdue {
			continue
		}
		// The overdue event shows the case as the deadline found it: not
		// yet escalated.
		var body string
		if err := e.raw(t).QueryRowContext(ctx, `SELECT payload FROM webhook_deliveries WHERE id = $1`, d.ID).Scan(&body); err != nil {
			t.Fatal(err)
		}
		var b struct {
			Case struct {
				EscalationLevel int    `json:"escalation_level"`
				Overdue         bool   `json:"overdue"`
				Status          string `json:"status"`
			} `json:"case"`
		}
		if err := json.Unmarshal([]byte(body), &b); err != nil || b.Case.EscalationLevel != 0 || !b.Case.Overdue || b.Case.Status != string(late.Status) {
			t.Errorf("the overdue event's case: %+v %v\n%s", b.Case, err, body)
		}
	}
	if got := strings.Join(lateEvents, ","); got != "case.created,case.overdue,case.escalated" {
		t.Errorf("the overdue case's events: %s", got)
	}

	// A disabled webhook gets nothing more.
	if err := e.db.Webhooks.SetActive(ctx, fx.SecAdmin, county.ID, false); err != nil {
		t.Fatal(err)
	}
	n := len(e.deliveries(t, county))
	e.report(t, fx.GridWorker, "")
	if len(e.deliveries(t, county)) != n {
		t.Error("a disabled webhook got a delivery")
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// Deliveries of one webhook and subject go out one after the other: the
// next is claimed only when the one before is delivered or given up. A
// claim holds a delivery for its lease; a failure is due again at its
// retry; every attempt is logged.
func testWebhookClaimsInOrder(t *testing.T, e *env) {
	fx := e.fx
	w := e.addWebhook(t, "all", fx.City.Code, "*")
	x := e.report(t, fx.GridWorker, "")
	e.report(t, fx.GridWorker, "") // y
	e.act(t, fx.TownshipDispatcher, x.ID, pingan.ActionInput{Action: pingan.ActAccept})
	ds := e.deliveries(t, w)
	if len(ds) != 3 {
		t.Fatalf("%d deliveries", len(ds))
	}
	x1, y1, x2 := ds[0], ds[1], ds[2]
	now := e.clock.Now()
	token := map[int64]string{} // each delivery's latest claim
	claim := func(at time.Time) []int64 {
		t.Helper()
		got, err := e.db.Webhooks.ClaimDeliveries(ctx, at, time.Minute, 10)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, d := range got {
			ids = append(ids, d.ID)
			token[d.ID] = d.Claim
		}
		return ids
	}
	same := func(got []int64, want ...int64) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("claimed %v, want %v", got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("claimed %v, want %v", got, want)
			}
		}
	}
	same(claim(now), x1.ID, y1.ID)
	same(claim(now)) // leased
	attempt := func(at time.Time, status int, msg string) *pingan.WebhookAttempt {
		return &pingan.WebhookAttempt{At: at, Status: status, Error: msg, Duration: 120 * time.Millisecond}
	}
	if err := e.db.Webhooks.DeliveryFailed(ctx, x1.ID, token[x1.ID], attempt(now, 503, "503 Service Unavailable"), now.Add(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := e.db.Webhooks.Delivered(ctx, y1.ID, token[y1.ID], attempt(now, 200, "")); err != nil {
		t.Fatal(err)
	}
	same(claim(now.Add(10 * time.Second))) // x1 waits for its retry, x2 for x1
	same(claim(now.Add(31*time.Second)), x1.ID)
	if err := e.db.Webhooks.DeliveryFailed(ctx, x1.ID, token[x1.ID], attempt(now.Add(31*time.Second), 0, "connection refused"), time.Time{}); err != nil {
		t.Fatal(err)
	}
	same(claim(now.Add(32*time.Second)), x2.ID) // given up: the next of its subject goes
	if err := e.db.Webhooks.Delivered(ctx, x2.ID, token[x2.ID], attempt(now.Add(33*time.Second), 204, "")); err != nil {
		t.Fatal(err)
	}
	same(claim(now.Add(time.Hour)))

	got, err := e.db.Webhooks.Delivery(ctx, fx.SecAdmin, x1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != pingan.DeliveryFailed || got.Attempts != 2 || len(got.Log) != 2 || got.NextAt != nil ||
		got.LastStatus != 0 || got.LastError != "connection refused" || !got.FirstAt.Equal(now) {
		t.Errorf("the given-up delivery %+v", got)
	}
	if got.Log[0].Status != 503 || got.Log[1].Error != "connection refused" || got.Log[0].Duration != 120*time.Millisecond {
		t.Errorf("its attempts %+v %+v", got.Log[0], got.Log[1])
	}
	states := map[int64]string{}
	for _, d := range e.deliveries(t, w) {
		states[d.ID] = d.State
	}
	if states[x1.ID] != "failed" || states[y1.ID] != "delivered" || states[x2.ID] != "delivered" {
		t.Errorf("states %v", states)
	}

	// A disabled webhook's deliveries wait.
	z := e.report(t, fx.GridWorker, "")
	_ = z
	if err := e.db.Webhooks.SetActive(ctx, fx.SecAdmin, w.ID, false); err != nil {
		t.Fatal(err)
	}
	same(claim(now.Add(2 * time.Hour)))
	if err := e.db.Webhooks.SetActive(ctx, fx.SecAdmin, w.ID, true); err != nil {
		t.Fatal(err)
	}
	if len(claim(now.Add(2*time.Hour))) != 1 {
		t.Error("an enabled webhook's delivery is not claimed")
	}
}

// A delivered or failed delivery is queued again as a new pending
// delivery with the same body; a pending one is not.
func testWebhookResend(t *testing.T, e *env) {
	fx := e.fx
	w := e.addWebhook(t, "county", fx.County.Code, "case.created")
	e.report(t, fx.GridWorker, "")
	now := e.clock.Now()
	first, err := e.db.Webhooks.ClaimDeliveries(ctx, now, time.Minute, 10)
	if err != nil || len(first) != 1 {
		t.Fatalf("claimed %v, %v", first, err)
	}
	d := first[0]
	if _, err := e.db.Webhooks.Resend(ctx, fx.SecAdmin, d.ID); pingan.ErrorCode(err) != pingan.ECONFLICT {
		t.Fatalf("resend of a pending delivery: %v", err)
	}
	if err := e.db.Webhooks.Delivered(ctx, d.ID, d.Claim, &pingan.WebhookAttempt{At: now, Status: 200}); err != nil {
		t.Fatal(err)
	}
	again, err := e.db.Webhooks.Resend(ctx, fx.SecAdmin, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if again.ResendOf != d.ID || again.State != pingan.DeliveryPending || again.ID == d.ID {
		t.Errorf("resent %+v", again)
	}
	// A second click while the resend waits makes no second copy.
	if _, err := e.db.Webhooks.Resend(ctx, fx.SecAdmin, d.ID); pingan.ErrorCode(err) != pingan.ECONFLICT {
		t.Errorf("a second resend while the first waits: %v", err)
	}
	second, err := e.db.Webhooks.ClaimDeliveries(ctx, now.Add(time.Second), time.Minute, 10)
	if err != nil || len(second) != 1 || second[0].ID != again.ID {
		t.Fatalf("claimed %v, %v", second, err)
	}
	trim := func(b []byte) string { return string(b[strings.Index(string(b), ","):]) }
	if trim(second[0].Body) != trim(d.Body) || !strings.Contains(string(second[0].Body), `"id":`+itoa(again.ID)+",") {
		t.Errorf("the resent body %s, first %s", second[0].Body, d.Body)
	}
	ds := e.deliveries(t, w)
	if len(ds) != 2 || ds[0].State != pingan.DeliveryDelivered || ds[1].ResendOf != d.ID {
		t.Errorf("the log after a resend: %+v", ds)
	}
}

// Bad input is refused naming the field; webhooks of another county are
// out of a county administrator's sight, as they do not exist; only
// administrators register them.
func testWebhookRefusedAndScoped(t *testing.T, e *env) {
	fx := e.fx
	e.db.Webhooks.SetResolver(func(_ context.Context, host string) ([]netip.Addr, error) {
		if host == "intranet.city" {
			return []netip.Addr{netip.MustParseAddr("10.0.0.8")}, nil
		}
		return publicResolver(ctx, host)
	})
	_, _, err := e.db.Webhooks.Add(ctx, fx.SecAdmin, &pingan.NewWebhook{Name: "x", URL: "ftp://hooks.example.org/", Events: []string{"case.*"},
		Unit: fx.County.Code})
	wantKey(t, wantCode(t, err, pingan.EINVALID), "url", "webhook.url.scheme")
	_, _, err = e.db.Webhooks.Add(ctx, fx.SecAdmin, &pingan.NewWebhook{Name: "x", URL: "http://intranet.city/in", Events: []string{"case.*"},
		Unit: fx.County.Code})
	wantKey(t, wantCode(t, err, pingan.EINVALID), "url", "webhook.url.private")
	_, _, err = e.db.Webhooks.Add(ctx, fx.SecAdmin, &pingan.NewWebhook{Name: "x", URL: "http://intranet.city/in", Events: []string{"nope.*"},
		Unit: "999999"})
	wantKey(t, wantCode(t, err, pingan.EINVALID), "events", "webhook.events.bad")
	wantKey(t, wantCode(t, err, pingan.EINVALID), "unit", "webhook.unit.unknown")
	if _, _, err := e.db.Webhooks.Add(ctx, fx.SecAdmin, &pingan.NewWebhook{Name: "intranet", URL: "http://intranet.city/in",
		Events: []string{"case.*"}, Unit: fx.County.Code, AllowPrivate: true, Secret: "a-secret-given-by-the-admin"}); err != nil {
		t.Fatalf("allowed private: %v", err)
	}
	if _, _, err := e.db.Webhooks.Add(ctx, fx.CountyDispatcher, &pingan.NewWebhook{Name: "d", URL: "https://hooks.example.org/",
		Events: []string{"case.*"}, Unit: fx.County.Code}); pingan.ErrorCode(err) != pingan.EFORBIDDEN {
		t.Errorf("a dispatcher registers a webhook: %v", err)
	}
	theirs := e.addWebhook(t, "theirs", fx.OtherCounty.Code, "case.*")
	countyAdmin := e.addUser(t, "sz-admin", fx.County.Code, pingan.RoleSecAdmin)
	if _, err := e.db.Webhooks.Webhook(ctx, countyAdmin, theirs.ID); pingan.ErrorCode(err) != pingan.ENOTFOUND {
		t.Errorf("another county's webhook: %v", err)
	}
	if err := e.db.Webhooks.SetActive(ctx, countyAdmin, theirs.ID, false); pingan.ErrorCode(err) != pingan.ENOTFOUND {
		t.Errorf("another county's webhook disabled: %v", err)
	}
	list, err := e.db.Webhooks.List(ctx, countyAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Name != "intranet" || !list[0].AllowPrivate {
		t.Errorf("the county administrator's list %+v", list)
	}
	// The secret is sealed at rest.
	var sealed []byte
	if err := e.raw(t).QueryRowContext(ctx, `SELECT secret_sealed FROM webhooks WHERE name = 'intranet'`).Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(sealed), "a-secret-given") {
		t.Error("the secret is kept in clear")
	}
}

// An attempt's error that is not UTF-8 (a receiver's GBK reason phrase),
// holds a NUL or is long with many-byte runes is kept valid and cut at a
// rune, so the delivery's state moves on PostgreSQL too.
func testWebhookAttemptBadBytes(t *testing.T, e *env) {
	fx := e.fx
	w := e.addWebhook(t, "county", fx.County.Code, "case.created")
	e.report(t, fx.GridWorker, "")
	e.report(t, fx.GridWorker, "")
	now := e.clock.Now()
	ds, err := e.db.Webhooks.ClaimDeliveries(ctx, now, time.Minute, 10)
	if err != nil || len(ds) != 2 {
		t.Fatalf("claimed %v, %v", ds, err)
	}
	gbk := "503 \xb7\xfe\xce\xf1\xb2\xbb\xbf\xc9\xd3\xc3\x00" // 服务不可用 in GBK, and a NUL
	if err := e.db.Webhooks.DeliveryFailed(ctx, ds[0].ID, ds[0].Claim, &pingan.WebhookAttempt{At: now, Status: 503, Error: gbk},
		now.Add(30*time.Second)); err != nil {
		t.Fatalf("a GBK reason: %v", err)
	}
	long := "x" + strings.Repeat("服", 300) // 901 bytes: byte 500 falls inside a rune
	if err := e.db.Webhooks.DeliveryFailed(ctx, ds[1].ID, ds[1].Claim, &pingan.WebhookAttempt{At: now, Status: 0, Error: long},
		now.Add(30*time.Second)); err != nil {
		t.Fatalf("a long reason: %v", err)
	}
	for _, d := range ds {
		got, err := e.db.Webhooks.Delivery(ctx, fx.SecAdmin, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Attempts != 1 || len(got.Log) != 1 || !utf8.ValidString(got.LastError) || !utf8.ValidString(got.Log[0].Error) ||
			strings.Contains(got.LastError, "\x00") || len(got.LastError) > 500 || got.LastError == "" {
			t.Errorf("delivery %d: %+v, error %q", d.ID, got, got.LastError)
		}
	}
	_ = w
}

// A webhook's host is looked up before the write transaction begins, with
// a deadline: on SQLite, a lookup inside it would hold the only writer,
// and a write the resolver makes would wait for it.
func testWebhookResolveOutsideTheWrite(t *testing.T, e *env) {
	fx := e.fx
	w := e.addWebhook(t, "first", fx.County.Code, "case.created")
	var calls int
	var problems []string
	e.db.Webhooks.SetResolver(func(rctx context.Context, host string) ([]netip.Addr, error) {
		calls++
		if _, ok := rctx.Deadline(); !ok {
			problems = append(problems, "the lookup has no deadline")
		}
		wctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		if err := e.db.Webhooks.SetActive(wctx, fx.SecAdmin, w.ID, true); err != nil {
			problems = append(problems, "a write during the lookup: "+err.Error())
		}
		return publicResolver(rctx, host)
	})
	in := &pingan.NewWebhook{Name: "second", URL: "https://hooks.example.org/second", Events: []string{"case.*"}, Unit: fx.County.Code}
	added, _, err := e.db.Webhooks.Add(ctx, fx.SecAdmin, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Webhooks.Update(ctx, fx.SecAdmin, added.ID, in); err != nil {
		t.Fatal(err)
	}
	if calls != 2 || len(problems) > 0 {
		t.Errorf("%d lookups; %v", calls, problems)
	}
}

// A claim is fenced by its token: when the lease ran out and another
// sender claimed the delivery again, the first sender's late result
// changes nothing, and the second's counts.
func testWebhookLateResultFenced(t *testing.T, e *env) {
	fx := e.fx
	e.addWebhook(t, "county", fx.County.Code, "case.created")
	e.report(t, fx.GridWorker, "")
	now := e.clock.Now()
	first, err := e.db.Webhooks.ClaimDeliveries(ctx, now, time.Minute, 10)
	if err != nil || len(first) != 1 || first[0].Claim == "" {
		t.Fatalf("claimed %v, %v", first, err)
	}
	second, err := e.db.Webhooks.ClaimDeliveries(ctx, now.Add(2*time.Minute), time.Minute, 10) // the lease ran out
	if err != nil || len(second) != 1 || second[0].ID != first[0].ID || second[0].Claim == first[0].Claim {
		t.Fatalf("claimed again %v, %v", second, err)
	}
	id := first[0].ID
	late := &pingan.WebhookAttempt{At: now.Add(3 * time.Minute), Status: 500, Error: "500 late"}
	if err := e.db.Webhooks.DeliveryFailed(ctx, id, first[0].Claim, late, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := e.db.Webhooks.Delivered(ctx, id, "", late); err != nil {
		t.Fatal(err)
	}
	got, err := e.db.Webhooks.Delivery(ctx, fx.SecAdmin, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != pingan.DeliveryPending || got.Attempts != 0 || len(got.Log) != 0 {
		t.Fatalf("a late result changed the delivery: %+v", got)
	}
	if err := e.db.Webhooks.Delivered(ctx, id, second[0].Claim, &pingan.WebhookAttempt{At: now.Add(2 * time.Minute), Status: 200}); err != nil {
		t.Fatal(err)
	}
	if err := e.db.Webhooks.DeliveryFailed(ctx, id, second[0].Claim, late, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, _ = e.db.Webhooks.Delivery(ctx, fx.SecAdmin, id); got.State != pingan.DeliveryDelivered || got.Attempts != 1 || len(got.Log) != 1 {
		t.Errorf("the claim's own result: %+v", got)
	}
}
