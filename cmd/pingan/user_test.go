package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store"
	"github.com/pingan-gov/pingan/store/storetest"
)

// TestUserDisableEnableRevoke: the operator disables an account at the
// command line (it can no longer sign in, its sessions end), enables it,
// and ends its sessions.
func TestUserDisableEnableRevoke(t *testing.T) {
	t.Setenv("PINGAN_SECRET_KEY", "")
	data := storetest.DataDir(t)
	units := filepath.Join(data, "units.csv")
	os.WriteFile(units, []byte("code,name,level,parent_code\n620900,酒泉市,city,\n620902,肃州区,county,620900\n620902-ZZ,肃州区综治中心,centre,620902\n"), 0o600)
	user := func(stdin string, args ...string) (string, error) {
		var stdout, stderr bytes.Buffer
		e := &cmdEnv{ctx: context.Background(), stdin: strings.NewReader(stdin), stdout: &stdout, stderr: &stderr}
		err := e.userCmd(append(args, "--data", data))
		return stderr.String(), err
	}
	if out, err := runCmd(t, "import", "units", units, "--data", data); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if out, err := user("aaaaaaaa\n", "add", "--username", "disp", "--unit", "620902-ZZ", "--role", "dispatcher", "--password-stdin"); pingan.ErrorCode(err) != pingan.EINVALID {
		t.Fatalf("a weak password: %v\n%s", err, out)
	}
	if out, err := user("s3cret-pass\n", "add", "--username", "disp", "--unit", "620902-ZZ", "--role", "dispatcher", "--password-stdin"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	f := dbFlags{data: data}
	login := func() (*pingan.Session, error) {
		db, err := f.open(context.Background(), pingan.SystemClock, false)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		return db.Users.Login(context.Background(), "disp", "s3cret-pass")
	}
	live := func(s *pingan.Session) bool {
		db, err := f.open(context.Background(), pingan.SystemClock, false)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		_, err = db.Users.Authenticate(context.Background(), s.Token)
		return err == nil
	}
	s, err := login()
	if err != nil {
		t.Fatal(err)
	}
	if out, err := user("", "disable", "--username", "disp"); err != nil || !strings.Contains(out, "已停用") {
		t.Fatalf("disable: %v\n%s", err, out)
	}
	if live(s) {
		t.Error("the session outlived the account's disabling")
	}
	if _, err := login(); pingan.ErrorCode(err) != pingan.EUNAUTHORIZED {
		t.Errorf("a disabled account signs in: %v", err)
	}
	if out, err := user("", "enable", "--username", "disp"); err != nil || !strings.Contains(out, "已启用") {
		t.Fatalf("enable: %v\n%s", err, out)
	}
	if s, err = login(); err != nil {
		t.Fatal(err)
	}
	if out, err := user("", "revoke", "--username", "disp"); err != nil || !strings.Contains(out, "1 个会话") {
		t.Fatalf("revoke: %v\n%s", err, out)
	}
	if live(s) {
		t.Error("the session outlived its revocation")
	}
	if _, err := user("", "disable", "--username", "nobody"); pingan.ErrorCode(err) != pingan.ENOTFOUND {
		t.Errorf("an unknown account: %v", err)
	}
	if _, err := user("", "disable"); err == nil {
		t.Error("no --username accepted")
	}
	if _, err := user("", "delete", "--username", "disp"); err == nil {
		t.Error("an unknown subcommand accepted")
	}
}

// TestUserListEditPasswd: the operator lists the accounts (a table aligned
// for a terminal, or JSON), edits an account (only the flags given
// change; a bad flag is named) and sets its password (the old one no
// longer signs in, its sessions end), each change audited as the command
// line's.
func TestUserListEditPasswd(t *testing.T) {
	dir := t.TempDir()
	dsn := filepath.Join(dir, "pingan.db")
	db := storetest.OpenWith(t, store.Options{DSN: dsn})
	fx := storetest.Seed(t, db)
	storetest.SeedGrids(t, db, fx)
	t.Setenv("PINGAN_SECRET_KEY", "")
	user := func(stdin string, args ...string) (stdout, stderr string, err error) {
		t.Helper()
		var out, errOut bytes.Buffer
		e := &cmdEnv{ctx: context.Background(), stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut}
		err = e.userCmd(append(args, "--db", dsn, "--data", dir))
		return out.String(), errOut.String(), err
	}
	if _, out, err := user("s3cret-pass\n", "add", "--username", "zhang", "--name", "张三丰", "--unit", fx.Township.Code,
		"--role", "dispatcher,leader", "--password-stdin"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if _, out, err := user("", "disable", "--username", "zhang"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}

	// --json parses and holds every account, named in full.
	list := func(args ...string) []accountRow {
		t.Helper()
		out, errOut, err := user("", append([]string{"list", "--json"}, args...)...)
		if err != nil {
			t.Fatalf("list %v: %v\n%s", args, err, errOut)
		}
		var rows []accountRow
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			t.Fatalf("list --json: %v\n%s", err, out)
		}
		return rows
	}
	rows := list()
	byName := map[string]accountRow{}
	for _, r := range rows {
		byName[r.Username] = r
	}
	var count int
	raw, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if err := raw.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM users`).Scan(&count); err != nil {
		t.Fatal(err)
	}
	if len(rows) != count {
		t.Errorf("%d accounts listed, want %d", len(rows), count)
	}
	z := byName["zhang"]
	if z.Name != "张三丰" || z.Unit != fx.Township.Code || z.UnitName != fx.Township.Name || !z.Disabled ||
		strings.Join(z.RoleNames, ",") != pingan.Msg("role.dispatcher").Text(pingan.ZH)+","+pingan.Msg("role.leader").Text(pingan.ZH) {
		t.Errorf("zhang: %+v", z)
	}
	if g := byName[fx.GridWorker.Username].Grids; strings.Join(g, ",") != "620902001001-01" {
		t.Errorf("grids of %s: %v", fx.GridWorker.Username, g)
	}
	if got := list("--disabled"); len(got) != 1 || got[0].Username != "zhang" {
		t.Errorf("--disabled: %+v", got)
	}
	for _, r := range list("--role", "grid_worker", "--unit", fx.County.Code) {
		if r.Username != fx.GridWorker.Username {
			t.Errorf("--role grid_worker --unit %s: %s", fx.County.Code, r.Username)
		}
	}

	// The table: every account, each column starting at the same display
	// column on every line (a Chinese character is two columns wide).
	out, _, err := user("", "list")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != len(rows)+1 || !strings.HasPrefix(lines[0], "登录名") || !strings.Contains(lines[0], "状态") {
		t.Fatalf("table:\n%s", out)
	}
	header := strings.Fields(lines[0])
	starts := make([]int, len(header)) // the display column of each heading
	for i, h := range header {
		starts[i] = termWidth(lines[0][:strings.Index(lines[0], h)])
	}
	for i, r := range rows {
		state := "启用"
		if r.Disabled {
			state = "停用"
		}
		cells := []string{r.Username, r.Name, r.Unit, r.UnitName, strings.Join(r.RoleNames, "、"), strings.Join(r.Grids, ","), state}
		for j, cell := range cells {
			at := atColumn(lines[i+1], starts[j])
			if cell != "" && !strings.HasPrefix(at, cell) {
				t.Errorf("line %d column %s (display column %d) reads %q, want %q:\n%s\n%s", i+1, header[j], starts[j], at, cell, lines[0], lines[i+1])
			}
		}
	}

	// edit changes only the flags given.
	gw := fx.GridWorker.Username
	before := byName[gw]
	if _, out, err := user("", "edit", "--username", gw, "--name", "王小二"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	after := list("--q", gw)[0]
	before.Name = "王小二"
	if !reflect.DeepEqual(after, before) {
		t.Errorf("edit --name: got %+v, want %+v", after, before)
	}
	if _, out, err := user("", "edit", "--username", gw, "--grid", "620902001001-02,620902001001-01"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	after = list("--q", gw)[0]
	before.Grids = []string{"620902001001-01", "620902001001-02"}
	if !reflect.DeepEqual(after, before) {
		t.Errorf("edit --grid: got %+v, want %+v", after, before)
	}
	if _, out, err := user("", "edit", "--username", "zhang", "--role", "mediator", "--unit", fx.County.Code); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if z := list("--q", "zhang")[0]; z.Name != "张三丰" || z.Unit != fx.County.Code || strings.Join(z.Roles, ",") != "mediator" || !z.Disabled {
		t.Errorf("edit --role --unit: %+v", z)
	}
	// A bad flag is named, with what is wrong, and nothing changes.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--role", "mediator,chief"}, "--role: 未知角色 chief"},
		{[]string{"--unit", "999999", "--name", "不该写入"}, "--unit: 未知单位 999999"},
		{[]string{"--grid", "620921100001-01"}, "--grid: "},
		{[]string{"--grid", "no-such-grid"}, "--grid: 网格不存在 no-such-grid"},
		{[]string{"--name", ""}, "--name: 必填"},
	} {
		_, _, err := user("", append([]string{"edit", "--username", gw}, c.args...)...)
		if pingan.ErrorCode(err) != pingan.EINVALID || !strings.Contains(describe(err), c.want) {
			t.Errorf("edit %v: %v, want %q", c.args, err, c.want)
		}
	}
	if after := list("--q", gw)[0]; !reflect.DeepEqual(after, before) {
		t.Errorf("a refused edit changed the account: %+v", after)
	}
	if _, _, err := user("", "edit", "--username", gw); err == nil {
		t.Error("an edit of nothing accepted")
	}
	if _, _, err := user("", "list", "--role", "chief"); !strings.Contains(describe(err), "--role") {
		t.Errorf("list --role chief: %v", err)
	}

	// passwd: the weak-password rule, then the new password signs in, the
	// old does not, and the sessions end.
	login := func(password string) (*pingan.Session, error) {
		return db.Users.Login(context.Background(), gw, password)
	}
	s1, err := login(storetest.Password)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := login(storetest.Password)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := user("aaaaaaaa\n", "passwd", "--username", gw, "--password-stdin"); pingan.ErrorCode(err) != pingan.EINVALID ||
		!strings.Contains(describe(err), "--password-stdin") {
		t.Errorf("a weak password: %v", err)
	}
	if _, out, err := user("n3w-secret-pass\n", "passwd", "--username", gw, "--password-stdin"); err != nil || !strings.Contains(out, "结束了 2 个会话") {
		t.Fatalf("passwd: %v\n%s", err, out)
	}
	for _, s := range []*pingan.Session{s1, s2} {
		if _, err := db.Users.Authenticate(context.Background(), s.Token); err == nil {
			t.Error("a session outlived the new password")
		}
	}
	if _, err := login(storetest.Password); pingan.ErrorCode(err) != pingan.EUNAUTHORIZED {
		t.Errorf("the old password signs in: %v", err)
	}
	if _, err := login("n3w-secret-pass"); err != nil {
		t.Errorf("the new password: %v", err)
	}
	if _, _, err := user("n3w-secret-pass\n", "passwd", "--username", "nobody", "--password-stdin"); pingan.ErrorCode(err) != pingan.ENOTFOUND {
		t.Errorf("passwd of an unknown account: %v", err)
	}

	// Each change is audited under the command line, as disable is.
	audit := map[string]int{}
	rs, err := raw.QueryContext(context.Background(), `SELECT action FROM audit WHERE user_name = $1`, "命令行 (command line)")
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	for rs.Next() {
		var a string
		rs.Scan(&a)
		audit[a]++
	}
	if audit["user_disabled"] != 1 || audit["user_updated"] != 3 || audit["password_set"] != 1 {
		t.Errorf("audit of the command line: %v", audit)
	}
}

// termWidth is the width of s in a terminal's columns, counted apart from
// the code under test: two for a Chinese character or mark, one otherwise.
func termWidth(s string) int {
	n := 0
	for _, r := range s {
		if unicode.Is(unicode.Han, r) || r == '、' || r == '，' {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// atColumn answers the rest of line from display column col.
func atColumn(line string, col int) string {
	for i := range line {
		if termWidth(line[:i]) >= col {
			return line[i:]
		}
	}
	return ""
}
