package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/secret"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

var idRe = regexp.MustCompile(`^2026-620902-\d{6}$`)

func testCreateCaseValidation(t *testing.T, e *env) {
	fx := e.fx
	_, err := e.db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: "riot", Category: "9999", Source: "fax",
		Location: &pingan.Location{Lat: 100, Lng: 200}, Unit: "620921100001"})
	pe := wantCode(t, err, pingan.EINVALID)
	for _, f := range []string{"kind", "category", "title", "source", "location.lat", "location.lng", "unit"} {
		if zh(pe, f) == "" {
			t.Errorf("fields %v lack %s", pe.Fields, f)
		}
	}
	// A category of another kind.
	_, err = e.db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "AQ01", Title: "x"})
	if pe := wantCode(t, err, pingan.EINVALID); !strings.Contains(zh(pe, "category"), "AQ01 不属于种类 dispute") {
		t.Errorf("fields %v", pe.Fields)
	} else {
		wantKey(t, pe, "category", "report.category.kind")
	}
	// Resolved on site needs a result (workflow.Report).
	_, err = e.db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102", Title: "x", ResolvedOnSite: true})
	if pe := wantCode(t, err, pingan.EINVALID); zh(pe, "result") == "" {
		t.Errorf("fields %v", pe.Fields)
	}
	// Nothing was written by the failures.
	if list, _, _ := e.db.Cases.FindCases(ctx, fx.Admin, pingan.CaseFilter{}); len(list) != 0 {
		t.Fatalf("%d cases after failed reports", len(list))
	}

	// The unit defaults to the reporter's; a centre's is the unit it serves.
	c := e.report(t, fx.GridWorker, "")
	if c.Unit != "620902001001" || c.HoldingUnit != c.Unit || c.Region != "620902" || !idRe.MatchString(c.ID) || c.Number != c.ID {
		t.Errorf("grid worker's case: unit %s holding %s region %s id %s", c.Unit, c.HoldingUnit, c.Region, c.ID)
	}
	if c.Source != pingan.SourceGridWorker || c.ReportedBy != fx.GridWorker.ID || c.Status != pingan.StatusReported || c.Version != 1 {
		t.Errorf("case %+v", c)
	}
	if c.ResolveBy == nil || !c.ResolveBy.Equal(time.Date(2026, 3, 16, 23, 59, 59, 0, pingan.CST)) {
		t.Errorf("resolve_by %v, want 10 working days after 2 March 2026", c.ResolveBy)
	}
	c = e.report(t, fx.CountyDispatcher, "", func(n *pingan.NewCase) { n.Source = pingan.SourceHotline })
	if c.Unit != "620902" || c.Source != pingan.SourceHotline {
		t.Errorf("dispatcher's case: unit %s source %s", c.Unit, c.Source)
	}
	// Resolved on site (就地化解).
	c = e.report(t, fx.GridWorker, "", func(n *pingan.NewCase) { n.ResolvedOnSite, n.Result = true, "当场调解，双方和解" })
	if c.Status != pingan.StatusResolved || c.ResolvedAt == nil {
		t.Errorf("resolved on site: %s %v", c.Status, c.ResolvedAt)
	}
	// A citizen (no actor) must name the unit.
	_, err = e.db.Cases.CreateCase(ctx, nil, &pingan.NewCase{Kind: pingan.KindService, Category: "FW01", Title: "路灯不亮"})
	if pe := wantCode(t, err, pingan.EINVALID); zh(pe, "unit") == "" {
		t.Errorf("fields %v", pe.Fields)
	}
	c, err = e.db.Cases.CreateCase(ctx, nil, &pingan.NewCase{Kind: pingan.KindService, Category: "FW01", Title: "路灯不亮", Unit: "620921100001"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Source != pingan.SourceCitizen || c.Region != "620921" || c.ReportedBy != 0 {
		t.Errorf("citizen's case %+v", c)
	}
}

func testCaseNumbers(t *testing.T, e *env) {
	a := e.report(t, e.fx.GridWorker, "")
	b := e.report(t, e.fx.GridWorker, "620902001001")
	o := e.report(t, e.fx.OtherGridWorker, "")
	if a.ID != "2026-620902-000001" || b.ID != "2026-620902-000002" || o.ID != "2026-620921-000001" {
		t.Errorf("numbers %s %s %s", a.ID, b.ID, o.ID)
	}
	// A report dated in another year (an import) numbers in that year.
	old := e.report(t, e.fx.GridWorker, "", func(n *pingan.NewCase) { n.ReportedAt = time.Date(2025, 12, 31, 23, 0, 0, 0, pingan.CST) })
	if old.ID != "2025-620902-000001" {
		t.Errorf("2025 case numbered %s", old.ID)
	}
	if got := e.find(t, old.ID); !got.ReportedAt.Equal(time.Date(2025, 12, 31, 23, 0, 0, 0, pingan.CST)) {
		t.Errorf("reported_at %v", got.ReportedAt)
	}
	for _, id := range []string{"", "nonsense", "2026-620902", "2026-620902-00000x", "2026--000001"} {
		_, err := e.db.Cases.FindCase(ctx, e.fx.Admin, id)
		wantCode(t, err, pingan.ENOTFOUND)
	}
}

func testScoping(t *testing.T, e *env) {
	fx := e.fx
	other := e.report(t, fx.OtherGridWorker, "") // in 金塔县
	mine := e.report(t, fx.GridWorker, "")       // in 肃州区

	list, _, err := e.db.Cases.FindCases(ctx, fx.CountyDispatcher, pingan.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != mine.ID {
		t.Errorf("county dispatcher lists %v", ids(list))
	}
	for _, u := range []*pingan.User{fx.CountyDispatcher, fx.CountyLeader, fx.TownshipDispatcher, fx.GridWorker, fx.CountyHandler} {
		_, err := e.db.Cases.FindCase(ctx, u, other.ID)
		wantCode(t, err, pingan.ENOTFOUND)
		_, err = e.db.Cases.Timeline(ctx, u, other.ID)
		wantCode(t, err, pingan.ENOTFOUND)
		_, err = e.db.Cases.Act(ctx, u, other.ID, pingan.ActionInput{Action: pingan.ActAccept})
		wantCode(t, err, pingan.ENOTFOUND)
		_, err = e.db.Cases.Act(ctx, u, other.ID, pingan.ActionInput{Action: pingan.ActComment, Note: "看看"})
		wantCode(t, err, pingan.ENOTFOUND)
	}
	// The answer is the same as for a case that does not exist.
	_, errOther := e.db.Cases.FindCase(ctx, fx.CountyDispatcher, other.ID)
	_, errNone := e.db.Cases.FindCase(ctx, fx.CountyDispatcher, "2026-620921-000999")
	if errOther.Error() != strings.Replace(errNone.Error(), "2026-620921-000999", other.ID, 1) ||
		pingan.ErrorText(errOther, pingan.EN) != strings.Replace(pingan.ErrorText(errNone, pingan.EN), "2026-620921-000999", other.ID, 1) {
		t.Errorf("outside: %v; missing: %v", errOther, errNone)
	}
	// Nothing was changed by the refused actions.
	if c, err := e.db.Cases.FindCase(ctx, fx.OtherDispatcher, other.ID); err != nil || c.Status != pingan.StatusReported || c.Version != 1 {
		t.Errorf("other county's case: %v %v", c, err)
	}
	// Above both counties, the city sees both; a village does not see its neighbour.
	if list, _, _ := e.db.Cases.FindCases(ctx, fx.CityDispatcher, pingan.CaseFilter{}); len(list) != 2 {
		t.Errorf("city lists %v", ids(list))
	}
	n2 := e.report(t, fx.TownshipDispatcher, "620902001002")
	if _, err := e.db.Cases.FindCase(ctx, fx.GridWorker, n2.ID); code(err) != pingan.ENOTFOUND {
		t.Errorf("grid worker reads the neighbouring community's case: %v", err)
	}
	// Stats and units outside are not found either.
	_, err = e.db.Stats.Stats(ctx, fx.CountyDispatcher, wide("620921"))
	wantCode(t, err, pingan.ENOTFOUND)
	_, _, err = e.db.Cases.FindCases(ctx, fx.CountyDispatcher, pingan.CaseFilter{Unit: "620921"})
	wantCode(t, err, pingan.ENOTFOUND)
	// Reporting into another county is refused as an unknown unit.
	_, err = e.db.Cases.CreateCase(ctx, fx.GridWorker, &pingan.NewCase{Kind: pingan.KindDispute, Category: "0102", Title: "x", Unit: "620921100001"})
	if pe := wantCode(t, err, pingan.EINVALID); zh(pe, "unit") == "" {
		t.Errorf("fields %v", pe.Fields)
	}
}

func ids(cs []*pingan.Case) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

// loop takes a case from report to close through the township.
func (e *env) closeCase(t *testing.T, id string) {
	t.Helper()
	fx := e.fx
	e.act(t, fx.TownshipDispatcher, id, pingan.ActionInput{Action: pingan.ActAccept})
	e.act(t, fx.TownshipDispatcher, id, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code})
	e.act(t, fx.TownshipHandler, id, pingan.ActionInput{Action: pingan.ActSign})
	e.act(t, fx.TownshipHandler, id, pingan.ActionInput{Action: pingan.ActResolve, Result: "经调解双方达成协议"})
	e.act(t, fx.TownshipDispatcher, id, pingan.ActionInput{Action: pingan.ActClose})
}

func testLoop(t *testing.T, e *env) {
	fx := e.fx
	c := e.report(t, fx.GridWorker, "")
	got, err := e.db.Cases.FindCase(ctx, fx.TownshipDispatcher, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(got.AllowedActions, pingan.ActAccept) || !slices.Contains(got.AllowedActions, pingan.ActReject) {
		t.Errorf("township dispatcher may %v", got.AllowedActions)
	}
	if got, _ := e.db.Cases.FindCase(ctx, fx.GridWorker, c.ID); slices.Contains(got.AllowedActions, pingan.ActAccept) {
		t.Errorf("grid worker may %v", got.AllowedActions)
	}
	// The wrong role is refused, and nothing is written.
	_, err = e.db.Cases.Act(ctx, fx.GridWorker, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	wantCode(t, err, pingan.EFORBIDDEN)
	_, err = e.db.Cases.Act(ctx, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActClose})
	wantCode(t, err, pingan.ECONFLICT)

	step := func(u *pingan.User, in pingan.ActionInput, want pingan.Status) *pingan.Case {
		t.Helper()
		e.clock.Advance(time.Hour)
		c := e.act(t, u, c.ID, in)
		if c.Status != want {
			t.Fatalf("%s: status %s, want %s", in.Action, c.Status, want)
		}
		return c
	}
	step(fx.TownshipDispatcher, pingan.ActionInput{Action: pingan.ActAccept, Note: "受理"}, pingan.StatusAccepted)
	d := step(fx.TownshipDispatcher, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.Township.Code}, pingan.StatusDispatched)
	if d.AssignedUnit != fx.Township.Code || d.SignBy == nil || !d.SignBy.Equal(storetest.Epoch.Add(2*time.Hour+24*time.Hour)) {
		t.Errorf("dispatched: assigned %s sign_by %v", d.AssignedUnit, d.SignBy)
	}
	s := step(fx.TownshipHandler, pingan.ActionInput{Action: pingan.ActSign}, pingan.StatusInProgress)
	if s.SignedAt == nil {
		t.Error("signed_at not set")
	}
	photos := []pingan.Upload{{Name: "协议书.png", Data: storetest.PNG("调解协议书")}, {Name: "现场.png", Data: storetest.PNG("现场照片")}}
	step(fx.TownshipHandler, pingan.ActionInput{Action: pingan.ActResolve, Result: "经调解双方达成协议", Photos: photos}, pingan.StatusResolved)
	step(fx.TownshipDispatcher, pingan.ActionInput{Action: pingan.ActClose}, pingan.StatusClosed)
	r := step(fx.GridWorker, pingan.ActionInput{Action: pingan.ActRate, Satisfaction: pingan.Satisfied}, pingan.StatusClosed)
	if r.Satisfaction == nil || *r.Satisfaction != pingan.Satisfied {
		t.Errorf("satisfaction %v", r.Satisfaction)
	}
	// Rated once only.
	_, err = e.db.Cases.Act(ctx, fx.GridWorker, c.ID, pingan.ActionInput{Action: pingan.ActRate, Satisfaction: pingan.Dissatisfied})
	wantCode(t, err, pingan.ECONFLICT)

	final := e.find(t, c.ID)
	if final.Version != 7 || final.SignedAt == nil || final.ResolvedAt == nil || final.ClosedAt == nil ||
		!final.ClosedAt.Equal(storetest.Epoch.Add(5*time.Hour)) || !final.UpdatedAt.Equal(storetest.Epoch.Add(6*time.Hour)) {
		t.Errorf("final case %+v", final)
	}
	acts := e.timeline(t, c.ID)
	want := []struct {
		a        pingan.ActionName
		from, to pingan.Status
		actor    string
	}{
		{pingan.ActReport, "", pingan.StatusReported, "富康社区网格员"},
		{pingan.ActAccept, pingan.StatusReported, pingan.StatusAccepted, "东北街派遣员"},
		{pingan.ActDispatch, pingan.StatusAccepted, pingan.StatusDispatched, "东北街派遣员"},
		{pingan.ActSign, pingan.StatusDispatched, pingan.StatusInProgress, "东北街处置员"},
		{pingan.ActResolve, pingan.StatusInProgress, pingan.StatusResolved, "东北街处置员"},
		{pingan.ActClose, pingan.StatusResolved, pingan.StatusClosed, "东北街派遣员"},
		{pingan.ActRate, pingan.StatusClosed, pingan.StatusClosed, "富康社区网格员"},
	}
	if len(acts) != len(want) {
		t.Fatalf("timeline has %d entries, want %d", len(acts), len(want))
	}
	for i, w := range want {
		a := acts[i]
		if a.Seq != i+1 || a.CaseID != c.ID || a.Action != w.a || a.FromStatus != w.from || a.ToStatus != w.to || a.ActorName != w.actor ||
			!a.At.Equal(storetest.Epoch.Add(time.Duration(i)*time.Hour)) {
			t.Errorf("entry %d: %+v, want %+v", i+1, a, w)
		}
	}
	if acts[2].ToUnit != fx.Township.Code || acts[2].Deadline == nil {
		t.Errorf("dispatch entry %+v", acts[2])
	}
	if !reflect.DeepEqual(acts[4].Attachments, []string{"sha256:" + sumOf(photos[0].Data), "sha256:" + sumOf(photos[1].Data)}) || acts[4].Note != "经调解双方达成协议" {
		t.Errorf("resolve entry %+v", acts[4])
	}
	if acts[6].Satisfaction != pingan.Satisfied {
		t.Errorf("rate entry %+v", acts[6])
	}
	// Reopen and rework go on through the same loop.
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActReopen, Reason: "群众反映问题复发"})
	if got := e.find(t, c.ID); got.Status != pingan.StatusAccepted || got.Satisfaction != nil || got.ClosedAt != nil {
		t.Errorf("reopened %+v", got)
	}
}

// testActionAtomicVersionConflict: a case changed by someone else between
// the read and the write is not overwritten, and no timeline entry is written.
func testActionAtomicVersionConflict(t *testing.T, e *env) {
	c := e.report(t, e.fx.GridWorker, "")
	e.db.SetHooks(func(ctx context.Context, tx *sql.Tx, c *pingan.Case, seq int) error {
		// Someone else's write lands between our read and our update.
		_, err := tx.ExecContext(ctx, `UPDATE cases SET version = version + 1 WHERE region = $1 AND id = $2`, c.Region, c.ID)
		return err
	}, nil)
	_, err := e.db.Cases.Act(ctx, e.fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	wantCode(t, err, pingan.ECONFLICT)
	e.db.SetHooks(nil, nil)
	got := e.find(t, c.ID)
	if got.Status != pingan.StatusReported || got.Version != 1 {
		t.Errorf("after the conflict: status %s version %d", got.Status, got.Version)
	}
	if acts := e.timeline(t, c.ID); len(acts) != 1 {
		t.Errorf("timeline has %d entries, want 1", len(acts))
	}
	e.act(t, e.fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	if acts := e.timeline(t, c.ID); len(acts) != 2 || acts[1].Seq != 2 {
		t.Errorf("after retrying: %d entries", len(acts))
	}
}

// testActionAtomicDuplicateSeq: when the timeline entry cannot be written
// after the case row was updated, the update is undone too.
func testActionAtomicDuplicateSeq(t *testing.T, e *env) {
	c := e.report(t, e.fx.GridWorker, "")
	var usedSeq int
	e.db.SetHooks(nil, func(ctx context.Context, tx *sql.Tx, c *pingan.Case, seq int) error {
		usedSeq = seq
		// Take the entry's number first, so that its insert fails.
		_, err := tx.ExecContext(ctx, `INSERT INTO actions (region, case_id, seq, action, actor_name, acted_at, to_status)
			SELECT region, case_id, $3, 'comment', 'intruder', acted_at, to_status FROM actions WHERE region = $1 AND case_id = $2 AND seq = 1`,
			c.Region, c.ID, seq)
		return err
	})
	_, err := e.db.Cases.Act(ctx, e.fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	if err == nil {
		t.Fatal("Act succeeded with its timeline entry's number taken")
	}
	if usedSeq != 2 {
		t.Errorf("seq %d, want 2", usedSeq)
	}
	e.db.SetHooks(nil, nil)
	got := e.find(t, c.ID)
	if got.Status != pingan.StatusReported || got.Version != 1 {
		t.Errorf("the case was updated without its timeline entry: status %s version %d", got.Status, got.Version)
	}
	acts := e.timeline(t, c.ID)
	if len(acts) != 1 || acts[0].Action != pingan.ActReport {
		t.Errorf("timeline %v", acts)
	}
}

func testIdempotency(t *testing.T, e *env) {
	key := func(n *pingan.NewCase) { n.IdempotencyKey = "phone-7f3a-0001" }
	a := e.report(t, e.fx.GridWorker, "", key)
	b := e.report(t, e.fx.GridWorker, "", key)
	if a.ID != b.ID {
		t.Fatalf("same key, two cases: %s %s", a.ID, b.ID)
	}
	// Another user's key is another key.
	o := e.report(t, e.fx.TownshipDispatcher, "620902001001", key)
	if o.ID == a.ID {
		t.Error("one user's key answered another user's case")
	}
	// No key, no idempotency.
	c := e.report(t, e.fx.GridWorker, "")
	d := e.report(t, e.fx.GridWorker, "")
	if c.ID == d.ID {
		t.Error("two reports without a key gave one case")
	}
	list, _, _ := e.db.Cases.FindCases(ctx, e.fx.Admin, pingan.CaseFilter{})
	if len(list) != 4 {
		t.Errorf("%d cases, want 4", len(list))
	}
	if d.ID != "2026-620902-000004" {
		t.Errorf("the replay took a number: last is %s", d.ID)
	}
	if acts := e.timeline(t, a.ID); len(acts) != 1 {
		t.Errorf("the replay added to the timeline: %d entries", len(acts))
	}
}

var (
	reporter = &pingan.Person{Role: "reporter", Name: "张三丰", Phone: "13812345678", IDNumber: "620902199001011234"}
	parties  = []pingan.Person{
		{Role: "applicant", Name: "张三丰", Phone: "13812345678"},
		{Role: "respondent", Name: "李四", Phone: "13987654321", IDNumber: "62090219850505432X"},
	}
)

func withPersons(n *pingan.NewCase) { n.Reporter, n.Parties = reporter, parties }

func testMaskedListUnmaskedRead(t *testing.T, e *env) {
	fx := e.fx
	c := e.report(t, fx.GridWorker, "", withPersons)
	plain := e.report(t, fx.GridWorker, "")
	if !c.PersonalMasked || c.Reporter == nil || c.Reporter.Phone != "138****5678" {
		t.Errorf("the report's answer shows %+v", c.Reporter)
	}
	list, _, err := e.db.Cases.FindCases(ctx, fx.TownshipDispatcher, pingan.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got *pingan.Case
	for _, x := range list {
		if x.ID == c.ID {
			got = x
		}
		if !x.PersonalMasked {
			t.Errorf("%s: not marked masked", x.ID)
		}
	}
	wantReporter := pingan.Person{Role: "reporter", Name: "张**", Phone: "138****5678", IDNumber: "620902**********34"}
	if got == nil || got.Reporter == nil || *got.Reporter != wantReporter {
		t.Fatalf("listed reporter %+v, want %+v", got.Reporter, wantReporter)
	}
	if len(got.Parties) != 2 || got.Parties[1] != (pingan.Person{Role: "respondent", Name: "李*", Phone: "139****4321", IDNumber: "620902**********2X"}) {
		t.Errorf("listed parties %+v", got.Parties)
	}
	// Lists are not audited.
	if a, _ := e.db.Audit.Audit(ctx, c.ID); len(a) != 0 {
		t.Errorf("audit after a list: %+v", a)
	}

	e.clock.Advance(time.Minute)
	full, err := e.db.Cases.FindCase(ctx, fx.TownshipDispatcher, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if full.PersonalMasked || full.Reporter == nil || *full.Reporter != *reporter || !reflect.DeepEqual(full.Parties, parties) {
		t.Errorf("read %+v %+v masked=%v", full.Reporter, full.Parties, full.PersonalMasked)
	}
	audit, err := e.db.Audit.Audit(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(audit) != 1 {
		t.Fatalf("audit %+v, want one read", audit)
	}
	a := audit[0]
	if a.Action != "read_personal" || a.UserID != fx.TownshipDispatcher.ID || a.User != "东北街派遣员" || a.CaseID != c.ID ||
		!a.At.Equal(storetest.Epoch.Add(time.Minute)) || a.ID == 0 {
		t.Errorf("audit entry %+v", a)
	}
	e.find(t, c.ID)
	if audit, _ := e.db.Audit.Audit(ctx, c.ID); len(audit) != 2 || audit[1].UserID != fx.Admin.ID {
		t.Errorf("second read: %+v", audit)
	}
	// A case without personal data: nothing to audit.
	e.find(t, plain.ID)
	if audit, _ := e.db.Audit.Audit(ctx, plain.ID); len(audit) != 0 {
		t.Errorf("audit of a case without personal data: %+v", audit)
	}
	// Acting answers masked data.
	acted := e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	if !acted.PersonalMasked || acted.Reporter.Phone != "138****5678" {
		t.Errorf("Act answered %+v", acted.Reporter)
	}
}

func testEncryptedAtRest(t *testing.T, e *env) {
	c := e.report(t, e.fx.GridWorker, "", withPersons)
	rows, err := e.db.SQL().QueryContext(ctx, `SELECT * FROM cases WHERE id = $1`, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	if !rows.Next() {
		t.Fatal("no row")
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		t.Fatal(err)
	}
	sealed := 0
	for i, v := range vals {
		s := fmt.Sprint(v)
		if b, ok := v.([]byte); ok {
			s = string(b)
		}
		for _, secret := range []string{"13812345678", "13987654321", "张三丰", "李四", "620902199001011234"} {
			if strings.Contains(s, secret) {
				t.Errorf("column %s holds %q in the clear", cols[i], secret)
			}
		}
		if (cols[i] == "reporter_sealed" || cols[i] == "parties_sealed") && len(s) > 28 {
			sealed++
		}
	}
	if sealed != 2 {
		t.Errorf("%d sealed columns filled, want 2", sealed)
	}
	rows.Close()
	// Nor anywhere in the timeline.
	var notes string
	e.db.SQL().QueryRowContext(ctx, `SELECT note FROM actions WHERE case_id = $1`, c.ID).Scan(&notes)
	if strings.Contains(notes, "1381234") {
		t.Errorf("timeline note %q", notes)
	}
	// Another key cannot read it: a store with another key does not open
	// (store/edges_test.go tests the refusal).
	key, _ := secret.GenerateKey()
	sealer, _ := secret.NewSealer(key)
	if other, err := store.Open(ctx, store.Options{DSN: e.dsn, Sealer: sealer, Clock: e.clock}); !errors.Is(err, store.ErrKey) {
		if err == nil {
			other.Close()
		}
		t.Errorf("opened with another key: %v", err)
	}
}

func testFindCasesFilters(t *testing.T, e *env) {
	fx := e.fx
	storetest.SeedGrids(t, e.db, fx) // the grid given below must exist
	leak := e.report(t, fx.GridWorker, "")
	e.clock.Advance(time.Hour)
	fire := e.report(t, fx.TownshipDispatcher, "620902001002", func(n *pingan.NewCase) {
		n.Kind, n.Category, n.Title, n.Description, n.Grid = pingan.KindHazard, "AQ01", "Fire exit blocked 消防通道堵塞", "商铺占用消防通道", "620902001002-01"
	})
	e.clock.Advance(time.Hour)
	lamp := e.report(t, fx.CountyDispatcher, "620902100001", func(n *pingan.NewCase) {
		n.Kind, n.Category, n.Title, n.Description, n.Address = pingan.KindService, "FW01", "路灯不亮 street LAMP", "", "银达村村委会门口"
	})
	e.clock.Advance(time.Hour)
	petition := e.report(t, fx.CountyDispatcher, "", func(n *pingan.NewCase) {
		n.Kind, n.Category, n.Title, n.Description = pingan.KindPetition, "XF01", "反映拆迁补偿问题", "要求提高补偿标准"
	})
	e.act(t, fx.TownshipDispatcher, leak.ID, pingan.ActionInput{Action: pingan.ActAccept})
	yes := true
	for _, c := range []struct {
		name string
		f    pingan.CaseFilter
		want []*pingan.Case
	}{
		{"all", pingan.CaseFilter{}, []*pingan.Case{petition, lamp, fire, leak}},
		{"kind", pingan.CaseFilter{Kind: pingan.KindHazard}, []*pingan.Case{fire}},
		{"category and its children", pingan.CaseFilter{Category: "01"}, []*pingan.Case{leak}},
		{"category", pingan.CaseFilter{Category: "FW01"}, []*pingan.Case{lamp}},
		{"status", pingan.CaseFilter{Status: []pingan.Status{pingan.StatusAccepted}}, []*pingan.Case{leak}},
		{"statuses", pingan.CaseFilter{Status: []pingan.Status{pingan.StatusAccepted, pingan.StatusReported}}, []*pingan.Case{petition, lamp, fire, leak}},
		{"unit subtree", pingan.CaseFilter{Unit: fx.Township.Code}, []*pingan.Case{fire, leak}},
		{"grid", pingan.CaseFilter{Grid: "620902001002-01"}, []*pingan.Case{fire}},
		{"overdue", pingan.CaseFilter{Overdue: &yes}, nil},
		{"q title", pingan.CaseFilter{Q: "漏水"}, []*pingan.Case{leak}},
		{"q description", pingan.CaseFilter{Q: "消防通道"}, []*pingan.Case{fire}},
		{"q address", pingan.CaseFilter{Q: "村委会"}, []*pingan.Case{lamp}},
		{"q ignores ASCII case", pingan.CaseFilter{Q: "street lamp"}, []*pingan.Case{lamp}},
		{"q number", pingan.CaseFilter{Q: petition.Number}, []*pingan.Case{petition}},
		{"q wildcard is literal", pingan.CaseFilter{Q: "%"}, nil},
		{"from", pingan.CaseFilter{From: storetest.Epoch.Add(90 * time.Minute)}, []*pingan.Case{petition, lamp}},
		{"from to", pingan.CaseFilter{From: storetest.Epoch.Add(time.Hour), To: storetest.Epoch.Add(2 * time.Hour)}, []*pingan.Case{fire}},
	} {
		got, next, err := e.db.Cases.FindCases(ctx, fx.CountyDispatcher, c.f)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !slices.Equal(ids(got), ids(c.want)) || next != "" {
			t.Errorf("%s: %v next %q, want %v", c.name, ids(got), next, ids(c.want))
		}
	}
	_, _, err := e.db.Cases.FindCases(ctx, fx.CountyDispatcher, pingan.CaseFilter{Status: []pingan.Status{"lost"}, Kind: "x"})
	pe := wantCode(t, err, pingan.EINVALID)
	if zh(pe, "status") == "" || zh(pe, "kind") == "" {
		t.Errorf("fields %v", pe.Fields)
	}
}

func testFindCasesPaging(t *testing.T, e *env) {
	var made []string
	for i := range 7 {
		if i != 3 { // two cases share a report time
			e.clock.Advance(time.Minute)
		}
		made = append(made, e.report(t, e.fx.GridWorker, "").ID)
	}
	slices.Reverse(made)
	var got []string
	cursor := ""
	pages := 0
	for {
		list, next, err := e.db.Cases.FindCases(ctx, e.fx.TownshipDispatcher, pingan.CaseFilter{Limit: 3, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		got = append(got, ids(list)...)
		if next == "" {
			break
		}
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		cursor = next
	}
	if pages != 3 || !slices.Equal(got, made) {
		t.Errorf("%d pages: %v, want %v", pages, got, made)
	}
	_, _, err := e.db.Cases.FindCases(ctx, e.fx.TownshipDispatcher, pingan.CaseFilter{Cursor: "!!not a cursor"})
	if pe := wantCode(t, err, pingan.EINVALID); zh(pe, "cursor") == "" {
		t.Errorf("fields %v", pe.Fields)
	}
}

func testDispatchTarget(t *testing.T, e *env) {
	fx := e.fx
	c := e.report(t, fx.GridWorker, "")
	e.act(t, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	for _, to := range []string{"620921100000", "620902-zjj", "999999", ""} { // another county, above the township, unknown, none
		_, err := e.db.Cases.Act(ctx, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: to})
		if pe := wantCode(t, err, pingan.EINVALID); zh(pe, "to_unit") == "" {
			t.Errorf("to %q: fields %v", to, pe.Fields)
		}
	}
	if got := e.find(t, c.ID); got.Status != pingan.StatusAccepted || got.Version != 2 {
		t.Errorf("after refused dispatches: %s v%d", got.Status, got.Version)
	}
	// The county centre may send it to its department, whose handler then sees it.
	e.act(t, fx.CountyDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActDispatch, ToUnit: fx.CountyHousing.Code})
	got, err := e.db.Cases.FindCase(ctx, fx.CountyHandler, c.ID)
	if err != nil {
		t.Fatalf("the department cannot read the case dispatched to it: %v", err)
	}
	if !slices.Contains(got.AllowedActions, pingan.ActSign) || !slices.Contains(got.AllowedActions, pingan.ActReturn) {
		t.Errorf("department handler may %v", got.AllowedActions)
	}
	if list, _, _ := e.db.Cases.FindCases(ctx, fx.CountyHandler, pingan.CaseFilter{}); len(list) != 1 {
		t.Errorf("department lists %v", ids(list))
	}
	// Returned, it leaves the department's sight.
	e.act(t, fx.CountyHandler, c.ID, pingan.ActionInput{Action: pingan.ActReturn, Reason: "不属于本部门职责"})
	_, err = e.db.Cases.FindCase(ctx, fx.CountyHandler, c.ID)
	wantCode(t, err, pingan.ENOTFOUND)
}

// wide is a query of unit over the ten years around the fixture's epoch.
func wide(unit string) pingan.StatsQuery {
	return pingan.StatsQuery{Unit: unit, From: storetest.Epoch.AddDate(-5, 0, 0).Truncate(24 * time.Hour).Add(-8 * time.Hour),
		To: storetest.Epoch.AddDate(5, 0, 0).Truncate(24 * time.Hour).Add(-8 * time.Hour)}
}

func testStats(t *testing.T, e *env) {
	fx := e.fx
	closed := e.report(t, fx.GridWorker, "")
	e.closeCase(t, closed.ID)
	e.act(t, fx.GridWorker, closed.ID, pingan.ActionInput{Action: pingan.ActRate, Satisfaction: pingan.BasicallySatisfied})
	closed2 := e.report(t, fx.GridWorker, "")
	e.closeCase(t, closed2.ID)
	e.act(t, fx.TownshipDispatcher, closed2.ID, pingan.ActionInput{Action: pingan.ActRate, Satisfaction: pingan.Dissatisfied})
	esc := e.report(t, fx.GridWorker, "", func(n *pingan.NewCase) { n.Kind, n.Category = pingan.KindHazard, "AQ02" })
	e.act(t, fx.TownshipDispatcher, esc.ID, pingan.ActionInput{Action: pingan.ActEscalate, Reason: "涉及多个部门"})
	e.report(t, fx.OtherGridWorker, "")
	// Reported later: outside the period.
	e.clock.Advance(48 * time.Hour)
	e.report(t, fx.GridWorker, "")

	y, m, d := storetest.Epoch.Date()
	from := time.Date(y, m, d, 0, 0, 0, 0, pingan.CST)
	to := from.AddDate(0, 0, 1)
	s, err := e.db.Stats.Stats(ctx, fx.CountyDispatcher, pingan.StatsQuery{From: from, To: to})
	if err != nil {
		t.Fatal(err)
	}
	got := &pingan.Stats{Unit: s.Unit, From: s.From, To: s.To, Total: s.Total, ByStatus: s.ByStatus, ByKind: s.ByKind,
		Resolved: s.Resolved, OnTime: s.OnTime, Rated: s.Rated, Happy: s.Happy, Escalate: s.Escalate,
		Rates: map[string]float64{"on_time": s.Rates["on_time"], "resolution": s.Rates["resolution"],
			"satisfaction": s.Rates["satisfaction"], "escalation": s.Rates["escalation"], "closing": s.Rates["closing"]}}
	want := &pingan.Stats{Unit: "620902", From: from, To: to, Total: 3,
		ByStatus: map[pingan.Status]int{pingan.StatusClosed: 2, pingan.StatusAccepted: 1},
		ByKind:   map[pingan.Kind]int{pingan.KindDispute: 2, pingan.KindHazard: 1},
		Resolved: 2, OnTime: 2, Rated: 2, Happy: 1, Escalate: 1,
		Rates: map[string]float64{"on_time": 1, "resolution": 2.0 / 3, "satisfaction": 0.5, "escalation": 1.0 / 3, "closing": 2.0 / 3}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("county stats\n got %+v\nwant %+v", got, want)
	}
	if s.Counts["in_closed"] != 2 || s.Counts["dissatisfied"] != 1 || s.Bases["satisfaction"] != 2 {
		t.Errorf("county counts %v, bases %v", s.Counts, s.Bases)
	}
	s, err = e.db.Stats.Stats(ctx, fx.CityDispatcher, pingan.StatsQuery{From: from, To: to})
	if err != nil || s.Total != 4 || s.Unit != "620900" {
		t.Errorf("city stats %+v %v", s, err)
	}
	s, err = e.db.Stats.Stats(ctx, fx.CityDispatcher, wide("620921"))
	if err != nil || s.Total != 1 || s.Rates["on_time"] != 0 {
		t.Errorf("other county's stats %+v %v", s, err)
	}
	s, err = e.db.Stats.Stats(ctx, fx.CountyDispatcher, wide(""))
	if err != nil || s.Total != 4 {
		t.Errorf("a wide period's stats %+v %v", s, err)
	}
	s, err = e.db.Stats.Stats(ctx, fx.CountyHandler, pingan.StatsQuery{From: from, To: to}) // nothing was ever assigned to the department
	if err != nil || s.Total != 0 || s.Rates["resolution"] != 0 {
		t.Errorf("department stats %+v %v", s, err)
	}
}
