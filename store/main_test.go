package store_test

import (
	"flag"
	"os"
	"testing"
)

// TestMain runs the suite four tests at a time unless -parallel says
// otherwise: each test has a database of its own and spends most of its
// time waiting on it (a PostgreSQL round trip, an SQLite sync), so on a
// two-core machine twice as many tests as cores keep them busy.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		flag.Set("test.parallel", "4")
	}
	os.Exit(m.Run())
}
