package store_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// Sign-in against attack (issue "Holes found by attacking the landed
// server"): the lockout holds against parallel requests and across
// servers, an unknown name behaves as a known one, every sign-in is
// audited, an account can be disabled and its sessions ended, weak
// passwords are refused, and refused actions are audited. They run on both
// databases.

func init() {
	suite = append(suite, []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"LoginBurst", testLoginBurst},
		{"LoginBurstAcrossServers", testLoginBurstAcrossServers},
		{"LoginUnknownNameLocks", testLoginUnknownNameLocks},
		{"LoginAudited", testLoginAudited},
		{"DisableUser", testDisableUser},
		{"AccountAdministrators", testAccountAdministrators},
		{"WeakPasswords", testWeakPasswords},
		{"RefusedActionsAudited", testRefusedActionsAudited},
	}...)
}

// burst tries the passwords at once, one goroutine each, on the stores in
// turn, and answers the error codes ("" for a session) by password.
func burst(t *testing.T, dbs []*store.DB, username string, passwords []string) map[string][]string {
	t.Helper()
	var mu sync.Mutex
	got := map[string][]string{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, pw := range passwords {
		wg.Go(func() {
			<-start
			_, err := dbs[i%len(dbs)].Users.Login(ctx, username, pw)
			if c := code(err); c == pingan.EINTERNAL {
				t.Errorf("login: %v", err)
			} else if errors.Is(err, pingan.ErrSignInBusy) {
				t.Errorf("login answered busy: %v", err)
			}
			mu.Lock()
			got[pw] = append(got[pw], code(err))
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	return got
}

func count(codes []string, want string) int {
	n := 0
	for _, c := range codes {
		if c == want {
			n++
		}
	}
	return n
}

// auditRow is an account's audit row as tests read it.
type auditRow struct {
	Action, User string
	UserID       int64
	Region       string
	Detail       map[string]any
}

// accountAudit answers the audit rows that are not of a case, oldest first,
// of the action when one is given; without one, not the creation of the
// fixture's accounts.
func accountAudit(t *testing.T, e *env, action string) []auditRow {
	t.Helper()
	rows, err := e.db.SQL().QueryContext(ctx, `SELECT action, user_name, user_id, region, detail FROM audit
		WHERE case_id = '' AND (action = $1 OR $1 = '' AND action <> 'user_create') ORDER BY id`, action)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []auditRow
	for rows.Next() {
		var r auditRow
		var detail string
		if err := rows.Scan(&r.Action, &r.User, &r.UserID, &r.Region, &detail); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(detail), &r.Detail); err != nil {
			t.Fatalf("detail %q: %v", detail, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// testLoginBurst: 50 wrong passwords at once check MaxFailedLogins of
// them: the first four are told "wrong", the fifth and every other one
// "locked"; then the right password, alone or inside a burst, is refused
// as locked, never checked, until the lock ends.
func testLoginBurst(t *testing.T, e *env) {
	got := burst(t, []*store.DB{e.db}, "fk-grid", repeat("wrong password", 50))["wrong password"]
	if n := count(got, pingan.EUNAUTHORIZED); n != pingan.MaxFailedLogins-1 {
		t.Errorf("%d of 50 parallel wrong passwords answered unauthorized, want %d", n, pingan.MaxFailedLogins-1)
	}
	if n := count(got, pingan.ETOOMANY); n != 50-(pingan.MaxFailedLogins-1) {
		t.Errorf("%d of 50 answered too_many_requests: %v", n, got)
	}
	if n := len(accountAudit(t, e, "login_failed")); n != pingan.MaxFailedLogins {
		t.Errorf("%d passwords checked, want %d", n, pingan.MaxFailedLogins)
	}
	if n := len(accountAudit(t, e, "lockout")); n != 1 {
		t.Errorf("%d lockouts", n)
	}
	if n := len(accountAudit(t, e, "login_refused")); n != 50-pingan.MaxFailedLogins {
		t.Errorf("%d refusals while locked, want %d", n, 50-pingan.MaxFailedLogins)
	}

	// Locked: the right password inside a burst of wrong ones is refused
	// like every other, and nothing is checked.
	mixed := append(repeat("wrong password", 20), repeat(storetest.Password, 10)...)
	for pw, codes := range burst(t, []*store.DB{e.db}, "fk-grid", mixed) {
		if n := count(codes, pingan.ETOOMANY); n != len(codes) {
			t.Errorf("while locked, %q answered %v", pw, codes)
		}
	}
	if n := len(accountAudit(t, e, "login_failed")); n != pingan.MaxFailedLogins {
		t.Errorf("%d passwords checked while locked", n-pingan.MaxFailedLogins)
	}

	// When the lock ends, a burst holding the right password: the right
	// one is never told "wrong", a wrong one never signs in, and at most
	// MaxFailedLogins wrong ones are checked on either side of a success
	// (which clears the count, as one alone would).
	e.clock.Advance(pingan.LockoutDuration)
	mixed = append(repeat("wrong password", 30), storetest.Password)
	got2 := burst(t, []*store.DB{e.db}, "fk-grid", mixed)
	right := got2[storetest.Password][0]
	if right != "" && right != pingan.ETOOMANY {
		t.Errorf("the right password in a burst answered %q", right)
	}
	if n := count(got2["wrong password"], ""); n != 0 {
		t.Errorf("%d wrong passwords signed in", n)
	}
	most := pingan.MaxFailedLogins
	if right == "" {
		most = 2*pingan.MaxFailedLogins - 1
	}
	if n := len(accountAudit(t, e, "login_failed")) - pingan.MaxFailedLogins; n > most {
		t.Errorf("%d wrong passwords checked in the second window (the right one answered %q), want at most %d", n, right, most)
	}

	// Other names were never affected.
	if _, err := e.db.Users.Login(ctx, "sz-dispatcher", storetest.Password); err != nil {
		t.Fatal(err)
	}
}

// testLoginBurstAcrossServers: the count lives in the database, so two
// servers sharing it check no more than one would.
func testLoginBurstAcrossServers(t *testing.T, e *env) {
	other := e.open(t)
	got := burst(t, []*store.DB{e.db, other}, "dbj-mediator", repeat("wrong password", 40))["wrong password"]
	if n := count(got, pingan.EUNAUTHORIZED); n != pingan.MaxFailedLogins-1 {
		t.Errorf("%d of 40 answered unauthorized on two servers, want %d: %v", n, pingan.MaxFailedLogins-1, got)
	}
	if n := len(accountAudit(t, e, "login_failed")); n != pingan.MaxFailedLogins {
		t.Errorf("%d passwords checked on two servers, want %d", n, pingan.MaxFailedLogins)
	}
	_, err := other.Users.Login(ctx, "dbj-mediator", storetest.Password)
	wantCode(t, err, pingan.ETOOMANY)
}

// testLoginUnknownNameLocks: a name no account has is answered, step by
// step, exactly as a known name with a wrong password, and locks the same.
func testLoginUnknownNameLocks(t *testing.T, e *env) {
	seq := func(name string) []string {
		var out []string
		for range pingan.MaxFailedLogins + 1 {
			_, err := e.db.Users.Login(ctx, name, "wrong password")
			out = append(out, err.Error()+" / "+pingan.ErrorText(err, pingan.EN))
		}
		return out
	}
	known, unknown := seq("fk-grid"), seq("no-such-user")
	if strings.Join(known, "\n") != strings.Join(unknown, "\n") {
		t.Errorf("a known name answers\n%s\nan unknown one\n%s", strings.Join(known, "\n"), strings.Join(unknown, "\n"))
	}
	if !strings.HasPrefix(unknown[pingan.MaxFailedLogins-1], pingan.ETOOMANY) {
		t.Errorf("the unknown name was not locked: %v", unknown)
	}
	// The lock ends for both alike.
	e.clock.Advance(pingan.LockoutDuration)
	_, err := e.db.Users.Login(ctx, "no-such-user", "wrong password")
	wantCode(t, err, pingan.EUNAUTHORIZED)
	if _, err := e.db.Users.Login(ctx, "fk-grid", storetest.Password); err != nil {
		t.Fatal(err)
	}
	// A name no account could have, however long or odd, is counted too.
	odd := strings.Repeat("\x00\xff名", 10000)
	for i := range pingan.MaxFailedLogins {
		_, err := e.db.Users.Login(ctx, odd, "x")
		want := pingan.EUNAUTHORIZED
		if i == pingan.MaxFailedLogins-1 {
			want = pingan.ETOOMANY
		}
		wantCode(t, err, want)
	}
}

// testLoginAudited: a sign-in, a failed one with the name tried, a lockout
// and a sign-out are audit rows with the source address.
func testLoginAudited(t *testing.T, e *env) {
	from := pingan.NewContextWithSource(ctx, "203.0.113.9")
	if _, err := e.db.Users.Login(from, "sz-dispatcher", "wrong password"); code(err) != pingan.EUNAUTHORIZED {
		t.Fatal(err)
	}
	if _, err := e.db.Users.Login(from, "sz-nobody", "wrong password"); code(err) != pingan.EUNAUTHORIZED {
		t.Fatal(err)
	}
	s, err := e.db.Users.Login(from, "sz-dispatcher", storetest.Password)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.Users.Logout(pingan.NewContextWithSource(ctx, "203.0.113.10"), s.Token); err != nil {
		t.Fatal(err)
	}
	for range pingan.MaxFailedLogins {
		e.db.Users.Login(from, "sz-leader", "wrong password")
	}
	var got []string
	for _, r := range accountAudit(t, e, "") {
		got = append(got, fmt.Sprintf("%s %s #%v %s %v %v %v", r.Action, r.User, r.UserID != 0, r.Region, r.Detail["username"], r.Detail["source"], r.Detail["reason"]))
	}
	want := []string{
		"login_failed 肃州区派遣员 #true 620902 sz-dispatcher 203.0.113.9 password",
		"login_failed sz-nobody #false  sz-nobody 203.0.113.9 unknown",
		"login 肃州区派遣员 #true 620902 sz-dispatcher 203.0.113.9 <nil>",
		"logout 肃州区派遣员 #true 620902 sz-dispatcher 203.0.113.10 <nil>",
	}
	for range pingan.MaxFailedLogins {
		want = append(want, "login_failed 肃州区领导 #true 620902 sz-leader 203.0.113.9 password")
	}
	want = append(want, "lockout 肃州区领导 #true 620902 sz-leader 203.0.113.9 <nil>")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if lock := accountAudit(t, e, "lockout"); len(lock) != 1 || lock[0].Detail["until"] != storetest.Epoch.Add(pingan.LockoutDuration).Format(time.RFC3339) {
		t.Errorf("lockout %+v", lock)
	}
}

// testDisableUser: a disabled account cannot sign in (answered as a wrong
// password) and its sessions stop at once; enabled, it signs in again;
// RevokeSessions ends every session. Each is audited.
func testDisableUser(t *testing.T, e *env) {
	fx := e.fx
	s1 := must[*pingan.Session](t)(e.db.Users.Login(ctx, "fk-grid", storetest.Password))
	s2 := must[*pingan.Session](t)(e.db.Users.Login(ctx, "fk-grid", storetest.Password))
	if err := e.db.Users.DisableUser(ctx, fx.Admin, "fk-grid"); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*pingan.Session{s1, s2} {
		_, err := e.db.Users.Authenticate(ctx, s.Token)
		wantCode(t, err, pingan.EUNAUTHORIZED)
	}
	_, wrong := e.db.Users.Login(ctx, "sz-viewer", "wrong password")
	_, err := e.db.Users.Login(ctx, "fk-grid", storetest.Password)
	if pe := wantCode(t, err, pingan.EUNAUTHORIZED); pe.Error() != wrong.Error() || pe.Msg.Key != "signin.wrong" {
		t.Errorf("a disabled account answers %q, a wrong password %q", pe, wrong)
	}
	// Disabling again changes nothing.
	if err := e.db.Users.DisableUser(ctx, fx.Admin, "fk-grid"); err != nil {
		t.Fatal(err)
	}
	if err := e.db.Users.EnableUser(ctx, nil, "fk-grid"); err != nil { // the command line
		t.Fatal(err)
	}
	s3 := must[*pingan.Session](t)(e.db.Users.Login(ctx, "fk-grid", storetest.Password))
	s4 := must[*pingan.Session](t)(e.db.Users.Login(ctx, "fk-grid", storetest.Password))
	if n, err := e.db.Users.RevokeSessions(ctx, fx.Admin, "fk-grid"); err != nil || n != 2 {
		t.Fatalf("RevokeSessions = %d, %v", n, err)
	}
	for _, s := range []*pingan.Session{s3, s4} {
		_, err := e.db.Users.Authenticate(ctx, s.Token)
		wantCode(t, err, pingan.EUNAUTHORIZED)
	}
	if _, err := e.db.Users.Login(ctx, "fk-grid", storetest.Password); err != nil {
		t.Fatalf("after RevokeSessions the account still signs in: %v", err)
	}
	var got []string
	for _, r := range accountAudit(t, e, "") {
		if r.Action != "login" {
			got = append(got, fmt.Sprintf("%s by %s: %v %v %v", r.Action, r.User, r.Detail["username"], r.Detail["sessions"], r.Detail["reason"]))
		}
	}
	want := []string{
		"user_disabled by 管理员: fk-grid 2 <nil>",
		"login_failed by 肃州区查看员: sz-viewer <nil> password",
		"login_failed by 富康社区网格员: fk-grid <nil> disabled",
		"user_enabled by 命令行 (command line): fk-grid <nil> <nil>",
		"sessions_revoked by 管理员: fk-grid 2 <nil>",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// testAccountAdministrators: only an administrator whose jurisdiction
// holds the account's unit may disable, enable or end the sessions of it.
func testAccountAdministrators(t *testing.T, e *env) {
	fx := e.fx
	countyAdmin := &pingan.User{Username: "sz-admin", Name: "肃州区管理员", UnitCode: fx.County.Code, Roles: []pingan.Role{pingan.RoleAdmin}}
	if err := e.db.Users.CreateUser(ctx, countyAdmin, storetest.Password); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		actor    *pingan.User
		username string
		want     string
	}{
		{fx.CountyDispatcher, "fk-grid", pingan.EFORBIDDEN},         // not an administrator
		{fx.CityLeader, "fk-grid", pingan.EFORBIDDEN},               // nor a leader
		{countyAdmin, "jt-grid", pingan.ENOTFOUND},                  // another county's account
		{countyAdmin, "no-such-user", pingan.ENOTFOUND},             // alike
		{countyAdmin, "admin", pingan.ENOTFOUND},                    // the province's
		{countyAdmin, "sz-admin", pingan.ECONFLICT},                 // oneself
		{&pingan.User{Username: "x"}, "fk-grid", pingan.EFORBIDDEN}, // no role, no jurisdiction
	} {
		err := e.db.Users.DisableUser(ctx, c.actor, c.username)
		if code(err) != c.want {
			t.Errorf("%s disables %s: %v, want %s", c.actor.Username, c.username, err, c.want)
		}
		if c.want != pingan.ECONFLICT {
			if err := e.db.Users.EnableUser(ctx, c.actor, c.username); code(err) != c.want {
				t.Errorf("%s enables %s: %v, want %s", c.actor.Username, c.username, err, c.want)
			}
			if _, err := e.db.Users.RevokeSessions(ctx, c.actor, c.username); code(err) != c.want {
				t.Errorf("%s revokes %s: %v, want %s", c.actor.Username, c.username, err, c.want)
			}
		}
	}
	if n := len(accountAudit(t, e, "user_disabled")) + len(accountAudit(t, e, "sessions_revoked")); n != 0 {
		t.Errorf("%d changes audited after refusals", n)
	}
	// Inside the county: allowed; an administrator may end their own sessions.
	if err := e.db.Users.DisableUser(ctx, countyAdmin, "fk-grid"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Users.RevokeSessions(ctx, countyAdmin, "sz-admin"); err != nil {
		t.Fatal(err)
	}
}

// testWeakPasswords: CreateUser refuses weak passwords, naming the field.
func testWeakPasswords(t *testing.T, e *env) {
	for _, pw := range []string{"aaaaaaaa", "aaaaaaaaaaaa", "short1!", "abcdefghijkl", "1234567890", "Password123", "woaini1314",
		"qwerty123456", "pw-for-weak-user-01"} {
		u := &pingan.User{Username: "weak-user", UnitCode: e.fx.Village.Code, Roles: []pingan.Role{pingan.RoleGridWorker}}
		pe := wantCode(t, e.db.Users.CreateUser(ctx, u, pw), pingan.EINVALID)
		if pe.Fields["password"].Key == "" || zh(pe, "password") == "" {
			t.Errorf("%q: fields %v", pw, pe.Fields)
		}
	}
	u := &pingan.User{Username: "strong-user", UnitCode: e.fx.Village.Code, Roles: []pingan.Role{pingan.RoleGridWorker}}
	if err := e.db.Users.CreateUser(ctx, u, "枫桥-经验-2026"); err != nil {
		t.Fatal(err)
	}
}

// testRefusedActionsAudited: an action the workflow refuses (403, 409) is
// an audit row of the case, and the case is unchanged.
func testRefusedActionsAudited(t *testing.T, e *env) {
	fx := e.fx
	c := e.report(t, fx.GridWorker, "")
	_, err := e.db.Cases.Act(pingan.NewContextWithSource(ctx, "198.51.100.7"), fx.GridWorker, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	wantCode(t, err, pingan.EFORBIDDEN)
	_, err = e.db.Cases.Act(ctx, fx.TownshipDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActClose})
	wantCode(t, err, pingan.ECONFLICT)
	_, err = e.db.Cases.Act(ctx, fx.OtherDispatcher, c.ID, pingan.ActionInput{Action: pingan.ActAccept})
	wantCode(t, err, pingan.ENOTFOUND) // outside the jurisdiction: not a refusal, not a word
	audit, err := e.db.Audit.Audit(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range audit {
		var d map[string]any
		json.Unmarshal([]byte(a.Detail), &d)
		got = append(got, fmt.Sprintf("%s %d %v %v %v %v", a.Action, a.UserID, d["action"], d["status"], d["code"], d["source"]))
	}
	want := []string{
		fmt.Sprintf("action_refused %d accept reported forbidden 198.51.100.7", fx.GridWorker.ID),
		fmt.Sprintf("action_refused %d close reported conflict <nil>", fx.TownshipDispatcher.ID),
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if e.find(t, c.ID).Version != c.Version {
		t.Error("a refused action changed the case")
	}
}
