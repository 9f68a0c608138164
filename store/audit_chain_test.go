package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// writeAuditRows writes n audit rows through a real writer: failed
// sign-ins of names no account has, each with its source and request id.
func writeAuditRows(t *testing.T, db *store.DB, n int, tag string) {
	t.Helper()
	for i := 0; i < n; i++ {
		c := pingan.NewContextWithRequestID(pingan.NewContextWithSource(ctx, "10.0.0.9"), fmt.Sprintf("req-%s-%d", tag, i))
		for {
			_, err := db.Users.Login(c, fmt.Sprintf("nobody-%s-%d", tag, i), "wrong password")
			if errors.Is(err, pingan.ErrSignInBusy) {
				continue
			}
			if code(err) != pingan.EUNAUTHORIZED {
				t.Fatalf("login: %v", err)
			}
			break
		}
	}
}

// chained writes n rows and chains every row, and answers the head's seq.
func chained(t *testing.T, e *env, n int) int64 {
	t.Helper()
	writeAuditRows(t, e.db, n, "a")
	if _, err := e.db.Audit.Chain(ctx); err != nil {
		t.Fatal(err)
	}
	v := verify(t, e, nil)
	if v.Break != nil || v.Unchained != 0 || v.Checked != v.HeadSeq || v.HeadSeq < int64(n) {
		t.Fatalf("fresh chain: %+v, break %+v", v, v.Break)
	}
	return v.HeadSeq
}

func verify(t *testing.T, e *env, extra []pingan.AuditAnchor) store.Verification {
	t.Helper()
	v, err := e.db.Audit.Verify(ctx, extra, nil)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func rawExec(t *testing.T, e *env, stmts ...string) {
	t.Helper()
	if err := e.db.BulkExec(ctx, func(tx *sql.Tx) error {
		for _, s := range stmts {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("%s: %w", s, err)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func wantBreak(t *testing.T, v store.Verification, seq int64, kind string) {
	t.Helper()
	if v.Break == nil || v.Break.Seq != seq || v.Break.Kind != kind {
		t.Fatalf("verify: break %+v, want seq %d %s", v.Break, seq, kind)
	}
}

// testAuditRowColumns: a row carries the account's unit, the source
// address, the request id and the result.
func testAuditRowColumns(t *testing.T, e *env) {
	c := pingan.NewContextWithRequestID(pingan.NewContextWithSource(ctx, "192.0.2.7"), "req-columns")
	if _, err := e.db.Users.Login(c, e.fx.Auditor.Username, "wrong password"); code(err) != pingan.EUNAUTHORIZED {
		t.Fatalf("login: %v", err)
	}
	day := auditTestDay(e)
	rows, total, err := e.db.Audit.SearchAudit(ctx, e.fx.Auditor, pingan.AuditFilter{Account: e.fx.Auditor.Username,
		Action: "login_failed", From: day, To: day.Add(48 * time.Hour)})
	if err != nil || total != 1 {
		t.Fatalf("search: %d rows, %v", total, err)
	}
	r := rows[0]
	if r.Unit != e.fx.Auditor.UnitCode || r.Source != "192.0.2.7" || r.RequestID != "req-columns" || r.Result != pingan.AuditRefused {
		t.Fatalf("row %+v", r)
	}
	// Only the audit administrator reads; an unlimited range is refused.
	if _, _, err := e.db.Audit.SearchAudit(ctx, e.fx.Admin, pingan.AuditFilter{From: day, To: day.Add(time.Hour)}); code(err) != pingan.EFORBIDDEN {
		t.Fatalf("admin searched: %v", err)
	}
	_, _, err = e.db.Audit.SearchAudit(ctx, e.fx.Auditor, pingan.AuditFilter{From: day, To: day.AddDate(2, 0, 0)})
	if pe := wantCode(t, err, pingan.EINVALID); pe == nil || pe.Fields["to"].Key != "audit.range.long" {
		t.Fatalf("long range: %v", err)
	}
	_, _, err = e.db.Audit.SearchAudit(ctx, e.fx.Auditor, pingan.AuditFilter{To: day})
	if pe := wantCode(t, err, pingan.EINVALID); pe == nil || pe.Fields["from"].Key != "audit.from.required" {
		t.Fatalf("no start: %v", err)
	}
}

func auditTestDay(e *env) time.Time {
	return e.clock.Now().Add(-24 * time.Hour)
}

func testAuditChainIntact(t *testing.T, e *env) {
	head := chained(t, e, 6)
	// Chaining again links nothing and the chain still holds.
	if n, err := e.db.Audit.Chain(ctx); err != nil || n != 0 {
		t.Fatalf("chain again: %d, %v", n, err)
	}
	writeAuditRows(t, e.db, 3, "b")
	if v := verify(t, e, nil); v.Break != nil || v.Unchained != 3 || v.HeadSeq != head {
		t.Fatalf("before chaining: %+v", v)
	}
	if n, err := e.db.Audit.Chain(ctx); err != nil || n != 3 {
		t.Fatalf("chain: %d, %v", n, err)
	}
	if v := verify(t, e, nil); v.Break != nil || v.HeadSeq != head+3 || v.Checked != head+3 {
		t.Fatalf("after: %+v", v)
	}
}

func testAuditChainEdited(t *testing.T, e *env) {
	chained(t, e, 6)
	rawExec(t, e, `UPDATE audit SET detail = 'nothing happened' WHERE seq = 4`)
	wantBreak(t, verify(t, e, nil), 4, "edited")
}

func testAuditChainDeleted(t *testing.T, e *env) {
	chained(t, e, 6)
	rawExec(t, e, `DELETE FROM audit WHERE seq = 3`)
	wantBreak(t, verify(t, e, nil), 3, "missing")
}

func testAuditChainDeletedLast(t *testing.T, e *env) {
	head := chained(t, e, 6)
	// The last rows removed and the head rewound to match: the anchor
	// written before tells.
	if _, _, err := e.db.Audit.Anchor(ctx); err != nil {
		t.Fatal(err)
	}
	rawExec(t, e, fmt.Sprintf(`DELETE FROM audit WHERE seq >= %d`, head-1),
		fmt.Sprintf(`UPDATE audit_chain SET seq = %d, hash = (SELECT hash FROM audit WHERE seq = %d)`, head-2, head-2))
	wantBreak(t, verify(t, e, nil), head, "anchor")
}

func testAuditChainReordered(t *testing.T, e *env) {
	chained(t, e, 6)
	rawExec(t, e, `UPDATE audit SET seq = -1 WHERE seq = 4`, `UPDATE audit SET seq = 4 WHERE seq = 5`, `UPDATE audit SET seq = 5 WHERE seq = -1`)
	wantBreak(t, verify(t, e, nil), 4, "edited")
}

func testAuditChainSwapped(t *testing.T, e *env) {
	// Two rows' contents swapped, with their hashes and links: each row's
	// own hash holds, the links do not.
	chained(t, e, 6)
	rawExec(t, e, `UPDATE audit SET seq = -1 WHERE seq = 4`, `UPDATE audit SET seq = -2 WHERE seq = 5`,
		`UPDATE audit SET seq = 4, prev_hash = (SELECT hash FROM audit WHERE seq = 3) WHERE seq = -2`,
		`UPDATE audit SET seq = 5 WHERE seq = -1`)
	wantBreak(t, verify(t, e, nil), 4, "edited")
}

func testAuditAnchor(t *testing.T, e *env) {
	head := chained(t, e, 4)
	a, wrote, err := e.db.Audit.Anchor(ctx)
	if err != nil || !wrote || a.Seq != head {
		t.Fatalf("anchor: %+v %v %v", a, wrote, err)
	}
	if _, wrote, err := e.db.Audit.Anchor(ctx); err != nil || wrote {
		t.Fatalf("second anchor of the day: %v %v", wrote, err)
	}
	if v := verify(t, e, nil); v.Break != nil || v.Anchors != 1 {
		t.Fatalf("verify: %+v", v)
	}
	// An anchor from the log that does not match is a break.
	wantBreak(t, verify(t, e, []pingan.AuditAnchor{{Seq: 2, Hash: "00"}}), 2, "anchor")
	e.clock.Advance(24 * time.Hour)
	if _, wrote, err := e.db.Audit.Anchor(ctx); err != nil || !wrote {
		t.Fatalf("next day's anchor: %v %v", wrote, err)
	}
	st, err := e.db.Audit.AuditChain(ctx, e.fx.Auditor)
	if err != nil || st.HeadSeq != head || st.LastAnchor == nil || st.LastAnchor.Seq != head {
		t.Fatalf("state %+v, %v", st, err)
	}
}

func testAuditPrune(t *testing.T, e *env) {
	old := chained(t, e, 5)
	e.clock.Advance(8 * 30 * 24 * time.Hour)
	writeAuditRows(t, e.db, 3, "later")
	if _, err := e.db.Audit.Chain(ctx); err != nil {
		t.Fatal(err)
	}
	today := pingan.Day(e.clock.Now())
	_, err := e.db.Audit.Prune(ctx, today, 6)
	if pe := wantCode(t, err, pingan.EINVALID); pe.Fields["before"].Key != "audit.before.recent" {
		t.Fatalf("recent: %v", err)
	}
	_, err = e.db.Audit.Prune(ctx, "2020-01-01", 3)
	if pe := wantCode(t, err, pingan.EINVALID); pe.Fields["retention"].Key != "audit.retention.bad" {
		t.Fatalf("short retention: %v", err)
	}
	before := pingan.Day(e.clock.Now().AddDate(0, -7, 0))
	n, err := e.db.Audit.Prune(ctx, before, 6)
	if err != nil || n != old {
		t.Fatalf("prune: %d rows, %v; want %d", n, err, old)
	}
	if _, err := e.db.Audit.Chain(ctx); err != nil {
		t.Fatal(err)
	}
	v := verify(t, e, nil)
	if v.Break != nil || v.StartSeq != old || v.Checked != 4 {
		t.Fatalf("after prune: %+v %+v", v, v.Break)
	}
	rows, _, err := e.db.Audit.SearchAudit(ctx, e.fx.Auditor, pingan.AuditFilter{Action: "audit_prune",
		From: e.clock.Now().Add(-time.Hour), To: e.clock.Now().Add(time.Hour)})
	if err != nil || len(rows) != 1 {
		t.Fatalf("prune's own row: %v, %v", rows, err)
	}
}

// testAuditChainConcurrent: writers on several connections and a chainer
// running beside them make one unbroken chain of every row.
func testAuditChainConcurrent(t *testing.T, e *env) {
	const writers, each = 4, 8
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		db := e.open(t)
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			writeAuditRows(t, db, each, fmt.Sprint("w", w))
		}(w)
	}
	stop := make(chan struct{})
	chainer := e.open(t)
	done := make(chan error, 1)
	go func() {
		for {
			if _, err := chainer.Audit.Chain(context.Background()); err != nil {
				done <- err
				return
			}
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
		}
	}()
	wg.Wait()
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Audit.Chain(ctx); err != nil {
		t.Fatal(err)
	}
	v := verify(t, e, nil)
	if v.Break != nil || v.Unchained != 0 || v.Checked != v.HeadSeq || v.HeadSeq < writers*each {
		t.Fatalf("verify: %+v %+v", v, v.Break)
	}
}

// testAuditCoverage performs each security-relevant event through its
// service and finds its one row: action, account and result.
func testAuditCoverage(t *testing.T, e *env) {
	fx := e.fx
	cats, err := e.db.Categories.Categories(ctx)
	if err != nil || len(cats) == 0 {
		t.Fatal(cats, err)
	}
	var token string
	events := []struct {
		action string
		by     *pingan.User
		result string
		do     func() error
	}{
		{"login", fx.CountyDispatcher, pingan.AuditOK, func() error {
			s, err := e.db.Users.Login(ctx, fx.CountyDispatcher.Username, storetest.Password)
			if err == nil {
				token = s.Token
			}
			return err
		}},
		{"login_failed", fx.CountyDispatcher, pingan.AuditRefused, func() error {
			_, err := e.db.Users.Login(ctx, fx.CountyDispatcher.Username, "wrong password")
			if code(err) == pingan.EUNAUTHORIZED {
				return nil
			}
			return err
		}},
		{"logout", fx.CountyDispatcher, pingan.AuditOK, func() error { return e.db.Users.Logout(ctx, token) }},
		{"setting_set", fx.Admin, pingan.AuditOK, func() error {
			ds, err := e.db.Settings.DisputeSettings(ctx)
			if err != nil {
				return err
			}
			return e.db.Settings.SetDisputeSettings(ctx, fx.Admin, ds)
		}},
		{"category_save", fx.Admin, pingan.AuditOK, func() error { return e.db.Categories.SaveCategory(ctx, fx.Admin, cats[0]) }},
		{"unit_org_type", fx.Admin, pingan.AuditOK, func() error {
			return e.db.Units.SetUnitOrgType(ctx, fx.Admin, fx.Township2.Code, pingan.OrgTownship)
		}},
		{"apikey_add", fx.SecAdmin, pingan.AuditOK, func() error {
			_, _, err := e.db.APIKeys.Add(ctx, fx.SecAdmin, "监测平台", fx.County.Code, []pingan.Role{pingan.RoleMonitor})
			return err
		}},
		{"user_disabled", fx.Admin, pingan.AuditOK, func() error { return e.db.Users.DisableUser(ctx, fx.Admin, fx.Viewer.Username) }},
		{"user_enabled", fx.Admin, pingan.AuditOK, func() error { return e.db.Users.EnableUser(ctx, fx.Admin, fx.Viewer.Username) }},
	}
	from := e.clock.Now().Add(-time.Minute)
	for _, ev := range events {
		e.clock.Advance(time.Second)
		if err := ev.do(); err != nil {
			t.Fatalf("%s: %v", ev.action, err)
		}
		rows, total, err := e.db.Audit.SearchAudit(ctx, fx.Auditor, pingan.AuditFilter{Action: ev.action, From: from, To: e.clock.Now().Add(time.Minute)})
		if err != nil || total != 1 {
			t.Fatalf("%s: %d rows, %v", ev.action, total, err)
		}
		if r := rows[0]; r.UserID != ev.by.ID || r.Result != ev.result {
			t.Errorf("%s: row %+v, want by %s, %s", ev.action, r, ev.by.Username, ev.result)
		}
	}
}
