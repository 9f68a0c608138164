package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan"
	"github.com/pingan-gov/pingan/store/storetest"
)

// TestAPIKeyCommand: the operator adds a key (printed once, on stdout),
// lists it without the key, and revokes it; the key authenticates until
// then, as the unit with the monitor role.
func TestAPIKeyCommand(t *testing.T) {
	t.Setenv("PINGAN_SECRET_KEY", "")
	data := storetest.DataDir(t)
	units := filepath.Join(data, "units.csv")
	os.WriteFile(units, []byte("code,name,level,parent_code\n620900,酒泉市,city,\n620902,肃州区,county,620900\n"), 0o600)
	if out, err := runCmd(t, "import", "units", units, "--data", data); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	apikey := func(args ...string) (string, string, error) {
		var stdout, stderr bytes.Buffer
		e := &cmdEnv{ctx: context.Background(), stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr}
		err := e.apikeyCmd(append(args, "--data", data))
		return stdout.String(), stderr.String(), err
	}
	key, _, err := apikey("add", "--name", "区应急局监测平台", "--unit", "620902")
	key = strings.TrimSpace(key)
	if err != nil || !strings.HasPrefix(key, pingan.APIKeyPrefix) {
		t.Fatalf("add: %q %v", key, err)
	}
	if _, _, err := apikey("add", "--name", "x", "--unit", "620902", "--roles", "root"); pingan.ErrorCode(err) != pingan.EINVALID {
		t.Errorf("an unknown role: %v", err)
	}
	list, _, err := apikey("list")
	if err != nil || !strings.Contains(list, "区应急局监测平台") || !strings.Contains(list, "monitor") || strings.Contains(list, key) {
		t.Errorf("list: %q %v", list, err)
	}
	authenticate := func() (*pingan.User, error) {
		db, err := (&dbFlags{data: data}).open(context.Background(), pingan.SystemClock, false)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		return db.APIKeys.Authenticate(context.Background(), key, "")
	}
	if u, err := authenticate(); err != nil || u.UnitCode != "620902" || !u.Has(pingan.RoleMonitor) {
		t.Fatalf("authenticate: %+v %v", u, err)
	}
	if _, _, err := apikey("revoke", "--name", "区应急局监测平台"); err != nil {
		t.Fatal(err)
	}
	if _, err := authenticate(); pingan.ErrorCode(err) != pingan.EUNAUTHORIZED {
		t.Errorf("after the revoke: %v", err)
	}
	if _, _, err := apikey("revoke"); err == nil {
		t.Error("a revoke without a name")
	}
}
