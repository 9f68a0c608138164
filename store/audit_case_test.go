package store_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// caseAuditRow is a case action's audit row as the test reads it.
type caseAuditRow struct {
	action, user, unit, result, detail string
	userID                             int64
	step                               struct {
		Seq      int    `json:"seq"`
		From     string `json:"from"`
		To       string `json:"to"`
		FromUnit string `json:"from_unit"`
		ToUnit   string `json:"to_unit"`
	}
}

// caseAuditRows answers the case action rows of case id, in the order written.
func caseAuditRows(t *testing.T, e *env, id string) []caseAuditRow {
	t.Helper()
	rows, err := e.db.SQL().QueryContext(ctx, `SELECT action, user_id, user_name, unit_code, result, detail FROM audit
		WHERE case_id = $1 AND action LIKE 'case%' ORDER BY id`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []caseAuditRow
	for rows.Next() {
		var r caseAuditRow
		if err := rows.Scan(&r.action, &r.userID, &r.user, &r.unit, &r.result, &r.detail); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(r.detail), &r.step); err != nil {
			t.Fatalf("detail %q: %v", r.detail, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// testAuditCaseActions: a case walked through its loop has one audit row
// per timeline entry, in order, under the actor and the actor's unit, with
// the step and no personal data; a refused step is its own row, the system's
// escalation is filed under the system; the case's own audit list
// (Audit.Audit) keeps to the reads, and the chain verifies over all of it.
func testAuditCaseActions(t *testing.T, e *env) {
	fx := e.fx
	const name, phone, secret = "张三丰", "13812345678", "门锁密码 4711"
	c := e.report(t, fx.GridWorker, "", func(in *pingan.NewCase) {
		in.Reporter = &pingan.Person{Role: "reporter", Name: name, Phone: phone}
		in.Description = name + "反映楼上漏水，电话 " + phone
	})
	walk := []struct {
		u  *pingan.User
		in pingan.ActionInput
	}{
		{fx.TownshipDispatcher, pingan.ActionInput{Action: pingan.ActAccept, Note: "受理 " + name}},
		{fx.TownshipDispatcher, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code}},
		{fx.TownshipHandler, pingan.ActionInput{Action: pingan.ActSign}},
		{fx.TownshipHandler, pingan.ActionInput{Action: pingan.ActResolve, Result: "已与" + name + "（" + phone + "）沟通，" + secret}},
		{fx.TownshipDispatcher, pingan.ActionInput{Action: pingan.ActClose, Note: phone}},
		{fx.GridWorker, pingan.ActionInput{Action: pingan.ActRate, Satisfaction: pingan.Satisfied}},
	}
	for _, w := range walk {
		e.clock.Advance(time.Hour)
		e.act(t, w.u, c.ID, w.in)
	}
	// A refusal is an action_refused row, not a case action.
	if _, err := e.db.Cases.Act(ctx, fx.GridWorker, c.ID, pingan.ActionInput{Action: pingan.ActRate, Satisfaction: pingan.Dissatisfied}); code(err) != pingan.ECONFLICT {
		t.Fatalf("a second rating: %v", err)
	}

	acts := e.timeline(t, c.ID)
	rows := caseAuditRows(t, e, c.ID)
	if len(acts) != 1+len(walk) || len(rows) != len(acts) {
		t.Fatalf("%d timeline entries, %d case action rows: %+v", len(acts), len(rows), rows)
	}
	actors := []*pingan.User{fx.GridWorker}
	for _, w := range walk {
		actors = append(actors, w.u)
	}
	for i, a := range acts {
		r, u := rows[i], actors[i]
		if r.action != pingan.AuditCasePrefix+string(a.Action) || r.userID != u.ID || r.user != u.Name || r.unit != u.UnitCode ||
			r.result != pingan.AuditOK {
			t.Errorf("row %d: %+v, want %s by %s of %s", i, r, a.Action, u.Username, u.UnitCode)
		}
		if r.step.Seq != a.Seq || r.step.From != string(a.FromStatus) || r.step.To != string(a.ToStatus) ||
			r.step.FromUnit != a.FromUnit || r.step.ToUnit != a.ToUnit {
			t.Errorf("row %d's detail %s, want the step %+v", i, r.detail, a)
		}
		for _, personal := range []string{name, phone, secret, "漏水"} {
			if strings.Contains(r.detail, personal) || strings.Contains(r.user, personal) {
				t.Errorf("row %d carries %q: %+v", i, personal, r)
			}
		}
	}
	if d := rows[2].step; d.To != string(pingan.StatusDispatched) || d.ToUnit != fx.Township.Code {
		t.Errorf("the dispatch's row: %+v", d)
	}

	// The audit administrator finds the dispatches by their event.
	page, total, err := e.db.Audit.SearchAudit(ctx, fx.Auditor, pingan.AuditFilter{Action: "case_dispatch",
		From: storetest.Epoch.AddDate(0, 0, -1), To: e.clock.Now().Add(time.Hour)})
	if err != nil || total != 1 || len(page) != 1 || page[0].CaseID != c.ID || page[0].Unit != fx.TownshipDispatcher.UnitCode {
		t.Fatalf("search by case_dispatch: %d %+v %v", total, page, err)
	}

	// The system's actions are filed under the system, with no account.
	late := e.report(t, fx.GridWorker, "")
	e.clock.Set(due0102.Add(9 * time.Hour))
	if n := escalate(t, e.db, e.clock.Now(), 100); n < 1 {
		t.Fatalf("escalated %d", n)
	}
	sys := caseAuditRows(t, e, late.ID)
	if len(sys) != 2 || sys[1].action != "case_escalate" || sys[1].userID != 0 || sys[1].user != pingan.SystemActor ||
		sys[1].unit != "" || sys[1].step.ToUnit != fx.Township.Code {
		t.Errorf("the escalation's row: %+v", sys)
	}

	// The case's own audit list is of reads and refusals, not its timeline.
	if _, err := e.db.Cases.FindCase(ctx, fx.TownshipDispatcher, c.ID); err != nil { // an unmasked read
		t.Fatal(err)
	}
	list, err := e.db.Audit.Audit(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, a := range list {
		seen[a.Action]++
	}
	if len(seen) != 2 || seen["read_personal"] == 0 || seen["action_refused"] != 1 {
		t.Errorf("the case's audit list: %v", seen)
	}

	if _, err := e.db.Audit.Chain(ctx); err != nil {
		t.Fatal(err)
	}
	if v := verify(t, e, nil); v.Break != nil || v.Unchained != 0 || v.Checked < int64(len(rows)+len(sys)) {
		t.Errorf("the chain over the case actions: %+v, break %+v", v, v.Break)
	}
}
