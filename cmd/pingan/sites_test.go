package main

import (
	"strings"
	"testing"

	"github.com/pingan-gov/pingan/store/storetest"
)

// `pingan sites import` says how it is used, and refuses a file that is not
// a workbook before it opens anything.
func TestSitesImportUsage(t *testing.T) {
	data := storetest.DataDir(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sites"}, "pingan sites import FILE.xlsx"},
		{[]string{"sites", "import", "a.xlsx"}, "--as USERNAME"},
		{[]string{"sites", "import", "a.csv", "--as", "admin", "--data", data}, "XLSX"},
	} {
		_, err := runCmd(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.args, err, tc.want)
		}
	}
}
