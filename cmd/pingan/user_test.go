package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
)

// TestUserDisableEnableRevoke: the operator disables an account at the
// command line (it can no longer sign in, its sessions end), enables it,
// and ends its sessions.
func TestUserDisableEnableRevoke(t *testing.T) {
	t.Setenv("PINGAN_SECRET_KEY", "")
	data := t.TempDir()
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
