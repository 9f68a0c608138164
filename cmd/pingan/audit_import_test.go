package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pingan-gov/pingan/store/storetest"
)

// TestImportAndUserAddAudited: `pingan import units FILE` and `pingan user
// add` are audit rows under the command line: the file as given with the
// counts, the new account with its roles and unit and not its password.
func TestImportAndUserAddAudited(t *testing.T) {
	t.Setenv("PINGAN_SECRET_KEY", "")
	data := storetest.DataDir(t)
	units := filepath.Join(data, "units.csv")
	os.WriteFile(units, []byte("code,name,level,parent_code\n620900,酒泉市,city,\n620902,肃州区,county,620900\n620902-ZZ,肃州区综治中心,centre,620902\n"), 0o600)
	if out, err := runCmd(t, "import", "units", units, "--data", data); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var stdout, stderr bytes.Buffer
	e := &cmdEnv{ctx: context.Background(), stdin: strings.NewReader("Audit-me-2026\n"), stdout: &stdout, stderr: &stderr}
	if err := e.userCmd([]string{"add", "--username", "disp", "--unit", "620902-ZZ", "--role", "dispatcher", "--password-stdin", "--data", data}); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	raw, err := sql.Open("sqlite", filepath.Join(data, "pingan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.QueryContext(context.Background(), `SELECT action, user_name, detail FROM audit
		WHERE action IN ('unit_import', 'user_create') ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var action, user, detail string
		if err := rows.Scan(&action, &user, &detail); err != nil {
			t.Fatal(err)
		}
		got = append(got, action+" "+user+" "+detail)
	}
	want := []string{
		`unit_import 命令行 (command line) {"file":"` + units + `","rows":3,"created":3,"updated":0,"unchanged":0}`,
		`user_create 命令行 (command line) {"username":"disp","roles":"dispatcher","unit":"620902-ZZ"}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit rows:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
