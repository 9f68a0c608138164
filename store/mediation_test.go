package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
)

// A dispute through its mediation (dispute.go): sessions, an agreement of
// two terms, judicial confirmation, a term performed, the deadline watch
// raising the case for the other, the follow-up visit; the refusals with
// nothing written; the record masked and audited. On both databases.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"MediationLoop", testMediationLoop},
		{"MediationRefusals", testMediationRefusals},
		{"MediationMaskedRecord", testMediationMaskedRecord},
		{"DisputeReportParties", testDisputeReportParties},
		{"DisputePartiesOnAccept", testDisputePartiesOnAccept},
		{"DisputeSettings", testDisputeSettings},
	}...)
}

// mediationRows counts what a mediation writes beside the case row.
type mediationRows struct{ sessions, agreements, terms, revisits, actions, performed, withdrawn int }

func (e *env) mediationRows(t *testing.T, id string) mediationRows {
	t.Helper()
	raw := e.raw(t)
	var r mediationRows
	for _, q := range []struct {
		n   *int
		sql string
	}{
		{&r.sessions, `SELECT count(*) FROM mediation_sessions WHERE case_id = $1`},
		{&r.agreements, `SELECT count(*) FROM agreements WHERE case_id = $1`},
		{&r.terms, `SELECT count(*) FROM agreement_terms WHERE case_id = $1`},
		{&r.revisits, `SELECT count(*) FROM revisits WHERE case_id = $1`},
		{&r.actions, `SELECT count(*) FROM actions WHERE case_id = $1`},
		{&r.performed, `SELECT count(*) FROM agreement_terms WHERE case_id = $1 AND performed_on IS NOT NULL AND action_seq IS NOT NULL`},
		{&r.withdrawn, `SELECT count(*) FROM agreements WHERE case_id = $1 AND withdrawn`},
	} {
		if err := raw.QueryRowContext(ctx, q.sql, id).Scan(q.n); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// inMediation reports a dispute with two parties and has it dispatched to
// the township (the mediator's unit) and signed for: in progress.
func (e *env) inMediation(t *testing.T) *pingan.Case {
	t.Helper()
	fx := e.fx
	c := e.report(t, fx.TownshipDispatcher, fx.Village.Code, func(n *pingan.NewCase) {
		n.Parties = []pingan.Person{{Role: pingan.PartyApplicant, Name: "张建国", Phone: "13812345678"},
			{Role: pingan.PartyRespondent, Name: "李卫东", Phone: "13987654321", Address: "富康社区3号楼2单元402"}}
		n.Dispute = &pingan.DisputeFacts{AmountFen: 300000, People: 2}
	})
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	return e.act(t, fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActSign})
}

// session is a session held an hour before now.
func session(now time.Time) *pingan.MediationSession {
	return &pingan.MediationSession{HeldAt: now.Add(-time.Hour), Place: "天理良心调解室", Mediators: []string{"王调解", "赵调解"},
		Attendees: "申请人张建国、被申请人李卫东", RightsNotified: true, Record: "双方陈述漏水经过，张建国要求赔偿维修费", Result: pingan.SessionContinue}
}

func testMediationLoop(t *testing.T, e *env) {
	fx := e.fx
	c := e.inMediation(t)
	if c.Mediation == nil || c.Mediation.AmountFen != 300000 || c.Mediation.People != 2 || c.Mediation.Group {
		t.Fatalf("facts %+v", c.Mediation)
	}
	now := e.clock.Now()
	day := pingan.DayOf(now)

	// Two sessions: one alone, the last with the agreement.
	c = e.act(t, fx.Mediator, c.ID, pingan.ActionInput{Action: pingan.ActMediate, Session: session(now)})
	if c.Status != pingan.StatusInProgress || c.Mediation.Sessions != 1 {
		t.Fatalf("after a session: %s %+v", c.Status, c.Mediation)
	}
	last := session(now)
	last.Record = "双方同意由李卫东赔偿维修费"
	agreement := &pingan.Agreement{Written: true, Facts: "李卫东家卫生间漏水致张建国家天花板受损", SignedOn: day,
		Mediators: []string{"王调解", "赵调解"}, Terms: []pingan.Term{
			{Text: "李卫东赔偿张建国维修费 3000 元", By: "被申请人李卫东", How: "一次性转账", Due: day.AddDate(0, 0, 5)},
			{Text: "李卫东修复卫生间防水层", By: "被申请人李卫东", Due: day.AddDate(0, 0, 25)}}}
	c = e.act(t, fx.Mediator, c.ID, pingan.ActionInput{Action: pingan.ActAgree, Session: last, Agreement: agreement})
	m := c.Mediation
	if c.Status != pingan.StatusResolved || m.Outcome != pingan.OutcomeAgreement || m.Sessions != 2 || m.Terms != 2 ||
		!m.Settled || m.ConfirmBy == nil || !m.ConfirmBy.Equal(day.AddDate(0, 0, 30)) ||
		m.RevisitBy == nil || !m.RevisitBy.Equal(day.AddDate(0, 0, pingan.DefaultRevisitDays)) ||
		m.NextDue == nil || !m.NextDue.Equal(day.AddDate(0, 0, 5)) {
		t.Fatalf("after the agreement: %s %+v", c.Status, m)
	}
	if r := e.mediationRows(t, c.ID); r.sessions != 2 || r.agreements != 1 || r.terms != 2 || r.performed != 0 {
		t.Fatalf("rows after the agreement %+v", r)
	}
	// The first term performed, on the day it was due.
	e.clock.Set(day.AddDate(0, 0, 5).Add(15 * time.Hour))
	performed := day.AddDate(0, 0, 5)
	c = e.act(t, fx.Mediator, c.ID, pingan.ActionInput{Action: pingan.ActPerform, Term: 1, PerformedOn: &performed, Note: "已转账"})
	if c.Mediation.TermsPerformed != 1 || !c.Mediation.NextDue.Equal(day.AddDate(0, 0, 25)) {
		t.Fatalf("after a term performed: %+v", c.Mediation)
	}
	// Twice is a conflict, and writes nothing.
	before := e.mediationRows(t, c.ID)
	_, err := e.db.Cases.Act(ctx, fx.Mediator, c.ID, pingan.ActionInput{Action: pingan.ActPerform, Term: 1, PerformedOn: &performed})
	wantCode(t, err, pingan.ECONFLICT)
	if r := e.mediationRows(t, c.ID); r != before || r.performed != 1 {
		t.Fatalf("rows after a term performed, and refused twice: %+v, were %+v", r, before)
	}

	// A week before the 30 days of judicial confirmation end, the
	// township's mediator (not its handler) is reminded, once.
	e.clock.Set(day.AddDate(0, 0, 30-pingan.ConfirmReminderDays).Add(-time.Minute))
	escalate(t, e.db, e.clock.Now(), 100)
	if n := countOf(e.noticeKinds(t, fx.Mediator), pingan.NoticeConfirmDue); n != 0 {
		t.Errorf("reminded of confirmation before the day: %d", n)
	}
	e.clock.Set(day.AddDate(0, 0, 30-pingan.ConfirmReminderDays).Add(10 * time.Hour))
	escalate(t, e.db, e.clock.Now(), 100)
	if kinds := e.noticeKinds(t, fx.Mediator); !slices.Contains(kinds, pingan.NoticeConfirmDue) {
		t.Errorf("the mediator's notices %v: no reminder of confirmation", kinds)
	}
	escalate(t, e.db, e.clock.Now().Add(time.Hour), 100)
	if n := countOf(e.noticeKinds(t, fx.Mediator), pingan.NoticeConfirmDue); n != 1 {
		t.Errorf("%d reminders of confirmation, want 1", n)
	}
	if n := countOf(e.noticeKinds(t, fx.TownshipHandler), pingan.NoticeConfirmDue); n != 0 {
		t.Errorf("the handler got %d reminders of confirmation", n)
	}
	c = e.act(t, fx.Mediator, c.ID, pingan.ActionInput{Action: pingan.ActConfirm, Confirmation: pingan.ConfirmApplied})
	c = e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActConfirm, Confirmation: pingan.ConfirmConfirmed})
	if c.Mediation.Confirmation != pingan.ConfirmConfirmed {
		t.Fatalf("confirmation %q", c.Mediation.Confirmation)
	}
	c = e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActClose})

	// The second term's day passes unperformed: the watch raises the
	// closed case once for it, and marks every term's day passed.
	e.clock.Set(day.AddDate(0, 0, 25).Add(23 * time.Hour)) // that day has not ended
	escalate(t, e.db, e.clock.Now(), 100)
	if got := e.find(t, c.ID); got.Status != pingan.StatusClosed || got.Mediation.PerformDue {
		t.Fatalf("on the term's day: %s %+v", got.Status, got.Mediation)
	}
	e.clock.Set(day.AddDate(0, 0, 26).Add(9 * time.Hour))
	before = e.mediationRows(t, c.ID)
	escalate(t, e.db, e.clock.Now(), 100)
	got := e.find(t, c.ID)
	if got.Status != pingan.StatusInProgress || !got.Mediation.PerformDue || got.ClosedAt != nil || got.ResolvedAt != nil {
		t.Fatalf("after the term's day: %s %+v", got.Status, got.Mediation)
	}
	acts := e.timeline(t, c.ID)
	a := acts[len(acts)-1]
	if a.Action != pingan.ActTermOverdue || a.ActorID != 0 || a.FromStatus != pingan.StatusClosed || a.ToStatus != pingan.StatusInProgress ||
		a.Note != pingan.Text(pingan.ZH, "mediation.term_overdue.sealed", 2, day.AddDate(0, 0, 25).Format("2006-01-02")) {
		t.Errorf("the watch's entry %+v", a)
	}
	if r := e.mediationRows(t, c.ID); r.actions != before.actions+1 {
		t.Errorf("%d entries written by the watch, want 1", r.actions-before.actions)
	}
	for _, u := range []*pingan.User{fx.Mediator, fx.TownshipHandler} {
		if n := countOf(e.noticeKinds(t, u), pingan.NoticeTermOverdue); n != 1 {
			t.Errorf("%s has %d notices of the overdue term, want 1", u.Username, n)
		}
	}
	// Once for that day: resolved again unperformed, it is not raised again.
	e.act(t, fx.TownshipHandler, c.ID, pingan.ActionInput{Action: pingan.ActResolve, Result: "已督促被申请人尽快修复"})
	escalate(t, e.db, e.clock.Now().Add(time.Hour), 100)
	if got := e.find(t, c.ID); got.Status != pingan.StatusResolved {
		t.Fatalf("raised twice for one day: %s", got.Status)
	}
	performed = pingan.DayOf(e.clock.Now())
	c = e.act(t, fx.Mediator, c.ID, pingan.ActionInput{Action: pingan.ActPerform, Term: 2, PerformedOn: &performed})
	if !c.Mediation.Performed() || c.Mediation.NextDue != nil {
		t.Fatalf("every term performed: %+v", c.Mediation)
	}

	// The visit's day comes: the mediator is told, then visits.
	e.clock.Set(day.AddDate(0, 0, 30).Add(9 * time.Hour))
	escalate(t, e.db, e.clock.Now(), 100)
	escalate(t, e.db, e.clock.Now().Add(time.Hour), 100)
	if n := countOf(e.noticeKinds(t, fx.Mediator), pingan.NoticeRevisitDue); n != 1 {
		t.Errorf("%d notices of the visit, want 1", n)
	}
	c = e.act(t, fx.Mediator, c.ID, pingan.ActionInput{Action: pingan.ActRevisit,
		Revisit: &pingan.Revisit{On: e.clock.Now(), Result: pingan.RevisitSettled, Note: "双方关系已缓和，协议履行完毕"}})
	if c.Mediation.RevisitedAt == nil || c.Mediation.RevisitBy != nil || !c.Mediation.Settled {
		t.Fatalf("after the visit %+v", c.Mediation)
	}

	// The record, whole for the mediator.
	rec, err := e.db.Mediation.Mediation(ctx, fx.Mediator, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Masked || len(rec.Sessions) != 2 || rec.Sessions[0].Record != "双方陈述漏水经过，张建国要求赔偿维修费" ||
		rec.Sessions[1].Record != last.Record || rec.Sessions[1].Result != pingan.SessionAgreement ||
		rec.Sessions[0].Attendees != "申请人张建国、被申请人李卫东" || !rec.Sessions[0].HeldAt.Equal(now.Add(-time.Hour)) ||
		rec.Sessions[0].Place != "天理良心调解室" || !slices.Equal(rec.Sessions[0].Mediators, []string{"王调解", "赵调解"}) ||
		!rec.Sessions[0].RightsNotified || rec.Sessions[0].RecordedBy != fx.Mediator.Name || rec.Sessions[0].Seq != 1 {
		t.Errorf("sessions %+v", rec.Sessions)
	}
	ag := rec.Agreement
	if ag == nil || !ag.Written || ag.Facts != agreement.Facts || !ag.SignedOn.Equal(day) || len(ag.Terms) != 2 ||
		!slices.Equal(ag.Mediators, agreement.Mediators) {
		t.Fatalf("agreement %+v", ag)
	}
	t1, t2 := ag.Terms[0], ag.Terms[1]
	if t1.No != 1 || t1.Text != "李卫东赔偿张建国维修费 3000 元" || t1.By != "被申请人李卫东" || t1.How != "一次性转账" ||
		!t1.Due.Equal(day.AddDate(0, 0, 5)) || t1.PerformedOn == nil || !t1.PerformedOn.Equal(day.AddDate(0, 0, 5)) || t1.Note != "已转账" {
		t.Errorf("term 1 %+v", t1)
	}
	if t2.No != 2 || t2.PerformedOn == nil || !t2.PerformedOn.Equal(performed) {
		t.Errorf("term 2 %+v", t2)
	}
	if len(rec.Revisits) != 1 || rec.Revisits[0].Result != pingan.RevisitSettled || !rec.Revisits[0].On.Equal(pingan.DayOf(e.clock.Now())) ||
		rec.EndReason != "" {
		t.Errorf("visits %+v, end %q", rec.Revisits, rec.EndReason)
	}
	if a := e.lastAudit(t, c.ID); a.Action != "read_personal" || a.UserID != fx.Mediator.ID || a.Masked {
		t.Errorf("the read's audit %+v", a)
	}
	// Sealed at rest: the record's words are in no column in clear.
	var n int
	if err := e.raw(t).QueryRowContext(ctx, `SELECT count(*) FROM mediation_sessions WHERE place = $1`, "天理良心调解室").Scan(&n); err != nil || n != 2 {
		t.Fatalf("sessions by place: %d %v", n, err)
	}
	for _, q := range []string{`SELECT count(*) FROM mediation_sessions WHERE CAST(sealed AS TEXT) LIKE '%张建国%'`,
		`SELECT count(*) FROM agreements WHERE CAST(sealed AS TEXT) LIKE '%李卫东%'`} {
		if err := e.raw(t).QueryRowContext(ctx, q).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s: %d %v", q, n, err)
		}
	}
	e.noDiffs(t)
}

// lastAudit answers the latest audit entry of the case.
func (e *env) lastAudit(t *testing.T, id string) *pingan.AuditEntry {
	t.Helper()
	audit := must[[]*pingan.AuditEntry](t)(e.db.Audit.Audit(ctx, id))
	if len(audit) == 0 {
		t.Fatalf("case %s: no audit entry", id)
	}
	return audit[len(audit)-1]
}

// noticeKinds answers the kinds of u's notifications.
func (e *env) noticeKinds(t *testing.T, u *pingan.User) []pingan.NotificationKind {
	t.Helper()
	var out []pingan.NotificationKind
	for _, n := range must[[]*pingan.Notification](t)(e.db.Notifications.Notifications(ctx, u, 200)) {
		out = append(out, n.Kind)
	}
	return out
}

func countOf[T comparable](s []T, x T) int {
	n := 0
	for _, y := range s {
		if y == x {
			n++
		}
	}
	return n
}

// wantFields fails unless err is EINVALID naming exactly the fields.
func wantFields(t *testing.T, err error, fields ...string) {
	t.Helper()
	pe := wantCode(t, err, pingan.EINVALID)
	var got []string
	for f := range pe.Fields {
		got = append(got, f)
	}
	slices.Sort(got)
	slices.Sort(fields)
	if !slices.Equal(got, fields) {
		t.Errorf("fields %v, want %v", got, fields)
	}
}

func testMediationRefusals(t *testing.T, e *env) {
	fx := e.fx
	c := e.inMediation(t)
	now := e.clock.Now()
	day := pingan.DayOf(now)
	before := e.mediationRows(t, c.ID)
	future := session(now)
	future.HeldAt = now.Add(time.Hour)
	for _, tc := range []struct {
		name   string
		in     pingan.ActionInput
		fields []string
	}{
		{"a session in the future", pingan.ActionInput{Action: pingan.ActMediate, Session: future}, []string{"session.held_at"}},
		{"no session", pingan.ActionInput{Action: pingan.ActMediate}, []string{"session"}},
		{"an agreement without terms", pingan.ActionInput{Action: pingan.ActAgree, Session: session(now),
			Agreement: &pingan.Agreement{Facts: "事实", SignedOn: day}}, []string{"agreement.terms"}},
		{"a term without a date", pingan.ActionInput{Action: pingan.ActAgree, Agreement: &pingan.Agreement{SignedOn: day,
			Terms: []pingan.Term{{Text: "赔偿", By: "被申请人", Due: day}, {Text: "道歉", By: "被申请人"}}}}, []string{"agreement.terms.2.due"}},
		{"a failure without route", pingan.ActionInput{Action: pingan.ActMediationFail, Reason: "双方分歧过大"}, []string{"referral"}},
	} {
		_, err := e.db.Cases.Act(ctx, fx.Mediator, c.ID, tc.in)
		t.Run(tc.name, func(t *testing.T) { wantFields(t, err, tc.fields...) })
	}
	if r := e.mediationRows(t, c.ID); r != before {
		t.Fatalf("refusals wrote %+v, were %+v", r, before)
	}
	if got := e.find(t, c.ID); got.Status != pingan.StatusInProgress || got.Mediation.Sessions != 0 || got.Mediation.Outcome != "" {
		t.Fatalf("refusals changed the case: %s %+v", got.Status, got.Mediation)
	}

	// Failed, with a session and a route; the reason is the record's end.
	c = e.act(t, fx.Mediator, c.ID, pingan.ActionInput{Action: pingan.ActMediationFail, Reason: "被申请人拒不承认漏水责任",
		Referral: pingan.ReferLitigation, Session: session(now)})
	if c.Status != pingan.StatusResolved || c.Mediation.Outcome != pingan.OutcomeFailed || c.Mediation.Settled {
		t.Fatalf("failed: %s %+v", c.Status, c.Mediation)
	}
	rec := must[*pingan.MediationRecord](t)(e.db.Mediation.Mediation(ctx, fx.Mediator, c.ID))
	if rec.EndReason != "被申请人拒不承认漏水责任" || len(rec.Sessions) != 1 || rec.Sessions[0].Result != pingan.SessionFailed || rec.Agreement != nil {
		t.Errorf("record of a failure %+v", rec)
	}
	// The centre has it tried again; then an agreement, closed; a second
	// agreement on the closed case is a conflict and writes nothing.
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActRework, Reason: "请再次组织调解"})
	e.act(t, fx.Mediator, c.ID, pingan.ActionInput{Action: pingan.ActAgree, Agreement: &pingan.Agreement{SignedOn: day,
		Terms: []pingan.Term{{Text: "互相谅解", By: "双方", Due: day}}}})
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActClose})
	before = e.mediationRows(t, c.ID)
	_, err := e.db.Cases.Act(ctx, fx.Mediator, c.ID, pingan.ActionInput{Action: pingan.ActAgree, Agreement: &pingan.Agreement{SignedOn: day,
		Terms: []pingan.Term{{Text: "再次约定", By: "双方", Due: day}}}})
	wantCode(t, err, pingan.ECONFLICT)
	if r := e.mediationRows(t, c.ID); r != before || r.agreements != 1 {
		t.Fatalf("a second agreement wrote %+v, were %+v", r, before)
	}
	// A reopening withdraws the agreement: another may be reached.
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActReopen, Reason: "当事人反映协议无法履行"})
	if r := e.mediationRows(t, c.ID); r.withdrawn != 1 {
		t.Fatalf("reopened: %+v", r)
	}
	if rec := must[*pingan.MediationRecord](t)(e.db.Mediation.Mediation(ctx, fx.Mediator, c.ID)); rec.Agreement != nil {
		t.Errorf("a withdrawn agreement answered: %+v", rec.Agreement)
	}
	e.noDiffs(t)
}

func testMediationMaskedRecord(t *testing.T, e *env) {
	fx := e.fx
	c := e.inMediation(t)
	now := e.clock.Now()
	e.act(t, fx.Mediator, c.ID, pingan.ActionInput{Action: pingan.ActMediate, Session: session(now)})
	day := pingan.DayOf(now)
	e.act(t, fx.Mediator, c.ID, pingan.ActionInput{Action: pingan.ActAgree, Agreement: &pingan.Agreement{Written: true,
		Facts: "张建国与李卫东因漏水发生纠纷", SignedOn: day, Terms: []pingan.Term{{Text: "李卫东赔偿张建国 3000 元", By: "李卫东", How: "转账", Due: day}}}})
	// The county's viewer sees the case, not its personal data.
	rec, err := e.db.Mediation.Mediation(ctx, fx.Viewer, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	s := rec.Sessions[0]
	if !rec.Masked || s.Record != "" || s.Attendees != "" || s.Place != "天理良心调解室" || rec.Agreement.Facts != "" ||
		rec.Agreement.Terms[0].Text != "" || rec.Agreement.Terms[0].By != "" || !rec.Agreement.Terms[0].Due.Equal(day) {
		t.Errorf("masked record %+v %+v", rec, rec.Agreement)
	}
	audit := must[[]*pingan.AuditEntry](t)(e.db.Audit.Audit(ctx, c.ID))
	if a := e.lastAudit(t, c.ID); a.Action != "read_personal" || a.UserID != fx.Viewer.ID || !a.Masked {
		t.Errorf("the masked read's audit %+v", a)
	}
	// Outside the jurisdiction, or not a dispute: not found.
	_, err = e.db.Mediation.Mediation(ctx, fx.OtherDispatcher, c.ID)
	wantCode(t, err, pingan.ENOTFOUND)
	plain := e.report(t, fx.TownshipDispatcher, fx.Village.Code, func(n *pingan.NewCase) { n.Kind, n.Category = pingan.KindService, "FW01" })
	_, err = e.db.Mediation.Mediation(ctx, fx.TownshipDispatcher, plain.ID)
	wantCode(t, err, pingan.ENOTFOUND)
	if n := len(must[[]*pingan.AuditEntry](t)(e.db.Audit.Audit(ctx, c.ID))); n != len(audit) {
		t.Errorf("a refused read audited: %d entries, were %d", n, len(audit))
	}
}

func testDisputeReportParties(t *testing.T, e *env) {
	fx := e.fx
	var cases0 int
	countCases := func() int {
		var n int
		if err := e.raw(t).QueryRowContext(ctx, `SELECT count(*) FROM cases`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	cases0 = countCases()
	base := func() *pingan.NewCase {
		return &pingan.NewCase{Category: "0102", Title: "宅基地边界纠纷", Unit: fx.Village.Code}
	}
	for _, tc := range []struct {
		name   string
		mod    func(*pingan.NewCase)
		fields []string
	}{
		{"a party without a name", func(n *pingan.NewCase) {
			n.Parties = []pingan.Person{{Role: pingan.PartyApplicant, Name: "张三"}, {Role: pingan.PartyRespondent, Phone: "13900000000"}}
		}, []string{"parties.2.name"}},
		{"an unknown role and type", func(n *pingan.NewCase) {
			n.Parties = []pingan.Person{{Role: "witness", Name: "张三", Type: "robot"}}
		}, []string{"parties.1.role", "parties.1.type"}},
		{"too many parties", func(n *pingan.NewCase) {
			for range pingan.MaxParties + 1 {
				n.Parties = append(n.Parties, pingan.Person{Name: "某人"})
			}
		}, []string{"parties"}},
		{"facts out of range", func(n *pingan.NewCase) { n.Dispute = &pingan.DisputeFacts{AmountFen: -1, People: -2} },
			[]string{"dispute.amount_fen", "dispute.people"}},
		{"facts of a service request", func(n *pingan.NewCase) { n.Category, n.Dispute = "FW01", &pingan.DisputeFacts{People: 3} },
			[]string{"dispute"}},
		{"a court refers a service request", func(n *pingan.NewCase) { n.Category, n.Source = "FW01", pingan.SourceCourt },
			[]string{"source"}},
	} {
		in := base()
		tc.mod(in)
		_, err := e.db.Cases.CreateCase(ctx, fx.TownshipDispatcher, in)
		t.Run(tc.name, func(t *testing.T) { wantFields(t, err, tc.fields...) })
	}
	if n := countCases(); n != cases0 {
		t.Fatalf("refused reports wrote %d cases", n-cases0)
	}
	// A court's referral, a group dispute by the default head count, an
	// organisation as a party: its name is not masked.
	in := base()
	in.Source, in.Dispute = pingan.SourceCourt, &pingan.DisputeFacts{People: pingan.DefaultGroupSize, AmountFen: 5_000_000}
	in.Parties = []pingan.Person{{Name: "  王五 ", Phone: "13900001111"}, {Role: pingan.PartyRespondent, Type: pingan.PartyOrganisation, Name: "某物业公司"}}
	c := must[*pingan.Case](t)(e.db.Cases.CreateCase(ctx, fx.TownshipDispatcher, in))
	if c.Source != pingan.SourceCourt || c.Mediation == nil || !c.Mediation.Group || c.Mediation.People != 5 || c.Mediation.AmountFen != 5_000_000 {
		t.Fatalf("court referral %s %+v", c.Source, c.Mediation)
	}
	got := must[*pingan.Case](t)(e.db.Cases.FindCase(ctx, fx.TownshipDispatcher, c.ID))
	if !got.Mediation.Group || len(got.Parties) != 2 || got.Parties[0] != (pingan.Person{Role: pingan.PartyOther, Name: "王五", Phone: "13900001111"}) {
		t.Errorf("read back %+v %+v", got.Mediation, got.Parties)
	}
	masked := must[*pingan.Case](t)(e.db.Cases.FindCase(ctx, fx.Viewer, c.ID))
	if masked.Parties[1].Name != "某物业公司" || masked.Parties[0].Name == "王五" {
		t.Errorf("masked parties %+v", masked.Parties)
	}
}

func testDisputePartiesOnAccept(t *testing.T, e *env) {
	fx := e.fx
	c := e.report(t, fx.GridWorker, "")
	parties := []pingan.Person{{Role: pingan.PartyApplicant, Name: "赵六", Phone: "13911112222"}, {Role: pingan.PartyRespondent}}
	before := e.mediationRows(t, c.ID)
	_, err := e.db.Cases.Act(ctx, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept, Parties: parties})
	wantFields(t, err, "parties.2.name")
	_, err = e.db.Cases.Act(ctx, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActComment, Note: "备注", Parties: parties[:1]})
	wantFields(t, err, "parties")
	if r := e.mediationRows(t, c.ID); r != before {
		t.Fatalf("refused parties wrote %+v", r)
	}
	parties[1].Name = "钱七"
	acted := e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept, Parties: parties})
	if !acted.PersonalMasked || len(acted.Parties) != 2 || acted.Parties[1].Name != "钱*" {
		t.Errorf("the accept answered the parties %+v", acted.Parties)
	}
	got := must[*pingan.Case](t)(e.db.Cases.FindCase(ctx, fx.TownshipDispatcher, c.ID))
	if got.Status != pingan.StatusAccepted || len(got.Parties) != 2 || got.Parties[1].Name != "钱七" || got.Parties[0].Phone != "13911112222" {
		t.Fatalf("accepted with parties: %s %+v", got.Status, got.Parties)
	}
	// The people search finds them.
	found, _, err := e.db.Cases.FindCases(ctx, fx.TownshipDispatcher, pingan.CaseFilter{Person: "钱七"})
	if err != nil || len(found) != 1 || found[0].ID != c.ID {
		t.Errorf("search for a party given on accept: %v %v", ids(found), err)
	}
	// Another kind takes no parties on accept, and writes nothing.
	plain := e.report(t, fx.GridWorker, "", func(n *pingan.NewCase) { n.Kind, n.Category = pingan.KindService, "FW01" })
	before = e.mediationRows(t, plain.ID)
	_, err = e.db.Cases.Act(ctx, fx.TownshipDispatcher, plain.ID, pingan.ActionInput{Action: pingan.ActAccept, Parties: parties})
	wantFields(t, err, "parties")
	if r := e.mediationRows(t, plain.ID); r != before || e.find(t, plain.ID).Status != pingan.StatusReported {
		t.Fatalf("parties on another kind wrote %+v", r)
	}
}

func testDisputeSettings(t *testing.T, e *env) {
	fx := e.fx
	got := must[*pingan.DisputeSettings](t)(e.db.Settings.DisputeSettings(ctx))
	if *got != (pingan.DisputeSettings{GroupSize: pingan.DefaultGroupSize, RevisitDays: pingan.DefaultRevisitDays}) {
		t.Fatalf("defaults %+v", got)
	}
	wantCode(t, e.db.Settings.SetDisputeSettings(ctx, fx.CountyDispatcher, &pingan.DisputeSettings{GroupSize: 10}), pingan.EFORBIDDEN)
	wantFields(t, e.db.Settings.SetDisputeSettings(ctx, fx.Admin, &pingan.DisputeSettings{GroupSize: 1, RevisitDays: 400}),
		"group_size", "revisit_days")
	if err := e.db.Settings.SetDisputeSettings(ctx, fx.Admin, &pingan.DisputeSettings{GroupSize: 10, RevisitDays: 14}); err != nil {
		t.Fatal(err)
	}
	got = must[*pingan.DisputeSettings](t)(e.open(t).Settings.DisputeSettings(ctx))
	if *got != (pingan.DisputeSettings{GroupSize: 10, RevisitDays: 14}) {
		t.Fatalf("set %+v", got)
	}
	// They hold for what is recorded from now on: six people are no
	// group; the visit is due 14 days after the agreement.
	c := e.inMediation(t)
	six := e.report(t, fx.TownshipDispatcher, fx.Village.Code, func(n *pingan.NewCase) { n.Dispute = &pingan.DisputeFacts{People: 6} })
	if six.Mediation.Group {
		t.Errorf("6 people a group of 10")
	}
	day := pingan.DayOf(e.clock.Now())
	c = e.act(t, fx.Mediator, c.ID, pingan.ActionInput{Action: pingan.ActAgree, Agreement: &pingan.Agreement{SignedOn: day,
		Terms: []pingan.Term{{Text: "互相谅解", By: "双方", Due: day}}}})
	if !c.Mediation.RevisitBy.Equal(day.AddDate(0, 0, 14)) {
		t.Errorf("visit due %v", c.Mediation.RevisitBy)
	}
}
