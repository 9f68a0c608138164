package store_test

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
)

// Tests of the bell (提醒) and the outbox (发件箱): what each action writes,
// in its own transaction, for whom; the sign deadline watch; the outbox's
// claims. They run on both databases.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"NotifyOnActions", testNotifyOnActions},
		{"NotifyInTheActionsTransaction", testNotifyInTheActionsTransaction},
		{"NotifySignDue", testNotifySignDue},
		{"OutboxRowsAndClaims", testOutboxRowsAndClaims},
	}...)
}

// bell answers the kinds of the user's notifications on the case, oldest
// first, and how many of the user's are unread.
func (e *env) bell(t *testing.T, u *pingan.User, caseID string) (kinds []string, unread int) {
	t.Helper()
	ns, err := e.db.Notifications.Notifications(ctx, u, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(ns) - 1; i >= 0; i-- {
		if ns[i].CaseID == caseID {
			kinds = append(kinds, string(ns[i].Kind))
		}
	}
	if unread, err = e.db.Notifications.Unread(ctx, u); err != nil {
		t.Fatal(err)
	}
	return kinds, unread
}

func wantBell(t *testing.T, e *env, u *pingan.User, caseID string, want ...string) {
	t.Helper()
	got, _ := e.bell(t, u, caseID)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("%s's bell on %s: %v, want %v", u.Username, caseID, got, want)
	}
}

// The loop's actions notify the people who must act next: the unit a case
// is dispatched to, the dispatcher a case is returned to, the handling unit
// and the dispatcher of a supervised case, those of a case rated
// dissatisfied — never the actor, and nobody for the other actions.
func testNotifyOnActions(t *testing.T, e *env) {
	fx := e.fx
	colleague := e.addUser(t, "sz-housing-2", fx.CountyHousing.Code, pingan.RoleHandler)
	c := e.report(t, fx.GridWorker, "")
	e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.CountyHousing.Code})
	wantBell(t, e, fx.CountyHandler, c.ID, "dispatched")
	wantBell(t, e, colleague, c.ID, "dispatched")
	wantBell(t, e, fx.CountyDispatcher, c.ID)

	e.act(t, fx.CountyHandler, c.ID, pingan.ActionInput{Action: pingan.ActReturn, Reason: "不属本单位职责"})
	wantBell(t, e, fx.CountyDispatcher, c.ID, "returned")
	wantBell(t, e, fx.CountyHandler, c.ID, "dispatched")

	e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.CountyHousing.Code})
	e.act(t, fx.CountyHandler, c.ID, pingan.ActionInput{Action: pingan.ActSign})
	by := e.clock.Now().Add(72 * time.Hour)
	e.act(t, fx.CountyLeader, c.ID, pingan.ActionInput{Action: pingan.ActSupervise, Deadline: &by, Note: "限期办结"})
	wantBell(t, e, fx.CountyHandler, c.ID, "dispatched", "dispatched", "supervised")
	wantBell(t, e, colleague, c.ID, "dispatched", "dispatched", "supervised")
	wantBell(t, e, fx.CountyDispatcher, c.ID, "returned", "supervised")
	wantBell(t, e, fx.CountyLeader, c.ID)

	e.act(t, fx.CountyHandler, c.ID, pingan.ActionInput{Action: pingan.ActComment, Note: "已联系双方"})
	e.act(t, fx.CountyHandler, c.ID, pingan.ActionInput{Action: pingan.ActResolve, Result: "已修复漏水"})
	e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActClose})
	e.act(t, fx.GridWorker, c.ID, pingan.ActionInput{Action: pingan.ActRate, Satisfaction: pingan.Dissatisfied})
	wantBell(t, e, fx.CountyHandler, c.ID, "dispatched", "dispatched", "supervised", "dissatisfied")
	wantBell(t, e, fx.CountyDispatcher, c.ID, "returned", "supervised", "dissatisfied")
	wantBell(t, e, fx.GridWorker, c.ID)

	// A satisfied rating tells nobody.
	happy := e.report(t, fx.GridWorker, "")
	e.act(t, fx.CountyDispatcher, happy.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(t, fx.CountyDispatcher, happy.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.CountyHousing.Code})
	e.act(t, fx.CountyHandler, happy.ID, pingan.ActionInput{Action: pingan.ActSign})
	e.act(t, fx.CountyHandler, happy.ID, pingan.ActionInput{Action: pingan.ActResolve, Result: "已处理"})
	e.act(t, fx.CountyDispatcher, happy.ID, pingan.ActionInput{Action: pingan.ActClose})
	e.act(t, fx.GridWorker, happy.ID, pingan.ActionInput{Action: pingan.ActRate, Satisfaction: pingan.Satisfied})
	wantBell(t, e, fx.CountyHandler, happy.ID, "dispatched")

	// The list shows the case's title to whom still sees it; marking read
	// is the reader's own, one by one or all at once.
	ns := must[[]*pingan.Notification](t)(e.db.Notifications.Notifications(ctx, fx.CountyHandler, 0))
	if len(ns) != 5 || ns[0].Title == "" || ns[0].UnitCode != fx.CountyHousing.Code || ns[0].ReadAt != nil {
		t.Fatalf("the handler's list: %d, first %+v", len(ns), ns[0])
	}
	if _, unread := e.bell(t, fx.CountyHandler, c.ID); unread != 5 {
		t.Errorf("unread %d, want 5", unread)
	}
	theirs := must[[]*pingan.Notification](t)(e.db.Notifications.Notifications(ctx, fx.CountyDispatcher, 0))
	if n := must[int](t)(e.db.Notifications.MarkRead(ctx, fx.CountyHandler, []int64{ns[0].ID, theirs[0].ID})); n != 1 {
		t.Errorf("marked %d, want only the handler's own 1", n)
	}
	if _, unread := e.bell(t, fx.CountyDispatcher, c.ID); unread != len(theirs) {
		t.Errorf("the dispatcher's unread %d, want %d: another user marked theirs", unread, len(theirs))
	}
	if n := must[int](t)(e.db.Notifications.MarkRead(ctx, fx.CountyHandler, nil)); n != 4 {
		t.Errorf("marked all: %d, want 4", n)
	}
	if _, unread := e.bell(t, fx.CountyHandler, c.ID); unread != 0 {
		t.Errorf("unread %d after marking all", unread)
	}
	if _, unread := e.bell(t, colleague, c.ID); unread != 5 {
		t.Errorf("the colleague's unread %d, want 5: read state is each user's", unread)
	}
	if _, err := e.db.Notifications.Unread(ctx, nil); code(err) != pingan.EUNAUTHORIZED {
		t.Errorf("Unread without a user: %v", err)
	}
}

// A notification is written in the transaction of its action: an action
// refused writes none, and when the notification cannot be written the
// action is undone with it.
func testNotifyInTheActionsTransaction(t *testing.T, e *env) {
	fx := e.fx
	c := e.report(t, fx.GridWorker, "")
	e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	if _, err := e.db.Cases.Act(ctx, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.OtherCounty.Code}); err == nil {
		t.Fatal("a dispatch to another county was taken")
	}
	wantBell(t, e, fx.CountyHandler, c.ID)

	raw := e.raw(t)
	if _, err := raw.Exec(`ALTER TABLE notifications RENAME TO notifications_away`); err != nil {
		t.Fatal(err)
	}
	before := len(e.timeline(t, c.ID))
	_, err := e.db.Cases.Act(ctx, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.CountyHousing.Code})
	if _, rerr := raw.Exec(`ALTER TABLE notifications_away RENAME TO notifications`); rerr != nil {
		t.Fatal(rerr)
	}
	if err == nil {
		t.Fatal("the dispatch went through without its notification")
	}
	if got := e.find(t, c.ID); got.Status != pingan.StatusAccepted || got.AssignedUnit != "" || len(e.timeline(t, c.ID)) != before {
		t.Errorf("the failed dispatch left the case %s at %q with %d timeline entries (was %d)",
			got.Status, got.AssignedUnit, len(e.timeline(t, c.ID)), before)
	}
	e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.CountyHousing.Code})
	wantBell(t, e, fx.CountyHandler, c.ID, "dispatched")
}

// raw answers a connection of its own to the test's database.
func (e *env) raw(t *testing.T) *sql.DB {
	t.Helper()
	driver, source := store.DriverDSN(e.dsn)
	db, err := sql.Open(driver, source)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// The staff of the unit a case is dispatched to are told once that its
// sign deadline is near, and again for a new deadline after another
// dispatch.
func testNotifySignDue(t *testing.T, e *env) {
	fx := e.fx
	c := e.report(t, fx.GridWorker, "")
	e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	d := e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.CountyHousing.Code})
	if d.SignBy == nil {
		t.Fatal("no sign deadline")
	}
	n := must[int](t)(e.db.Notifications.NotifySignDue(ctx, e.clock.Now(), 4*time.Hour, 0))
	if n != 0 {
		t.Fatalf("%d cases notified a day before the deadline", n)
	}
	near := d.SignBy.Add(-3 * time.Hour)
	if n := must[int](t)(e.db.Notifications.NotifySignDue(ctx, near, 4*time.Hour, 0)); n != 1 {
		t.Fatalf("%d cases notified three hours before, want 1", n)
	}
	if n := must[int](t)(e.db.Notifications.NotifySignDue(ctx, near.Add(time.Hour), 4*time.Hour, 0)); n != 0 {
		t.Fatalf("the same deadline notified again: %d", n)
	}
	wantBell(t, e, fx.CountyHandler, c.ID, "dispatched", "sign_due")
	wantBell(t, e, fx.CountyDispatcher, c.ID)

	e.clock.Set(near)
	e.act(t, fx.CountyHandler, c.ID, pingan.ActionInput{Action: pingan.ActReturn, Reason: "不属本单位职责"})
	d = e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.CountyHousing.Code})
	if n := must[int](t)(e.db.Notifications.NotifySignDue(ctx, d.SignBy.Add(-time.Hour), 4*time.Hour, 0)); n != 1 {
		t.Fatalf("the new deadline: %d cases notified, want 1", n)
	}
	wantBell(t, e, fx.CountyHandler, c.ID, "dispatched", "sign_due", "dispatched", "sign_due")
	// A signed case is not reminded.
	e.act(t, fx.CountyHandler, c.ID, pingan.ActionInput{Action: pingan.ActSign})
	if n := must[int](t)(e.db.Notifications.NotifySignDue(ctx, d.SignBy.Add(time.Hour), 4*time.Hour, 0)); n != 0 {
		t.Fatalf("a signed case notified: %d", n)
	}
}

// The outbox gets a notice for each group robot configured on each
// notification (the number and a unit's name, nothing of the case's
// content or people), and a text message at acceptance and at closing of
// a case whose reporter left a phone. A claimed notice is left alone for a
// while; a text message's phone is opened only in the claim.
func testOutboxRowsAndClaims(t *testing.T, e *env) {
	fx := e.fx
	before := e.report(t, fx.GridWorker, "", withPhone("13912345678"))
	e.act(t, fx.CountyDispatcher, before.ID, pingan.ActionInput{Action: pingan.ActAccept})
	if rows := must[[]store.OutboxRow](t)(e.db.Notifications.Outbox(ctx, before.ID)); len(rows) != 0 {
		t.Fatalf("notices without a channel configured: %+v", rows)
	}

	e.db.Notifications.SetChannels(pingan.ChannelWeCom, pingan.ChannelDingTalk, pingan.ChannelSMS)
	c := e.report(t, fx.GridWorker, "", withPhone("13912345678"))
	noPhone := e.report(t, fx.GridWorker, "", func(n *pingan.NewCase) { n.Reporter = &pingan.Person{Name: "李四"} })
	e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(t, fx.CountyDispatcher, noPhone.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.CountyHousing.Code})
	rows := must[[]store.OutboxRow](t)(e.db.Notifications.Outbox(ctx, c.ID))
	var chans []string
	for _, r := range rows {
		chans = append(chans, string(r.Channel))
		for _, bad := range []string{"13912345678", "张三", c.Title, c.Description, c.Address} {
			if strings.Contains(r.Text, bad) {
				t.Errorf("notice %q carries %q", r.Text, bad)
			}
		}
		if !strings.Contains(r.Text, c.Number) || r.NextAt == nil || r.SentAt != nil {
			t.Errorf("notice %+v", r)
		}
	}
	if strings.Join(chans, ",") != "sms,wecom,dingtalk" {
		t.Fatalf("outbox channels %v", chans)
	}
	if !strings.Contains(rows[1].Text, fx.CountyHousing.Name) {
		t.Errorf("the dispatch notice does not name the unit: %q", rows[1].Text)
	}

	now := e.clock.Now()
	ns := must[[]*pingan.Notice](t)(e.db.Notifications.ClaimNotices(ctx, now, 0))
	var sms *pingan.Notice
	for _, n := range ns {
		if n.CaseID == noPhone.ID {
			t.Errorf("a text message without a phone was claimed: %+v", n)
		}
		if n.Channel == pingan.ChannelSMS && n.CaseID == c.ID {
			sms = n
		}
	}
	if len(ns) != 3 || sms == nil || sms.Phone != "13912345678" || sms.Number != c.Number {
		t.Fatalf("claimed %d notices, the text message %+v", len(ns), sms)
	}
	if again := must[[]*pingan.Notice](t)(e.db.Notifications.ClaimNotices(ctx, now.Add(time.Minute), 0)); len(again) != 0 {
		t.Fatalf("claimed notices were claimed again a minute later: %d", len(again))
	}
	if np := must[[]store.OutboxRow](t)(e.db.Notifications.Outbox(ctx, noPhone.ID)); len(np) != 1 || np[0].NextAt != nil || np[0].SentAt != nil {
		t.Errorf("the text message without a phone: %+v", np)
	}
	if err := e.db.Notifications.NoticeSent(ctx, sms.ID, now); err != nil {
		t.Fatal(err)
	}
	if err := e.db.Notifications.NoticeFailed(ctx, ns[1].ID, now, now.Add(time.Minute), "HTTP 500"); err != nil {
		t.Fatal(err)
	}
	if err := e.db.Notifications.NoticeFailed(ctx, ns[2].ID, now, time.Time{}, "HTTP 400"); err != nil {
		t.Fatal(err)
	}
	again := must[[]*pingan.Notice](t)(e.db.Notifications.ClaimNotices(ctx, now.Add(2*time.Minute), 0))
	if len(again) != 1 || again[0].ID != ns[1].ID || again[0].Attempts != 1 {
		t.Fatalf("after one sent, one to retry, one given up: claimed %+v", again)
	}

	// Closing sends the citizen another text message.
	e.act(t, fx.CountyHandler, c.ID, pingan.ActionInput{Action: pingan.ActSign})
	e.act(t, fx.CountyHandler, c.ID, pingan.ActionInput{Action: pingan.ActResolve, Result: "已处理"})
	e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActClose})
	rows = must[[]store.OutboxRow](t)(e.db.Notifications.Outbox(ctx, c.ID))
	last := rows[len(rows)-1]
	if last.Channel != pingan.ChannelSMS || last.Text != pingan.Text(pingan.ZH, "notify.sms.closed", c.Number) {
		t.Errorf("after closing, the last notice is %+v", last)
	}
}

// withPhone gives the report a reporter who left a phone.
func withPhone(phone string) func(*pingan.NewCase) {
	return func(n *pingan.NewCase) { n.Reporter = &pingan.Person{Role: "reporter", Name: "张三", Phone: phone} }
}
